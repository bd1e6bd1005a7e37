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
      "Train on an encrypted data set the model it was encrypted for: logistic regression (Kim "
          + "et al.'s Nesterov method with a polynomial sigmoid), linear regression (gradient "
          + "descent, step 0.5) or one-vs-rest (one logistic regression per class). Needs only "
          + "the data set and the evaluation keys: never the secret key. Writes the encrypted "
          + "model directory."
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
      description = "Sigmoid degree 3, 5 or 7 (default: the one the keys were planned for; "
          + "logistic and ovr).")
  Integer degree;

  @Option(names = "--learning-rate", paramLabel = "A",
      description = "Linear regression only: the constant step size (default: "
          + Workflow.LINEAR_LEARNING_RATE + "; the step must stay below 2 / the largest "
          + "eigenvalue of the design's covariance).")
  Double learningRate;

  @Option(names = "--model", paramLabel = "KIND", converter = ModelKind.TrainingConverter.class,
      description = "logistic, linear or ovr: must be the kind the data set was encrypted for "
          + "(default: that kind).")
  ModelKind model;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The encrypted model directory to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    if (iterations != null) {
      Opts.atLeast(spec, "--iterations", iterations, 1);
    }
    CliContext ctx = VeilCli.context(spec);
    Workflow.TrainResult r = Workflow.train(data, evalKeys, model, iterations, degree,
        learningRate, out, ctx.err());
    TrainingInfo t = r.info().training();
    String what = switch (ModelKind.of(r.info().model(), out)) {
      case LINEAR -> String.format(Locale.ROOT, "linear regression, step %s", t.learningRate());
      case OVR -> String.format(Locale.ROOT, "one-vs-rest, %d classes, sigmoid degree %d",
          r.info().label().classes().size(), t.degree());
      default -> "sigmoid degree " + t.degree();
    };
    ctx.out().printf(Locale.ROOT, "trained %d iterations (%s, %d levels each) on %s: %.2f s per"
            + " iteration, %.1f s in all; encrypted model in %s%n", t.iterations(), what,
        t.levelsPerIteration(), data,
        Arrays.stream(t.iterationMillis()).average().orElse(0) / 1000, t.totalSeconds(), out);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
