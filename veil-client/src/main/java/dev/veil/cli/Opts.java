package dev.veil.cli;

import java.util.Arrays;
import java.util.List;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Small checks of option values shared by the workflow commands. */
final class Opts {
  private Opts() {}

  static void atLeast(CommandSpec spec, String option, long value, long min) {
    if (value < min) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option
          + "': must be at least " + min + ", got " + value);
    }
  }

  /** A comma-separated list of column names, null when absent. */
  static List<String> columns(String value) {
    if (value == null) {
      return null;
    }
    return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
