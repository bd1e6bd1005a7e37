package dev.veil.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil bench}: the group of benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Measure the engine.",
    subcommands = {BenchCkksCommand.class, BenchHelrCommand.class, BenchIrisCommand.class})
final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }
}
