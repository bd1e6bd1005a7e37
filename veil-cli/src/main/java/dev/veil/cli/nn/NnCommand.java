package dev.veil.cli.nn;

import java.util.concurrent.Callable;

import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil nn}: the group of neural-network commands ({@code train}). */
@Command(
    name = "nn",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Neural networks for encrypted inference.",
    subcommands = {NnTrainCommand.class})
public final class NnCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw CliErrors.missingSubcommand(spec);
  }
}
