package dev.veil.cli;

import java.io.PrintStream;

/**
 * What the commands share: the streams they write to and the services they call. {@link
 * VeilCli#main} builds it from {@code System.out}, {@code System.err} and the real services; tests
 * pass captured streams and fakes. A new command that needs a service (an API client, a key store)
 * adds it here.
 *
 * @param out standard output: results
 * @param err standard error: errors and diagnostics
 * @param ckksBenchmark runs {@code veil bench ckks}
 */
record CliContext(PrintStream out, PrintStream err, BenchCkksCommand.Runner ckksBenchmark) {}
