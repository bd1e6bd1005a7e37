package dev.veil.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.Meta.TrainingInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil train}: encrypted training with the evaluation keys only (no secret key). */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    sortOptions = false,
    description = {
      "Train logistic regression (Kim et al.'s Nesterov method with a polynomial sigmoid) on an "
          + "encrypted data set. Needs only the data set and the evaluation keys: never the "
          + "secret key. Writes the encrypted model directory."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT})
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR",
      description = "The encrypted data set from veil encrypt.")
  Path data;

  @Option(names = "--eval-keys", required = true, paramLabel = "FILE",
      description = "The evaluation keys (KEYDIR/evaluation.keys).")
  Path evalKeys;

  @Option(names = "--iterations", paramLabel = "T",
      description = "Iterations (default: the ones the keys were planned for).")
  Integer iterations;

  @Option(names = "--degree", paramLabel = "K",
      description = "Sigmoid degree 3, 5 or 7 (default: the one the keys were planned for).")
  Integer degree;

  @Option(names = "--model", defaultValue = "logistic", paramLabel = "KIND",
      description = "The model: logistic (the only one so far).")
  String model;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The encrypted model directory to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (!Workflow.LOGISTIC.equals(model)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '--model': only 'logistic' is supported so far, got '"
              + model + "'");
    }
    if (iterations != null) {
      Opts.atLeast(spec, "--iterations", iterations, 1);
    }
    CliContext ctx = VeilCli.context(spec);
    Workflow.TrainResult r = Workflow.train(data, evalKeys, iterations, degree, out, ctx.err());
    TrainingInfo t = r.info().training();
    ctx.out().printf(Locale.ROOT, "trained %d iterations (sigmoid degree %d, %d levels each) on"
            + " %s: %.2f s per iteration, %.1f s in all; encrypted model in %s%n",
        t.iterations(), t.degree(), t.levelsPerIteration(), data,
        Arrays.stream(t.iterationMillis()).average().orElse(0) / 1000, t.totalSeconds(), out);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
