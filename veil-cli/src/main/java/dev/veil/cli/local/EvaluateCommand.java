package dev.veil.cli.local;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.veil.api.ModelFile;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.StandardCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil evaluate}: a decrypted model on a labelled CSV: accuracy, AUC, log-loss and
 * confusion matrix (logistic), RMSE and R2 (linear), accuracy and the k x k confusion matrix (ovr).
 */
@Command(
    name = "evaluate",
    sortOptions = false,
    description = {
      "Evaluate a decrypted model on a labelled CSV (the model's feature and label columns). "
          + "Logistic: accuracy at threshold 1/2, AUC, log-loss (natural log: the calibration of "
          + "the probabilities) and the confusion matrix; linear: RMSE and "
          + "R2; ovr: accuracy and the k x k confusion matrix with the class names."
    })
public final class EvaluateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "The plain model from veil decrypt.")
  Path model;

  @Option(names = "--csv", required = true, paramLabel = "FILE",
      description = "A labelled CSV with the model's columns.")
  Path csv;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    ModelFile m = Models.readModel(model);
    ctx.out().print(Scoring.evaluate(m, csv));
    ctx.out().flush();
    return CliErrors.OK;
  }
}
