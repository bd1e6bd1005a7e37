package dev.veil.bench.cli;

import java.nio.file.Path;

import dev.veil.cli.core.Opts;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The {@code --json FILE} option of the benchmarks that write a report (a picocli mixin). */
final class ReportOption {
  @Option(
      names = "--json",
      paramLabel = "FILE",
      description = {
        "Also write the results to FILE as JSON (missing parent directories are created)."
      })
  Path json;

  /**
   * The report's absolute path, checked writable before the run (bad input naming {@code
   * --json} otherwise), or null without the option.
   */
  Path target(CommandSpec spec) {
    return json == null ? null : Opts.writableFile(spec, "--json", json);
  }
}
