package dev.veil.cli.local;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.api.DataInfo;
import dev.veil.api.RowsInfo;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.cli.output.Bars;
import dev.veil.ml.data.Scaling;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code veil encrypt}: CSV in, encrypted data set directory out (data owner's side). */
@Command(
    name = "encrypt",
    sortOptions = false,
    description = {
      "Encrypt a CSV training table with the public key for the model the keys were made for"
          + " (logistic, linear or ovr): the scaler is fitted here, on the owner's side, and saved"
          + " in the data set's public metadata with the shape and column names.",
      "With --schema (keys made with --model inference): encrypt rows for a model instead, "
          + "scaled with the model's public input schema, feature-major, no label."
    })
public final class EncryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--keys", required = true, paramLabel = "DIR",
      description = "The key directory from veil keygen (only public.key, params.bin and "
          + "plan.json are read).")
  Path keys;

  @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV with a header.")
  Path csv;

  @Option(names = "--label", paramLabel = "COLUMN",
      description = "The label column (default: the last column). Logistic: 0/1 or two class "
          + "names, the second in sorted order positive; ovr: k class names (or values); linear: "
          + "numbers (standardised before encryption).")
  String label;

  @Option(names = "--features", paramLabel = "A,B,...",
      description = "Feature columns (default: all but the label).")
  String features;

  @Option(names = "--scaling", defaultValue = "min-max", paramLabel = "KIND",
      converter = ScalingConverter.class,
      description = "Feature transform fitted on this table and saved in the public metadata:"
          + " min-max (default: onto [-1, 1], reveals each feature's range), whiten (decorrelated,"
          + " equal variances: far fewer iterations for the same accuracy, reveals the"
          + " covariance), max-abs or standard.")
  Scaling scaling;

  /** min-max, whiten, max-abs, standard (case-insensitive, '_' or '-'). */
  static final class ScalingConverter implements ITypeConverter<Scaling> {
    @Override
    public Scaling convert(String value) {
      try {
        return Scaling.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  @Option(names = "--schema", paramLabel = "FILE",
      description = "Encrypt rows for inference: the model's input schema from veil schema (or "
          + "the model file itself) names the feature columns and the scaler; needs keys made "
          + "with --model inference; --label, --features and --scaling do not apply.")
  Path schema;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The encrypted data set (or rows) directory to write.")
  Path out;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    long t0 = System.nanoTime();
    if (schema != null) {
      for (String o : new String[] {"--label", "--features", "--scaling"}) {
        if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
          throw new ParameterException(spec.commandLine(), "Option '" + o + "' does not apply"
              + " with --schema: the schema names the features and the scaler");
        }
      }
      RowsInfo r = Inference.encryptRows(keys, csv, schema, out, Bars.of(ctx));
      ctx.out().printf(Locale.ROOT, "encrypted %d rows x %d features for inference (%s) into %d"
              + " batches of up to %d rows in %s, in %.1f s%n", r.rows(), r.features(),
          r.output(), r.batches(), r.slots(), out, Opts.seconds(t0));
      ctx.out().flush();
      return CliErrors.OK;
    }
    List<String> cols = Opts.columns(features);
    DataInfo info = Encryption.encrypt(keys, csv, label, cols, scaling, out, Bars.of(ctx));
    ctx.out().printf(Locale.ROOT, "encrypted %d rows x %d features (label '%s', %s) into %d"
            + " ciphertexts in %s, in %.1f s%n", info.rows(), info.features(),
        info.label().name(), info.model(), Workflow.tables(ModelKind.of(info.model(), out),
            info.label().classes() == null ? 0 : info.label().classes().size()).size()
            * info.ciphertexts(), out, Opts.seconds(t0));
    ctx.out().flush();
    return CliErrors.OK;
  }
}
