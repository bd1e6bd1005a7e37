package dev.veil.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.Meta.KeysInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil keygen}: plans the training run and writes the key directory. */
@Command(
    name = "keygen",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    sortOptions = false,
    description = {
      "Generate the keys for an encrypted training run. The run is planned first (128-bit-secure "
          + "parameters, exactly the rotations training needs), then DIR receives secret.key "
          + "(keep it), public.key and evaluation.keys (give them away), params.bin and plan.json."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT})
final class KeygenCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The key directory to create (must not exist or be empty).")
  Path out;

  @Option(names = "--rows", required = true, paramLabel = "N",
      description = "Most rows of the training data.")
  int rows;

  @Option(names = "--features", required = true, paramLabel = "D",
      description = "Most feature columns of the training data.")
  int features;

  @Option(names = "--iterations", defaultValue = "3", paramLabel = "T",
      description = "Training iterations to plan for (default: ${DEFAULT-VALUE}).")
  int iterations;

  @Option(names = "--degree", defaultValue = "3", paramLabel = "K",
      description = "Degree of the sigmoid approximation: 3, 5 or 7 (default: ${DEFAULT-VALUE}).")
  int degree;

  @Override
  public Integer call() throws Exception {
    Opts.atLeast(spec, "--rows", rows, 1);
    Opts.atLeast(spec, "--features", features, 1);
    Opts.atLeast(spec, "--iterations", iterations, 1);
    CliContext ctx = VeilCli.context(spec);
    long t0 = System.nanoTime();
    KeysInfo info =
        Workflow.keygen(out, rows, features, iterations, degree, ctx.err());
    PrintStream o = ctx.out();
    o.printf(Locale.ROOT, "keys for %d rows x %d features, %d iterations (sigmoid degree %d):"
            + " N = 2^%d, %d levels, %d rotations, in %.1f s%n", rows, features, iterations,
        degree, info.logN(), info.levels(), info.rotations().length, Opts.seconds(t0));
    o.printf("%s/%s stays with you; share %s and %s%n", out, Workflow.SECRET_KEY,
        Workflow.PUBLIC_KEY, Workflow.EVALUATION_KEYS);
    o.flush();
    return CliErrors.OK;
  }
}
