package dev.veil.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.function.Function;

/**
 * What the commands share: the streams they read and write, the environment and the services they
 * call. {@link VeilCli#main} builds it from {@code System.in/out/err}, {@code System.getenv} and
 * the real services; tests pass captured streams, their own environment and fakes. A new command
 * that needs a service (a key store...) adds it here.
 *
 * @param out standard output: results
 * @param err standard error: errors, diagnostics, progress bars
 * @param ckksBenchmark runs {@code veil bench ckks}
 * @param in standard input (passwords with {@code --password-stdin})
 * @param env the environment ({@code VEIL_SERVER}, {@code VEIL_TOKEN}, {@code VEIL_HOME}): a
 *     variable's value, or null
 */
record CliContext(PrintStream out, PrintStream err, BenchCkksCommand.Runner ckksBenchmark,
    InputStream in, Function<String, String> env) {

  /** With the process's standard input and environment. */
  CliContext(PrintStream out, PrintStream err, BenchCkksCommand.Runner ckksBenchmark) {
    this(out, err, ckksBenchmark, System.in, System::getenv);
  }
}
