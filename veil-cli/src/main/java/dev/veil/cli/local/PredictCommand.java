package dev.veil.cli.local;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.ModelFile;
import dev.veil.api.PredictionsInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.cli.output.Bars;
import dev.veil.ml.data.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code veil predict}: a decrypted model on plaintext rows, or on encrypted rows. */
@Command(
    name = "predict",
    sortOptions = false,
    description = {
      "Apply a decrypted model (model.json) to the rows of a CSV (--csv): scales the model's "
          + "feature columns with the saved scaler and writes one line per row: logistic "
          + "probability,predicted (1 = the positive class, the second class name in model.json); "
          + "linear prediction; ovr predicted,p_<class>,...",
      "Or, as the model holder, to rows encrypted for it (--data, from veil encrypt --schema): "
          + "computes every row's probability (or score) on the ciphertexts with the row owner's "
          + "evaluation keys (never the secret key), sanitises the results (unused slots cleared, "
          + "lowest level, re-randomised, flooding noise) and writes them to the directory --out, "
          + "for the row owner's veil decrypt --predictions."
    })
public final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "FILE",
      description = "The plain model from veil decrypt.")
  Path model;

  @Option(names = "--csv", paramLabel = "FILE",
      description = "Rows to score: a CSV with (at least) the model's feature columns.")
  Path csv;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Rows encrypted for this model (veil encrypt --schema), instead of --csv.")
  Path data;

  @Option(names = "--eval-keys", paramLabel = "FILE",
      description = "With --data: the row owner's evaluation keys (KEYDIR/evaluation.keys); "
          + "needed for probabilities.")
  Path evalKeys;

  @Option(names = "--result-budget", paramLabel = "D",
      description = "With --data: the result ciphertexts (one per batch of up to N/2 rows and "
          + "output) the row owner may ever receive from this model; the flooding noise is sized "
          + "for it and this run may return at most that many (default: "
          + Inference.DEFAULT_RESULT_BUDGET + "). Not counted across runs: return no more than "
          + "that to one row owner in all.")
  Long resultBudget;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Predictions CSV to write (--csv), or the encrypted predictions directory "
          + "(--data).")
  Path out;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    if ((csv == null) == (data == null)) {
      throw new ParameterException(spec.commandLine(), "give exactly one of --csv FILE"
          + " (plaintext rows) and --data DIR (encrypted rows)");
    }
    CliContext ctx = CliContext.of(spec);
    if (data != null) {
      long budget = resultBudget == null ? Inference.DEFAULT_RESULT_BUDGET : resultBudget;
      Opts.atLeast(spec, "--result-budget", budget, 1);
      Inference.PredictResult r = Inference.predict(model, data, evalKeys, budget, out,
          Bars.of(ctx));
      PredictionsInfo p = r.info();
      ctx.out().printf(Locale.ROOT, "%s of %d encrypted rows (%d result ciphertexts, sanitised:"
              + " about %.1f bits of precision) in %s, in %.1f s%n", p.output(), p.rows(),
          p.batches() * p.columns(), p.sanitizer().expectedPrecisionBits(), out, r.seconds());
      ctx.out().flush();
      return CliErrors.OK;
    }
    for (String o : new String[] {"--eval-keys", "--result-budget"}) {
      if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
        throw new ParameterException(spec.commandLine(), "Option '" + o + "' applies to"
            + " encrypted rows (--data) only");
      }
    }
    ModelFile m = Models.readModel(model);
    Path target = Store.outputFile(out);
    Table t = Scoring.read(m, csv, false);
    Scoring.Outputs o = Scoring.apply(m, t);
    Scoring.write(target, o);
    ctx.out().printf(Locale.ROOT, "%d predictions written to %s%n", o.values().length, out);
    ctx.out().flush();
    return CliErrors.OK;
  }
}
