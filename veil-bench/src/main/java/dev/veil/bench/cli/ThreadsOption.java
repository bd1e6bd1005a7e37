package dev.veil.bench.cli;

import dev.veil.cli.core.Opts;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --threads T} option of the benchmarks that default to all processors (a mixin). */
final class ThreadsOption {
  @Option(
      names = "--threads",
      paramLabel = "T",
      description = {"Worker threads of the engine, at least 1 (default: all processors)."})
  Integer threads;

  /** The threads asked for, or all processors; bad input naming {@code --threads} below 1. */
  int resolve(CommandSpec spec) {
    int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    Opts.atLeast(spec, "--threads", t, 1);
    return t;
  }
}
