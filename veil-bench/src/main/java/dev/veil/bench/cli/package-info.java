/**
 * The {@code veil bench ...} commands: option checking, then a hand-over to the benchmark
 * classes of {@link dev.veil.bench} and {@link dev.veil.bench.server}. Added to the command line
 * through {@link dev.veil.cli.spi.CommandProvider} ({@link dev.veil.bench.cli.BenchCommands}).
 */
package dev.veil.bench.cli;
