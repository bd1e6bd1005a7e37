package dev.veil.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.veil.bench.HelrBenchmark;
import dev.veil.bench.IrisBenchmark;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.ml.data.Scaling;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil bench iris --data FILE [--label species] [--target petal_width] [--folds 5]
 * [--iterations 7] [--degree 3] [--linear-iterations 10] [--scaling min-max] [--threads T]
 * [--json FILE]}: encrypted one-vs-rest and encrypted linear regression on iris, at secure
 * parameters, against the same algorithms in double precision ({@link IrisBenchmark}).
 */
@Command(
    name = "iris",
    sortOptions = false,
    description = {
      "Cross-validate encrypted multiclass one-vs-rest (accuracy) and encrypted linear regression"
          + " (coefficients, RMSE) on the iris table at 128-bit-secure parameters, beside the same"
          + " algorithms in double precision and their exact counterparts."
    })
final class BenchIrisCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "FILE", required = true,
      description = "The iris CSV (four measurements and the class column).")
  Path data;

  @Option(names = "--label", paramLabel = "COLUMN", defaultValue = "species",
      description = "The class column (default: species).")
  String label;

  @Option(names = "--target", paramLabel = "COLUMN", defaultValue = "petal_width",
      description = "The measurement the linear regression predicts from the others (default:"
          + " petal_width).")
  String target;

  @Option(names = "--folds", paramLabel = "K", defaultValue = "5",
      description = "Cross-validation folds (default: 5).")
  int folds;

  @Option(names = "--iterations", paramLabel = "T", defaultValue = "7",
      description = "Nesterov iterations of each one-vs-rest classifier (default: 7).")
  int iterations;

  @Option(names = "--degree", paramLabel = "K", defaultValue = "3",
      description = "Kim sigmoid degree: 3, 5 or 7 (default: 3).")
  int degree;

  @Option(names = "--linear-iterations", paramLabel = "T", defaultValue = "10",
      description = "Gradient steps of the linear regression (default: 10).")
  int linearIterations;

  @Option(names = "--scaling", paramLabel = "KIND", defaultValue = "min-max",
      description = "One-vs-rest feature scaling: min-max (default), whiten, max-abs, standard.")
  String scaling;

  @Mixin ThreadsOption threads;

  @Mixin ReportOption report;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(data)) {
      throw Opts.invalid(spec, "--data", "'" + data + "' is not a file");
    }
    Opts.atLeast(spec, "--folds", folds, 2);
    Opts.atLeast(spec, "--iterations", iterations, 1);
    Opts.atLeast(spec, "--linear-iterations", linearIterations, 1);
    if (!HelrBenchmark.DEGREES.contains(degree)) {
      throw Opts.invalid(spec, "--degree", "must be one of 3, 5, 7, got " + degree);
    }
    int t = threads.resolve(spec);
    Scaling kind;
    try {
      kind = Scaling.parse(scaling);
    } catch (IllegalArgumentException e) {
      throw Opts.invalid(spec, "--scaling", e.getMessage());
    }
    Path file = report.target(spec);
    CliContext ctx = CliContext.of(spec);
    new IrisBenchmark(new IrisBenchmark.Config(data, label, target, folds, iterations, degree,
        linearIterations, kind, t, file), ctx.err()).run(ctx.out());
    ctx.out().flush();
    return CliErrors.OK;
  }

}
