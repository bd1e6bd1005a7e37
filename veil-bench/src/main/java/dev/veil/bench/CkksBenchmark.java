package dev.veil.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import dev.veil.he.ckks.Presets;

/** End-to-end CKKS micro-benchmark behind {@code veil bench ckks}. (Being written.) */
public final class CkksBenchmark {
  private CkksBenchmark() {}

  /**
   * Runs the benchmark for each preset, prints a table to {@code out}, and writes the JSON report
   * to {@code json} when it is not null.
   *
   * @return process exit code (0 on success)
   */
  public static int run(List<Presets> presets, int threads, Path json, PrintStream out) {
    throw new UnsupportedOperationException("the CKKS benchmark is not written yet");
  }
}
