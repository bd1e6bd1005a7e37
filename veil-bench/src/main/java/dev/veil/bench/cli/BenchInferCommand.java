package dev.veil.bench.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.bench.InferBenchmark;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.he.ckks.Presets;
import dev.veil.he.rlwe.Parameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil bench infer [--preset NAME | --scale-bits S] [--rows R] [--row-encryption
 * public|secret] [--threads T] [--warmup W] [--rounds R] [--json FILE]}: checks its options, then
 * hands over to {@link InferBenchmark#run} and exits with its code. The option names and the JSON
 * fields are a contract: scripts call them.
 */
@Command(
    name = "infer",
    sortOptions = false,
    description = {
      "Time encrypted inference end to end: the buyer encrypts rows of 18 features"
          + " (feature-major), the seller's plaintext logistic model computes scores and degree-3"
          + " probabilities, the output sanitiser re-randomises and floods the probabilities (the"
          + " server's policy, D = the rows), and the buyer decrypts them. Each stage is timed"
          + " apart and end to end (encrypt + probabilities + sanitize + decrypt); key"
          + " generation is not included. Prints a table (progress on standard error) and, with"
          + " --json, writes a JSON report."
    })
final class BenchInferCommand implements Callable<Integer> {
  /** Without --preset or --scale-bits: the smallest preset with the levels needed. */
  static final Presets DEFAULT_PRESET = Presets.N14QP401;
  /** The most rows of one run (64 batches at N = 2^14). */
  static final int MAX_ROWS = 1 << 19;

  @Spec CommandSpec spec;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      converter = BenchCkksCommand.PresetConverter.class,
      description = {
        "Parameter set, by full name or prefix, with at least 5 levels; known: "
            + "${COMPLETION-CANDIDATES} (default: N14QP401). At a preset's scale 2^40 the"
            + " flooding leaves no precision: the run measures the cost only."
      })
  Presets preset;

  @Option(
      names = "--scale-bits",
      paramLabel = "S",
      description = {
        "Instead of a preset, the smallest 128-bit-secure parameters with the levels needed at"
            + " scale 2^S under a 61-bit first prime, 20 to 60 (59: what the server benchmark"
            + " and veil keygen --model inference use; the results keep usable precision)."
      })
  Integer scaleBits;

  @Option(
      names = "--rows",
      paramLabel = "R",
      defaultValue = "16384",
      description = {"Rows of the buyer's table, 1 to " + MAX_ROWS + " (default:"
          + " ${DEFAULT-VALUE}, two full batches at N = 2^14)."})
  int rows;

  @Option(
      names = "--row-encryption",
      paramLabel = "KEY",
      defaultValue = "public",
      description = {"How the buyer encrypts the rows: public (as veil encrypt --schema) or"
          + " secret (seeded ciphertexts, as the server benchmark's buyers) (default:"
          + " ${DEFAULT-VALUE})."})
  String rowEncryption;

  @Mixin ThreadsOption threads;

  @Option(
      names = "--warmup",
      paramLabel = "W",
      defaultValue = "2",
      description = {"Untimed rounds first, at least 0 (default: ${DEFAULT-VALUE})."})
  int warmup;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      defaultValue = "5",
      description = {"Timed rounds, 1 to 100; medians are reported (default: ${DEFAULT-VALUE})."})
  int rounds;

  @Mixin ReportOption report;

  private final Parameters testParameters;

  /** The command at 128-bit-secure parameters. */
  BenchInferCommand() {
    this(null);
  }

  /** With these parameters instead of any preset (tests: small insecure ones); null: none. */
  BenchInferCommand(Parameters testParameters) {
    this.testParameters = testParameters;
  }

  @Mixin StandardCommand standard;

  @Override
  public Integer call() {
    if (preset != null && scaleBits != null) {
      throw Opts.invalid(spec, "--scale-bits", "cannot be combined with --preset");
    }
    Opts.atLeast(spec, "--rows", rows, 1);
    if (rows > MAX_ROWS) {
      throw Opts.invalid(spec, "--rows", "must be at most " + MAX_ROWS + ", got " + rows);
    }
    boolean secretKeyRows = switch (rowEncryption.strip().toLowerCase(Locale.ROOT)) {
      case "secret" -> true;
      case "public" -> false;
      default -> throw Opts.invalid(spec, "--row-encryption",
          "must be public or secret, got '" + rowEncryption + "'");
    };
    int t = threads.resolve(spec);
    Opts.atLeast(spec, "--warmup", warmup, 0);
    Opts.atLeast(spec, "--rounds", rounds, 1);
    if (rounds > 100) {
      throw Opts.invalid(spec, "--rounds", "must be at most 100, got " + rounds);
    }
    String name;
    Parameters params;
    String option;
    if (testParameters != null) {
      name = "test (insecure)";
      params = testParameters;
      option = "--rows";
    } else if (scaleBits != null) {
      if (scaleBits < 20 || scaleBits > 60) {
        throw Opts.invalid(spec, "--scale-bits", "must be 20 to 60, got " + scaleBits);
      }
      params = InferBenchmark.inferenceParameters(scaleBits);
      name = "ParameterSelector, scale 2^" + scaleBits;
      option = "--scale-bits";
    } else {
      Presets p = preset == null ? DEFAULT_PRESET : preset;
      name = p.name();
      params = p.parameters();
      option = "--preset";
    }
    String problem = InferBenchmark.problem(params, rows);
    if (problem != null) {
      throw Opts.invalid(spec, option, name + ": " + problem);
    }
    Path json = report.target(spec);
    CliContext context = CliContext.of(spec);
    InferBenchmark.Config config = new InferBenchmark.Config(name, params, rows, secretKeyRows,
        t, warmup, rounds, json);
    return InferBenchmark.run(config, context.out(), context.err());
  }
}
