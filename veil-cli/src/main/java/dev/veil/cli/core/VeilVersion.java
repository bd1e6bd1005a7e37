package dev.veil.cli.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/**
 * The Veil version (from {@code veil.properties}, filled in by Maven) and the runtime it runs on;
 * shown by {@code veil version} and {@code veil --version}.
 */
public final class VeilVersion implements IVersionProvider {
  private static final String RESOURCE = "veil.properties";

  /** The Veil version, e.g. {@code 0.1.0-SNAPSHOT}; {@code unknown} outside a Maven build. */
  public static String version() {
    Properties p = new Properties();
    try (InputStream in = VeilVersion.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    String v = p.getProperty("version", "");
    if (v.isBlank() || v.contains("${")) {
      v = VeilVersion.class.getPackage().getImplementationVersion(); // the jar manifest
    }
    return v == null ? "unknown" : v;
  }

  /** One "key value" line each: veil, java, os, processors, max heap. */
  public static List<String> lines() {
    Runtime rt = Runtime.getRuntime();
    return List.of(
        "veil " + version(),
        "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", "
            + System.getProperty("java.vm.name") + ")",
        "os " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        "processors " + rt.availableProcessors(),
        "max heap " + (rt.maxMemory() >> 20) + " MiB");
  }

  @Override
  public String[] getVersion() {
    return lines().toArray(String[]::new);
  }
}
