package dev.veil.cli.output;

import java.io.PrintStream;

import dev.veil.cli.core.CliContext;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress on standard error for the steps that take more than a second: Galois key generation,
 * encryption of many ciphertexts, training iterations, uploads, downloads and remote jobs.
 *
 * <p>On a terminal ({@link CliContext#terminal()}) each step is a progress bar
 * (me.tongfei:progressbar) of fixed width, redrawn in place. Otherwise (a log file, a pipe,
 * captured streams) the library is not used at all: each step writes one plain line when it ends,
 * e.g. {@code encrypt: 12/12 in 1.4 s} or {@code train: 100% in 9.0 s (succeeded)}, with no
 * carriage return and no ANSI escape code.
 */
public final class Bars {
  static final int WIDTH = 100;
  private static final int MIB = 1 << 20;

  private final PrintStream err;
  private final boolean terminal;

  /**
   * @param err where progress goes (standard error)
   * @param terminal bars redrawn in place (true) or one line per step (false)
   */
  public Bars(PrintStream err, boolean terminal) {
    if (err == null) {
      throw new IllegalArgumentException("progress needs a stream to write to");
    }
    this.err = err;
    this.terminal = terminal;
  }

  /** The progress of the command line whose context is {@code ctx}, on its standard error. */
  public static Bars of(CliContext ctx) {
    return new Bars(ctx.err(), ctx.terminal());
  }

  /** Progress of {@code max} units (negative: unknown, shown as elapsed time). */
  public Progress start(String task, long max) {
    return terminal ? new Progress(builder(task, max).build())
        : new Progress(err, task, max, 1, "");
  }

  /** Progress in percent (a remote job's); the line shows {@code TASK: P% in S s (NOTE)}. */
  public Progress percent(String task) {
    return terminal ? new Progress(builder(task, 100).build())
        : new Progress(err, task, 100, 1, "%");
  }

  /** Progress of bytes shown in MiB; its total is set by the first report. */
  public Progress bytes(String task) {
    return terminal
        ? new Progress(builder(task, -1).setUnit(" MiB", MIB).showSpeed().build())
        : new Progress(err, task, -1, MIB, " MiB");
  }

  private ProgressBarBuilder builder(String task, long max) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUpdateIntervalMillis(200)
        .setStyle(System.console() != null ? ProgressBarStyle.UNICODE_BLOCK
            : ProgressBarStyle.ASCII)
        .setConsumer(new ConsoleProgressBarConsumer(err, WIDTH));
  }
}
