package dev.veil.cli.core;

import java.nio.file.Path;

import dev.veil.client.TlsOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --ca} option of every command that talks to a server ({@code @Mixin}): the
 * certificates an {@code https://} server's must chain to. Without it (and without {@code
 * $VEIL_CA}) the JDK's trust store is used; the certificate and its host name are verified either
 * way.
 */
public final class CaOption {
  /** The variable naming the CA file when {@code --ca} is not given. */
  public static final String ENV_CA = "VEIL_CA";

  @Option(names = "--ca", paramLabel = "FILE",
      description = "Trust only the CA certificates in this PEM file for an https:// server (a"
          + " private CA), instead of the JDK's trust store (default: $VEIL_CA).")
  Path caFile;

  /**
   * The trust settings: {@code --ca}, else {@code $VEIL_CA}, else the JDK's trust store.
   *
   * @throws IllegalArgumentException naming {@code --ca} (or {@code $VEIL_CA}) and the file if it
   *     cannot be read or holds no certificate
   */
  public TlsOptions tls(CliContext ctx) {
    Path file = caFile;
    if (file == null) {
      String env = ctx.env().apply(ENV_CA);
      if (env == null || env.isBlank()) {
        return TlsOptions.systemDefault();
      }
      file = Path.of(env.strip());
    }
    try {
      return TlsOptions.trusting(file);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException((caFile != null ? "--ca " : "$" + ENV_CA + " ")
          + e.getMessage(), e);
    }
  }
}
