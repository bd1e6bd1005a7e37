package dev.veil.bench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.veil.bench.MnistBenchmark;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.ml.nn.Network;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code veil bench mnist --data DIR [--mode latency|throughput|both] [--images N] [--model
 * FILE] [--flooding auto|none] [--threads T] [--json FILE]}: encrypted MNIST inference with a
 * compiled network ({@link MnistBenchmark}). The option names and the JSON fields are a
 * contract: scripts call them.
 */
@Command(
    name = "mnist",
    sortOptions = false,
    description = {
      "Encrypted MNIST inference with the network compiler: latency mode (one image per"
          + " request, the first convolution on the client's im2col layout) and throughput mode"
          + " (one image per slot). Reports accuracy, agreement with the plaintext network,"
          + " server times (encrypted input to sanitised encrypted result), client times, sizes"
          + " and a per-layer breakdown."
    })
final class BenchMnistCommand implements Callable<Integer> {
  /**
   * How {@code --model FILE} becomes a network: the one place where a trained or imported model
   * plugs in (the ONNX importer, {@code dev.veil.ml.nn.onnx}, once merged). Until then a model
   * file is refused with a message saying so.
   */
  static Function<Path, Network> modelLoader = file -> {
    throw new UnsupportedOperationException("reading a model file needs the ONNX importer"
        + " (dev.veil.ml.nn.onnx), which this build does not have yet; run without --model for"
        + " the seeded CryptoNets-shaped network");
  };

  /** The most test images one run takes (the test set's size). */
  static final int MAX_IMAGES = 10_000;

  @Spec CommandSpec spec;

  @Option(names = "--data", paramLabel = "DIR", required = true,
      description = "Directory of the MNIST IDX files (t10k-images-idx3-ubyte.gz,"
          + " t10k-labels-idx1-ubyte.gz; train-* for calibration and the default readout).")
  Path data;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "both",
      description = "latency, throughput or both (default: ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--images", paramLabel = "N", defaultValue = "100",
      description = "Test images per mode, 1 to " + MAX_IMAGES + " (default: ${DEFAULT-VALUE};"
          + " throughput counts full batches only when N is a multiple of the batch, N/2 slots).")
  int images;

  @Option(names = "--model", paramLabel = "FILE",
      description = "The network to run instead of the seeded CryptoNets-shaped one.")
  Path model;

  @Option(names = "--flooding", paramLabel = "WHAT", defaultValue = "auto",
      description = "auto: sanitise the results with the flooding the noise trace sizes, or,"
          + " where no secure parameters keep 8 bits after it, with a declared bound B = 2^0"
          + " (reported); none: no sanitisation, parameters for the arithmetic alone (a"
          + " reference, not a deployment) (default: ${DEFAULT-VALUE}).")
  String flooding;

  @Mixin ThreadsOption threads;

  @Mixin ReportOption report;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() {
    if (!Files.isDirectory(data)) {
      throw Opts.invalid(spec, "--data", "'" + data + "' is not a directory");
    }
    boolean latency;
    boolean throughput;
    switch (mode.strip().toLowerCase(Locale.ROOT)) {
      case "latency" -> {
        latency = true;
        throughput = false;
      }
      case "throughput" -> {
        latency = false;
        throughput = true;
      }
      case "both" -> {
        latency = true;
        throughput = true;
      }
      default -> throw Opts.invalid(spec, "--mode", "must be latency, throughput or both, got '"
          + mode + "'");
    }
    boolean flood = switch (flooding.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> true;
      case "none" -> false;
      default -> throw Opts.invalid(spec, "--flooding", "must be auto or none, got '"
          + flooding + "'");
    };
    Opts.atLeast(spec, "--images", images, 1);
    if (images > MAX_IMAGES) {
      throw Opts.invalid(spec, "--images", "must be at most " + MAX_IMAGES + ", got " + images);
    }
    Supplier<Network> net;
    String name;
    if (model != null) {
      if (!Files.isRegularFile(model)) {
        throw Opts.invalid(spec, "--model", "'" + model + "' is not a file");
      }
      Network loaded;
      try {
        loaded = modelLoader.apply(model);
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        throw Opts.invalid(spec, "--model", e.getMessage());
      }
      net = () -> loaded;
      name = model.getFileName().toString();
    } else {
      net = MnistBenchmark.defaultModel(data, 2026);
      name = "seeded CryptoNets-shaped (random conv and dense, ridge readout)";
    }
    int t = threads.resolve(spec);
    Path json = report.target(spec);
    CliContext context = CliContext.of(spec);
    try {
      return MnistBenchmark.run(new MnistBenchmark.Config(data, latency, throughput, images, t,
          json, net, name, flood), context.out(), context.err());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
