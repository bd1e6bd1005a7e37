package dev.veil.cli.output;

import java.io.PrintStream;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress bars (me.tongfei:progressbar) on standard error, for the steps that take more than a
 * second: Galois key generation, encryption of many ciphertexts, training iterations, uploads,
 * downloads and remote jobs. The width is fixed, so that no terminal needs to be probed (standard
 * error may be a file or a pipe).
 */
public final class Bars {
  private Bars() {}

  static final int WIDTH = 100;

  public static ProgressBar start(PrintStream err, String task, long max) {
    return builder(err, task, max).build();
  }

  /** A bar of bytes shown in MiB; its total is set by the first progress report. */
  public static ProgressBar bytes(PrintStream err, String task) {
    return builder(err, task, -1).setUnit(" MiB", 1 << 20).showSpeed().build();
  }

  private static ProgressBarBuilder builder(PrintStream err, String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUpdateIntervalMillis(200)
        .setStyle(System.console() != null ? ProgressBarStyle.UNICODE_BLOCK
            : ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(err, WIDTH));
  }
}
