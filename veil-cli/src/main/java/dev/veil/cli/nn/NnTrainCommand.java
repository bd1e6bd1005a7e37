package dev.veil.cli.nn;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.Opts;
import dev.veil.cli.core.StandardCommand;
import dev.veil.ml.data.DataFormatException;
import dev.veil.ml.data.Idx;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.nn.onnx.OnnxExport;
import dev.veil.ml.nn.train.Examples;
import dev.veil.ml.nn.train.NetworkTrainer;
import dev.veil.ml.nn.train.TrainingOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code veil nn train}: trains the CryptoNets / LoLa network (convolution 5x5, 5 channels,
 * stride 2, square, dense 100, square, dense 10) on MNIST in the clear and writes it as ONNX, for
 * encrypted inference. Prints each epoch's loss and test accuracy and the final accuracy on the
 * test images. Everything is checked before training starts; the model file is written only at
 * the end, whole (nothing is written when anything fails).
 */
@Command(
    name = "train",
    sortOptions = false,
    description = {
      "Train an HE-friendly network (CryptoNets/LoLa: conv 5x5 stride 2 with 5 channels, "
          + "square, dense 100, square, dense 10, softmax) on MNIST and write it as ONNX "
          + "(opset 13). DIR holds train-images-idx3-ubyte, train-labels-idx1-ubyte, "
          + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or .gz. The same "
          + "seed gives the same model whatever the number of threads."
    })
public final class NnTrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--mnist", required = true, paramLabel = "DIR",
      description = "The folder of the four MNIST IDX files.")
  Path mnist;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "The ONNX model to write (replaced whole if it exists).")
  Path out;

  @Option(names = "--epochs", defaultValue = "20", paramLabel = "E",
      description = "Passes over the training images (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--batch", defaultValue = "64", paramLabel = "B",
      description = "Images per step (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME",
      description = "adam (default) or momentum.")
  String optimizer;

  @Option(names = "--learning-rate", paramLabel = "R",
      description = "Initial step size, decayed along a cosine (default: 0.002 for adam, 0.02 "
          + "for momentum).")
  Double learningRate;

  @Option(names = "--shift", defaultValue = "2", paramLabel = "PIXELS",
      description = "Augmentation: move each training image by up to this many pixels each "
          + "time it is used (default: ${DEFAULT-VALUE}; 0 for none).")
  int shift;

  @Option(names = "--train-limit", paramLabel = "N",
      description = "Train on the first N training images only (default: all).")
  Integer trainLimit;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S",
      description = "Seeds the initial weights, the shuffling and the shifts (default: "
          + "${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--threads", paramLabel = "T",
      description = "Worker threads (default: the available processors).")
  Integer threads;

  @Mixin StandardCommand standard;

  @Override
  public Integer call() throws IOException {
    TrainingOptions options = options();
    if (!Files.isDirectory(mnist)) {
      throw Opts.invalid(spec, "--mnist", "'" + mnist + "' is not a directory");
    }
    Path target = outputFile();
    PrintStream o = CliContext.of(spec).out();
    long start = System.nanoTime();
    Examples train;
    Examples test;
    try {
      train = Examples.of(Idx.mnist(mnist, true), 10);
      test = Examples.of(Idx.mnist(mnist, false), 10);
    } catch (DataFormatException e) {
      throw Opts.invalid(spec, "--mnist", e.getMessage());
    } catch (NoSuchFileException e) {
      throw Opts.invalid(spec, "--mnist", "no such file: " + e.getFile());
    }
    if (!train.shape().equals(test.shape())) {
      throw Opts.invalid(spec, "--mnist", "training images are " + train.shape()
          + " but test images " + test.shape());
    }
    Shape shape = train.shape();
    if (shape.height() < 3 || shape.width() < 3) {
      throw Opts.invalid(spec, "--mnist", "images of " + shape.height() + " x "
          + shape.width() + " are too small for a 5x5 convolution with padding 1");
    }
    if (trainLimit != null) {
      train = train.head(trainLimit);
    }
    Network initial = NetworkTrainer.cryptonets(shape, 100, 10, seed);
    o.printf(Locale.ROOT, "read %d training and %d test images of %dx%d in %.1f s%n",
        train.count(), test.count(), shape.height(), shape.width(), Opts.seconds(start));
    o.printf(Locale.ROOT, "network: %s -> conv 5x5 stride 2 (%s) -> square -> dense 100 -> "
        + "square -> dense 10 -> softmax, %d parameters%n", shape, initial.shapes().get(0),
        initial.parameters());
    o.printf(Locale.ROOT, "training: %s, learning rate %s (cosine), batch %d, %d epochs, shift"
        + " %d, seed %d, %d threads%n", options.optimizer().name().toLowerCase(Locale.ROOT),
        options.learningRate(), options.batchSize(), options.epochs(), options.shift(), seed,
        options.threads());
    o.flush();
    NetworkTrainer.Result result;
    try {
      result = new NetworkTrainer(options).train(initial, train, test, e -> {
        o.printf(Locale.ROOT, "epoch %d/%d: loss %.4f, train accuracy %.2f %%, test loss %.4f,"
            + " test accuracy %.2f %%, %.1f s%n", e.epoch(), options.epochs(), e.trainLoss(),
            100 * e.trainAccuracy(), e.testLoss(), 100 * e.testAccuracy(), e.seconds());
        o.flush();
      });
    } catch (ArithmeticException e) {
      throw Opts.invalid(spec, "--learning-rate", e.getMessage());
    }
    NetworkTrainer.EpochReport last = result.last();
    OnnxExport.write(result.network(), target);
    o.printf(Locale.ROOT, "test accuracy %.2f %% (%d of %d images) after %d epochs, %.1f s of"
        + " training%n", 100 * last.testAccuracy(),
        Math.round(last.testAccuracy() * test.count()), test.count(), options.epochs(),
        result.seconds());
    o.printf("wrote %s%n", target);
    o.flush();
    return CliErrors.OK;
  }

  /** The model's path, checked before training (its folder must exist: nothing is created). */
  private Path outputFile() {
    Path target = out.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw Opts.invalid(spec, "--out", "'" + out + "' is a directory");
    }
    Path dir = target.getParent();
    if (!Files.isDirectory(dir)) {
      throw Opts.invalid(spec, "--out", "no such directory: " + dir);
    }
    if (!Files.isWritable(dir) || Files.exists(target) && !Files.isWritable(target)) {
      throw Opts.invalid(spec, "--out", "'" + out + "' is not writable");
    }
    return target;
  }

  private TrainingOptions options() {
    TrainingOptions.Optimizer opt;
    switch (optimizer.toLowerCase(Locale.ROOT)) {
      case "adam":
        opt = TrainingOptions.Optimizer.ADAM;
        break;
      case "momentum":
        opt = TrainingOptions.Optimizer.MOMENTUM;
        break;
      default:
        throw Opts.invalid(spec, "--optimizer", "'" + optimizer
            + "' is not an optimizer: adam or momentum");
    }
    Opts.atLeast(spec, "--epochs", epochs, 1);
    Opts.atLeast(spec, "--batch", batch, 1);
    Opts.atLeast(spec, "--shift", shift, 0);
    if (trainLimit != null) {
      Opts.atLeast(spec, "--train-limit", trainLimit, 1);
    }
    double rate = learningRate != null ? learningRate
        : opt == TrainingOptions.Optimizer.ADAM ? 0.002 : 0.02;
    if (!(rate > 0 && Double.isFinite(rate))) {
      throw Opts.invalid(spec, "--learning-rate", "must be positive, got " + rate);
    }
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Opts.atLeast(spec, "--threads", t, 1);
    try {
      return TrainingOptions.defaults().withOptimizer(opt).withEpochs(epochs)
          .withBatchSize(batch).withLearningRate(rate).withShift(shift).withSeed(seed)
          .withThreads(t);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
