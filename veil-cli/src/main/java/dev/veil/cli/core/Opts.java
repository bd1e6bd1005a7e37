package dev.veil.cli.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Small checks of option values shared by the commands (built-in and provided). */
public final class Opts {
  private Opts() {}

  /** Bad input naming {@code option} unless {@code value} is at least {@code min}. */
  public static void atLeast(CommandSpec spec, String option, long value, long min) {
    if (value < min) {
      throw invalid(spec, option, "must be at least " + min + ", got " + value);
    }
  }

  /**
   * Checks, before a run of minutes, that a report can be written to {@code file}, the value of
   * {@code option}: creates the missing parent directories and refuses a directory or a path that
   * is not writable, as bad input that names the option.
   *
   * @return the file's absolute, normalised path
   */
  public static Path writableFile(CommandSpec spec, String option, Path file) {
    Path target = file.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw invalid(spec, option, "'" + file + "' is a directory");
    }
    Path dir = target.getParent();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw invalid(spec, option,
          "cannot create directory '" + dir + "' (" + CliErrors.describe(e) + ")");
    }
    if (!Files.isWritable(dir)) {
      throw invalid(spec, option, "directory '" + dir + "' is not writable");
    }
    if (Files.exists(target) && !Files.isWritable(target)) {
      throw invalid(spec, option, "'" + file + "' is not writable");
    }
    return target;
  }

  /** Bad input: {@code Invalid value for option 'OPTION': PROBLEM}. */
  public static ParameterException invalid(CommandSpec spec, String option, String problem) {
    return new ParameterException(
        spec.commandLine(), "Invalid value for option '" + option + "': " + problem);
  }

  /** A comma-separated list of column names, null when absent. */
  public static List<String> columns(String value) {
    if (value == null) {
      return null;
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Seconds since {@code startNanos} (a {@link System#nanoTime()}). */
  public static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
