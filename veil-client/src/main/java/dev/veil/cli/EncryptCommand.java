package dev.veil.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.Meta.DataInfo;
import dev.veil.ml.data.Scaling;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code veil encrypt}: CSV in, encrypted data set directory out (data owner's side). */
@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    sortOptions = false,
    description = {
      "Encrypt a CSV training table with the public key: the scaler is fitted here, on the owner's"
          + " side, and saved in the data set's public metadata with the shape and column names."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {CliErrors.EXIT_OK, CliErrors.EXIT_FAILURE, CliErrors.EXIT_BAD_INPUT})
final class EncryptCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--keys", required = true, paramLabel = "DIR",
      description = "The key directory from veil keygen (only public.key, params.bin and "
          + "plan.json are read).")
  Path keys;

  @Option(names = "--csv", required = true, paramLabel = "FILE", description = "CSV with a header.")
  Path csv;

  @Option(names = "--label", paramLabel = "COLUMN",
      description = "The label column: 0/1 or two class names, the second in sorted order "
          + "positive (default: the last column).")
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

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "The encrypted data set directory to write.")
  Path out;

  @Override
  public Integer call() throws Exception {
    CliContext ctx = VeilCli.context(spec);
    long t0 = System.nanoTime();
    List<String> cols = Opts.columns(features);
    DataInfo info = Workflow.encrypt(keys, csv, label, cols, scaling, out, ctx.err());
    ctx.out().printf(Locale.ROOT, "encrypted %d rows x %d features (label '%s') into %d"
            + " ciphertexts in %s, in %.1f s%n", info.rows(), info.features(),
        info.label().name(), info.ciphertexts(), out, Opts.seconds(t0));
    ctx.out().flush();
    return CliErrors.OK;
  }
}
