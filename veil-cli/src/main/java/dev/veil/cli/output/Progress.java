package dev.veil.cli.output;

import java.io.PrintStream;
import java.util.Locale;

import me.tongfei.progressbar.ProgressBar;

/**
 * The progress of one step (Galois keys, encryption, training, a transfer, a remote job), made by
 * {@link Bars}: on a terminal a bar of the progress-bar library, redrawn in place; otherwise one
 * plain line written when the step ends, {@code TASK: DONE[/MAX][ UNIT] in S s[ (NOTE)]} (a
 * percentage without its maximum). Close it when the step ends, successfully or not.
 */
public final class Progress implements AutoCloseable {
  private final ProgressBar bar; // null: one line at the end
  private final PrintStream err;
  private final String task;
  private final long unitSize;
  private final String unit;
  private final long start = System.nanoTime();
  private long max;
  private long done;
  private String note = "";
  private boolean closed;

  /** A bar redrawn in place. */
  Progress(ProgressBar bar) {
    this.bar = bar;
    this.err = null;
    this.task = null;
    this.unitSize = 1;
    this.unit = "";
  }

  /** One line on {@code err} when the step ends; counts shown in units of {@code unitSize}. */
  Progress(PrintStream err, String task, long max, long unitSize, String unit) {
    this.bar = null;
    this.err = err;
    this.task = task;
    this.max = max;
    this.unitSize = unitSize;
    this.unit = unit;
  }

  /** One more unit done. */
  public synchronized void step() {
    stepTo(done + 1);
  }

  /** {@code done} units done in all. */
  public synchronized void stepTo(long done) {
    this.done = done;
    if (bar != null) {
      bar.stepTo(done);
    }
  }

  /** The total, when it becomes known (or changes); negative: unknown. */
  public synchronized void maxHint(long max) {
    this.max = max;
    if (bar != null) {
      bar.maxHint(max);
    }
  }

  /** The total known so far; negative while unknown. */
  public synchronized long max() {
    return bar != null ? bar.getMax() : max;
  }

  /** A short note shown after the count, e.g. a remote job's stage; empty for none. */
  public synchronized void note(String text) {
    note = text == null ? "" : text;
    if (bar != null) {
      bar.setExtraMessage(note);
    }
  }

  /** Ends the step: the bar is finished, or the line written (once). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (bar != null) {
      bar.close();
      return;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String count = max < 0 || unit.equals("%") ? amount(done) : amount(done) + "/" + amount(max);
    String tail = note.isBlank() ? "" : " (" + note.strip() + ")";
    err.printf(Locale.ROOT, "%s: %s%s in %.1f s%s%n", task, count, unit, seconds, tail);
    err.flush();
  }

  private String amount(long units) {
    return unitSize == 1 ? Long.toString(units)
        : String.format(Locale.ROOT, "%.1f", (double) units / unitSize);
  }
}
