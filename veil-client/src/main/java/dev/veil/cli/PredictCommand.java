package dev.veil.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.Meta.ModelFile;
import dev.veil.he.io.VeilIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil predict}: a decrypted model on plaintext rows. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    sortOptions = false,
    description = {
      "Apply a decrypted model (model.json) to the rows of a CSV: scales the model's feature "
          + "columns with the saved scaler and writes one line per row: probability,predicted "
          + "(1 = the positive class, the second class name in model.json)."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT})
final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "The plain model from veil decrypt.")
  Path model;

  @Option(names = "--csv", required = true, paramLabel = "FILE",
      description = "Rows to score: a CSV with (at least) the model's feature columns.")
  Path csv;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Predictions CSV to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = VeilCli.context(spec);
    ModelFile m = Workflow.readModel(model);
    Path target = Store.outputFile(out);
    double[] p = Workflow.score(m, csv, false).probabilities();
    VeilIO.writeAtomically(target, o -> {
      BufferedWriter w = new BufferedWriter(new OutputStreamWriter(o, StandardCharsets.UTF_8));
      w.write("probability,predicted\n");
      for (double v : p) {
        w.write(String.format(Locale.ROOT, "%.6f,%d%n", v, v >= 0.5 ? 1 : 0));
      }
      w.flush();
    });
    ctx.out().printf(Locale.ROOT, "%d predictions written to %s%n", p.length, out);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
