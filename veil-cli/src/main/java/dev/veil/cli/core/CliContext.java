package dev.veil.cli.core;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Function;

import picocli.CommandLine.Model.CommandSpec;

/**
 * What the commands share: the streams they read and write and the environment. The entry point
 * ({@code dev.veil.cli.VeilCli}) builds it from {@code System.in/out/err} and {@code
 * System.getenv}; tests pass captured streams and their own environment. Commands, built in or
 * added by a {@link dev.veil.cli.spi.CommandProvider}, find it with {@link #of(CommandSpec)},
 * never through static state.
 *
 * @param out standard output: results
 * @param err standard error: errors, diagnostics, progress
 * @param in standard input (passwords with {@code --password-stdin})
 * @param env the environment ({@code VEIL_SERVER}, {@code VEIL_TOKEN}, {@code VEIL_HOME}): a
 *     variable's value, or null
 * @param terminal whether standard error is a terminal: progress is drawn as bars redrawn in
 *     place; otherwise (a file, a pipe, captured streams) it is one plain line per step, with no
 *     carriage return and no ANSI escape code
 */
public record CliContext(PrintStream out, PrintStream err, InputStream in,
    Function<String, String> env, boolean terminal) {
  /**
   * The variable that overrides the terminal detection: {@value #PROGRESS_LINES} for one line per
   * step, {@value #PROGRESS_BARS} for bars.
   */
  public static final String PROGRESS_ENV = "VEIL_PROGRESS";
  public static final String PROGRESS_LINES = "lines";
  public static final String PROGRESS_BARS = "bars";

  /** Checks the streams and the environment. */
  public CliContext {
    if (out == null || err == null || in == null || env == null) {
      throw new IllegalArgumentException("a command line context needs out, err, in and env");
    }
  }

  /** With the process's standard input and environment. */
  public CliContext(PrintStream out, PrintStream err) {
    this(out, err, System.in, System::getenv);
  }

  /**
   * With {@link #terminal} decided from {@code err} and {@code env}: {@code $VEIL_PROGRESS} when
   * set ({@value #PROGRESS_LINES} or {@value #PROGRESS_BARS}); else a terminal only when {@code
   * err} is the process's standard error and the process has a console (standard input and output
   * are terminals; {@code veil ... > log 2>&1} has none).
   */
  public CliContext(PrintStream out, PrintStream err, InputStream in,
      Function<String, String> env) {
    this(out, err, in, env, isTerminal(err, env));
  }

  /**
   * The decision the four-argument constructor makes. Another value of {@code $VEIL_PROGRESS}
   * than the two is ignored (the detection decides), so that a typo never stops a command.
   */
  public static boolean isTerminal(PrintStream err, Function<String, String> env) {
    String override = env.apply(PROGRESS_ENV);
    String mode = override == null ? "" : override.strip().toLowerCase(Locale.ROOT);
    if (mode.equals(PROGRESS_LINES) || mode.equals(PROGRESS_BARS)) {
      return mode.equals(PROGRESS_BARS);
    }
    return err == System.err && System.console() != null;
  }

  /** The top command of a command line: it holds the context its commands run in. */
  public interface Holder {
    CliContext context();
  }

  /** The context of the command line that the command {@code spec} belongs to. */
  public static CliContext of(CommandSpec spec) {
    Object root = spec.root().userObject();
    if (root instanceof Holder holder) {
      return holder.context();
    }
    throw new IllegalStateException(
        "command '" + spec.qualifiedName() + "' runs outside the veil command line");
  }
}
