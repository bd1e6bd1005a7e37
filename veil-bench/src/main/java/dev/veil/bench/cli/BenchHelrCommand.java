package dev.veil.bench.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.veil.bench.HelrBenchmark;
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
 * {@code veil bench helr --data DIR [--folds 5] [--iterations 7] [--degree 3] [--threads T]
 * [--scaling whiten|max-abs|min-max|standard] [--json FILE]}: checks its options, then hands over to {@code
 * dev.veil.bench.HelrBenchmark.run} and exits with its code. The option names and the JSON fields
 * are a contract (issue 3): scripts call them.
 */
@Command(
    name = "helr",
    sortOptions = false,
    description = {
      "Cross-validate encrypted logistic regression (Kim et al.'s Nesterov algorithm on CKKS, "
          + "128-bit-secure parameters chosen by the planner) on every CSV file of a directory "
          + "(label 0/1 in the last column), beside the same algorithm in double precision and "
          + "exact logistic regression. Prints a table (progress on standard error) and, with "
          + "--json, writes a JSON report. trainSeconds: mean encrypted training time of one fold."
    })
final class BenchHelrCommand implements Callable<Integer> {
  /** The benchmark; tests replace it. */
  @FunctionalInterface
  interface Runner {
    int run(HelrBenchmark.Config config, java.io.PrintStream out, java.io.PrintStream err);
  }

  /** Replaced by tests (the shared CliContext has no slot for this command). */
  static volatile Runner runner = HelrBenchmark::run;

  @Spec CommandSpec spec;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      required = true,
      description = {"Directory of the data sets: every *.csv file in it is one."})
  Path data;

  @Option(
      names = "--folds",
      paramLabel = "K",
      defaultValue = "5",
      description = {"Folds of the cross validation, at least 2 (default: ${DEFAULT-VALUE})."})
  int folds;

  @Option(
      names = "--iterations",
      paramLabel = "T",
      defaultValue = "7",
      description = {"Nesterov iterations, at least 1 (default: ${DEFAULT-VALUE})."})
  int iterations;

  @Option(
      names = "--degree",
      paramLabel = "D",
      defaultValue = "3",
      description = {"Degree of Kim et al.'s sigmoid polynomial: 3, 5 or 7 (default: "
          + "${DEFAULT-VALUE})."})
  int degree;

  @Mixin ThreadsOption threads;

  @Option(
      names = "--scaling",
      paramLabel = "KIND",
      defaultValue = "whiten",
      description = {"Feature scaling fitted on each training fold: whiten (the default:"
          + " decorrelated, equal variances, in [-1, 1]), max-abs (Kim et al.'s), min-max (to"
          + " [-1, 1]) or standard."})
  String scaling;

  @Mixin ReportOption report;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() {
    if (!Files.isDirectory(data)) {
      throw Opts.invalid(spec, "--data", "'" + data + "' is not a directory");
    }
    List<Path> csv;
    try {
      csv = HelrBenchmark.csvFiles(data);
    } catch (IOException e) {
      throw Opts.invalid(spec, "--data", "cannot list '" + data + "' (" + CliErrors.describe(e) + ")");
    }
    if (csv.isEmpty()) {
      throw Opts.invalid(spec, "--data", "'" + data + "' holds no .csv files");
    }
    if (folds < 2) {
      throw Opts.invalid(spec, "--folds", "must be at least 2, got " + folds);
    }
    if (iterations < 1) {
      throw Opts.invalid(spec, "--iterations", "must be at least 1, got " + iterations);
    }
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
    Path json = report.target(spec);
    CliContext context = CliContext.of(spec);
    HelrBenchmark.Config config =
        new HelrBenchmark.Config(data, folds, iterations, degree, t, kind, json);
    return runner.run(config, context.out(), context.err());
  }


}
