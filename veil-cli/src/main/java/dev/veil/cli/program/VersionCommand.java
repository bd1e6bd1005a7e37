package dev.veil.cli.program;

import java.io.PrintStream;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code veil version}: the Veil version, the Java runtime and the processors available. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = "Print the Veil version, the Java runtime, the processors and the maximum heap.")
public final class VersionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintStream out = CliContext.of(spec).out();
    VeilVersion.lines().forEach(out::println);
    out.flush();
    return CliErrors.OK;
  }
}
