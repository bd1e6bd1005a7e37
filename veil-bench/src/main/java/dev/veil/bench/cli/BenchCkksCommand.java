package dev.veil.bench.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;

import dev.veil.bench.CkksBenchmark;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.he.ckks.Presets;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code veil bench ckks [--preset NAME]... [--threads T] [--json FILE]}: checks its options, then
 * hands over to {@code dev.veil.bench.CkksBenchmark.run} and exits with its code. The option names
 * are a contract: scripts and other tools call them.
 */
@Command(
    name = "ckks",
    sortOptions = false,
    description = {
      "Time the CKKS operations of the veil-he engine on preset parameter sets, print a table "
          + "and, with --json, write a JSON report. Times are medians in microseconds."
    })
public final class BenchCkksCommand implements Callable<Integer> {
  /** Without --preset: the presets up to N = 2^15. N16 needs many GiB of heap; ask for it. */
  static final int DEFAULT_MAX_LOG_N = 15;

  /** The benchmark itself; see {@code CkksBenchmark.run} for the meaning of each argument. */
  @FunctionalInterface
  interface Runner {
    int run(List<Presets> presets, int threads, Path json, PrintStream out);
  }

  private final Runner runner;

  /** The command running the real benchmark. */
  public BenchCkksCommand() {
    this(CkksBenchmark::run);
  }

  BenchCkksCommand(Runner runner) {
    this.runner = runner;
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--preset",
      paramLabel = "NAME",
      split = ",",
      converter = PresetConverter.class,
      description = {
        "Parameter set, by full name or prefix (N13, N14, N15, N16); known: "
            + "${COMPLETION-CANDIDATES}. Repeat the option or separate names with commas.",
        "Default: N13, N14 and N15 (N16 needs a large heap, see VEIL_JAVA_OPTS)."
      })
  List<Presets> presets;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "1",
      description = {
        "Worker threads, at least 1 (default: ${DEFAULT-VALUE}: single-threaded times, "
            + "comparable with single-threaded SEAL and OpenFHE)."
      })
  int threads;

  @Mixin ReportOption report;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() {
    Opts.atLeast(spec, "--threads", threads, 1);
    Path json = report.target(spec);
    CliContext context = CliContext.of(spec);
    return runner.run(chosenPresets(), threads, json, context.out());
  }

  /** The presets asked for, in order and without repeats, or the default ones. */
  private List<Presets> chosenPresets() {
    if (presets == null || presets.isEmpty()) {
      return Arrays.stream(Presets.values()).filter(p -> p.logN() <= DEFAULT_MAX_LOG_N).toList();
    }
    return List.copyOf(new LinkedHashSet<>(presets));
  }

  /** A preset by name or prefix, case-insensitive ("n15", "N15QP881"). */
  static final class PresetConverter implements ITypeConverter<Presets> {
    @Override
    public Presets convert(String value) {
      try {
        return Presets.byName(value.strip());
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
