package dev.veil.bench.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

import dev.veil.bench.MnistBenchmark;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.NetworkFile;
import dev.veil.ml.nn.onnx.OnnxImport;
import dev.veil.ml.nn.onnx.UnsupportedModelException;
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
   * The network of {@code --model FILE}: an ONNX model ({@code .onnx}) through the importer, any
   * other file as a Veil network file ({@code veil model import --out}).
   */
  static Network loadModel(Path file) throws IOException {
    if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx")) {
      try {
        return OnnxImport.read(file).network();
      } catch (UnsupportedModelException | IOException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
      }
    }
    return NetworkFile.read(file);
  }

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
      description = "The network to run: an ONNX model (.onnx, e.g. from veil nn train) or a"
          + " Veil network file (veil model import). Default: the CryptoNets network trained"
          + " here first, as veil nn train trains it (about 5 minutes on 2 cores).")
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
        loaded = loadModel(model);
      } catch (IllegalArgumentException | IOException e) {
        throw Opts.invalid(spec, "--model", e.getMessage());
      }
      net = () -> loaded;
      name = model.getFileName().toString();
    } else {
      net = null;
      name = "CryptoNets network trained here (veil nn train's defaults, seed 1)";
    }
    int t = threads.resolve(spec);
    if (net == null) {
      net = MnistBenchmark.trainedModel(data, 1, t, CliContext.of(spec).err());
    }
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
