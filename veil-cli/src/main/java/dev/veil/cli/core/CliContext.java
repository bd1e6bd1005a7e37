package dev.veil.cli.core;

import java.io.InputStream;
import java.io.PrintStream;
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
 */
public record CliContext(PrintStream out, PrintStream err, InputStream in,
    Function<String, String> env) {

  /** With the process's standard input and environment. */
  public CliContext(PrintStream out, PrintStream err) {
    this(out, err, System.in, System::getenv);
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
