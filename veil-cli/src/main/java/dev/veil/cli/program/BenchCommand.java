package dev.veil.cli.program;

import java.util.concurrent.Callable;

import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code veil bench}: the group of benchmarks. Its members come from the modules that provide them
 * ({@link dev.veil.cli.spi.CommandProvider#benchCommands()}): veil-bench adds ckks, helr, iris and
 * server.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Measure the engine.",
    subcommands = {})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }
}
