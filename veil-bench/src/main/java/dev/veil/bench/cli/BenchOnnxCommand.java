package dev.veil.bench.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.veil.bench.CompiledForward;
import dev.veil.bench.OnnxConformance;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil bench onnx --data DIR [--json FILE]}: ONNX's backend test cases through the
 * importer and the exact forward ({@link OnnxConformance}). Exit code 1 when a case fails
 * (imports but misses its expected output, or throws).
 */
@Command(
    name = "onnx",
    sortOptions = false,
    description = {
      "Import every ONNX test case under DIR (folders with model.onnx and test_data_set_*, e.g."
          + " Debian's libonnx-testdata: /usr/share/libonnx-testdata/data), run each supported"
          + " one in exact mode against its expected outputs and record each refusal's reason."
    })
final class BenchOnnxCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "The folder of test cases (searched recursively).")
  Path data;

  @Option(names = "--encrypted",
      description = "Also run every supported case under encryption (the network compiler in"
          + " latency mode, exact activations as degree-15 Chebyshev interpolants, no"
          + " sanitisation) and report encryptedMaxError: minutes instead of seconds.")
  boolean encrypted;

  @Mixin ThreadsOption threads;

  @Mixin ReportOption report;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws Exception {
    if (!Files.isDirectory(data)) {
      throw Opts.invalid(spec, "--data", "'" + data + "' is not a directory");
    }
    Path file = report.target(spec);
    CliContext ctx = CliContext.of(spec);
    OnnxConformance.Report r = (encrypted
        ? new OnnxConformance(new CompiledForward(threads.resolve(spec)))
        : new OnnxConformance()).run(data);
    if (r.cases().isEmpty()) {
      throw Opts.invalid(spec, "--data", "no model.onnx under '" + data + "'");
    }
    OnnxConformance.summarise(r, ctx.out());
    if (file != null) {
      OnnxConformance.write(r, file);
      ctx.out().println("report written to " + file);
    }
    ctx.out().flush();
    return r.failures().isEmpty() ? CliErrors.OK : CliErrors.FAILURE;
  }
}
