package dev.veil.ml.nn.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;

/**
 * Trains a {@link Network} in the clear, in double precision, for encrypted inference later:
 * networks of convolutions, dense layers, squares, polynomial activations, average pooling,
 * reshapes, fixed affine layers and residual adds (any {@link Network} graph of those), on the
 * mean softmax cross-entropy of mini-batches, with Adam or momentum ({@link TrainingOptions}).
 *
 * <p>Each mini-batch is cut into chunks of {@value #CHUNK} examples whatever the thread count;
 * the threads compute the chunks' gradients in any order, each chunk sums its examples in order,
 * and the chunks are then added in chunk order. So a seeded run gives bit for bit the same
 * weights on 1 thread or 16.
 */
public final class NetworkTrainer {
  /** Examples per chunk of a mini-batch: the unit of work of a thread. */
  static final int CHUNK = 16;
  /** Examples used by the data-dependent initialisation. */
  static final int INIT_EXAMPLES = 512;

  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final TrainingOptions options;

  /** A trainer with these options. */
  public NetworkTrainer(TrainingOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * What one epoch gave.
   *
   * @param epoch 1-based
   * @param trainLoss mean cross-entropy of the epoch's examples, each measured just before the
   *     step that used it
   * @param trainAccuracy fraction of the epoch's examples classified right, measured the same way
   * @param testLoss mean cross-entropy on the test examples after the epoch (NaN without them)
   * @param testAccuracy fraction of the test examples classified right (NaN without them)
   * @param learningRate the step size of the epoch's last step
   * @param seconds wall time of the epoch, evaluation included
   */
  public record EpochReport(int epoch, double trainLoss, double trainAccuracy, double testLoss,
      double testAccuracy, double learningRate, double seconds) {}

  /**
   * The trained network and its history.
   *
   * @param network the network with the trained weights (the same nodes, names and output)
   * @param epochs one report per epoch
   * @param seconds wall time of the whole training
   */
  public record Result(Network network, List<EpochReport> epochs, double seconds) {
    public Result {
      epochs = List.copyOf(epochs);
    }

    /** The last epoch's report. */
    public EpochReport last() {
      return epochs.get(epochs.size() - 1);
    }
  }

  /** Loss and accuracy of a network on examples. */
  public record Evaluation(double loss, double accuracy, int correct, int count) {}

  /**
   * Trains {@code initial} (whose weights are the starting point) on {@code train}, evaluating
   * on {@code test} (null for none) after each epoch and telling {@code listener} (null for
   * none).
   *
   * @throws IllegalArgumentException when the network holds a layer the trainer cannot train or
   *     the examples do not fit it
   * @throws ArithmeticException when training diverges (a loss or gradient that is not finite)
   */
  public Result train(Network initial, Examples train, Examples test,
      Consumer<EpochReport> listener) {
    Objects.requireNonNull(initial, "network");
    Objects.requireNonNull(train, "training examples");
    Gradients g = new Gradients(initial);
    check(initial, g, train, "training");
    if (test != null) {
      check(initial, g, test, "test");
    }
    long start = System.nanoTime();
    double[] p = g.parametersOf(initial);
    int batch = options.batchSize();
    int chunks = (Math.min(batch, train.count()) + CHUNK - 1) / CHUNK;
    List<Gradients.Workspace> spaces = new ArrayList<>();
    for (int c = 0; c < Math.max(chunks, options.threads()); c++) {
      spaces.add(g.workspace());
    }
    ExecutorService pool = options.threads() > 1
        ? Executors.newFixedThreadPool(options.threads(), r -> {
          Thread t = new Thread(r, "veil-nn-train");
          t.setDaemon(true);
          return t;
        })
        : null;
    try {
      if (options.normaliseInit()) {
        normalise(g, p, train, spaces.get(0));
      }
      double[] m = new double[p.length];
      double[] v = new double[p.length];
      double[] total = new double[p.length];
      boolean[] decayed = new boolean[p.length];
      for (int[] r : g.weightRanges()) {
        for (int k = r[0]; k < r[1]; k++) {
          decayed[k] = true;
        }
      }
      Random random = new Random(options.seed());
      Random shifts = new Random(options.seed() * 0x9E3779B97F4A7C15L + 1);
      int shift = options.shift();
      int[] down = new int[batch];
      int[] right = new int[batch];
      int n = train.count();
      int[] order = new int[n];
      for (int k = 0; k < n; k++) {
        order[k] = k;
      }
      long stepsPerEpoch = (n + batch - 1) / batch;
      long totalSteps = stepsPerEpoch * options.epochs();
      long step = 0;
      List<EpochReport> reports = new ArrayList<>();
      for (int epoch = 1; epoch <= options.epochs(); epoch++) {
        long epochStart = System.nanoTime();
        for (int k = n - 1; k > 0; k--) {
          int j = random.nextInt(k + 1);
          int t = order[k];
          order[k] = order[j];
          order[j] = t;
        }
        double lossSum = 0;
        long correct = 0;
        double rate = 0;
        for (int first = 0; first < n; first += batch) {
          int size = Math.min(batch, n - first);
          int used = (size + CHUNK - 1) / CHUNK;
          int from = first;
          if (shift > 0) {
            for (int e = 0; e < size; e++) {
              down[e] = shifts.nextInt(2 * shift + 1) - shift;
              right[e] = shifts.nextInt(2 * shift + 1) - shift;
            }
          }
          run(pool, used, c -> {
            Gradients.Workspace w = spaces.get(c);
            java.util.Arrays.fill(w.gradient, 0);
            w.loss = 0;
            w.correct = 0;
            int end = Math.min(from + (c + 1) * CHUNK, from + size);
            for (int e = from + c * CHUNK; e < end; e++) {
              if (shift > 0) {
                train.shifted(order[e], down[e - from], right[e - from], w.x);
              } else {
                train.input(order[e], w.x);
              }
              g.accumulate(p, w, train.label(order[e]));
            }
          });
          java.util.Arrays.fill(total, 0);
          for (int c = 0; c < used; c++) {
            Gradients.Workspace w = spaces.get(c);
            double[] gc = w.gradient;
            for (int k = 0; k < total.length; k++) {
              total[k] += gc[k];
            }
            lossSum += w.loss;
            correct += w.correct;
          }
          rate = rate(epoch, step, totalSteps);
          update(p, total, size, m, v, decayed, rate, step + 1, epoch);
          step++;
        }
        double trainLoss = lossSum / n;
        if (!Double.isFinite(trainLoss)) {
          throw new ArithmeticException("training diverged in epoch " + epoch + " (loss "
              + trainLoss + "): lower the learning rate or clip the gradients");
        }
        Evaluation ev = test == null ? null : evaluate(g, p, test, pool, spaces);
        EpochReport report = new EpochReport(epoch, trainLoss, (double) correct / n,
            ev == null ? Double.NaN : ev.loss(), ev == null ? Double.NaN : ev.accuracy(), rate,
            (System.nanoTime() - epochStart) / 1e9);
        reports.add(report);
        if (listener != null) {
          listener.accept(report);
        }
      }
      return new Result(g.withParameters(p), reports, (System.nanoTime() - start) / 1e9);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** Loss and accuracy of {@code network} on {@code examples}, on this trainer's threads. */
  public Evaluation evaluate(Network network, Examples examples) {
    Gradients g = new Gradients(network);
    check(network, g, examples, "evaluation");
    List<Gradients.Workspace> spaces = new ArrayList<>();
    for (int c = 0; c < options.threads(); c++) {
      spaces.add(g.workspace());
    }
    ExecutorService pool = options.threads() > 1
        ? Executors.newFixedThreadPool(options.threads()) : null;
    try {
      return evaluate(g, g.parametersOf(network), examples, pool, spaces);
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  private static void check(Network net, Gradients g, Examples ex, String what) {
    if (!ex.shape().equals(net.input())) {
      throw new IllegalArgumentException("the " + what + " examples are " + ex.shape()
          + " but the network takes " + net.input());
    }
    if (ex.classes() != g.classes()) {
      throw new IllegalArgumentException("the " + what + " examples have " + ex.classes()
          + " classes but the network has " + g.classes() + " outputs");
    }
  }

  /** One slice per workspace, each a contiguous range of the examples. */
  private static Evaluation evaluate(Gradients g, double[] p, Examples ex, ExecutorService pool,
      List<Gradients.Workspace> spaces) {
    int parts = spaces.size();
    int n = ex.count();
    run(pool, parts, c -> {
      Gradients.Workspace w = spaces.get(c);
      w.loss = 0;
      w.correct = 0;
      for (int e = (int) ((long) n * c / parts); e < (long) n * (c + 1) / parts; e++) {
        ex.input(e, w.x);
        g.forward(p, w);
        double[] z = w.output();
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
          max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : z) {
          sum += Math.exp(v - max);
        }
        w.loss += max + Math.log(sum) - z[ex.label(e)];
        if (Network.argmax(z) == ex.label(e)) {
          w.correct++;
        }
      }
    });
    double loss = 0;
    int correct = 0;
    for (int c = 0; c < parts; c++) {
      loss += spaces.get(c).loss;
      correct += spaces.get(c).correct;
    }
    return new Evaluation(loss / n, (double) correct / n, correct, n);
  }

  /** A unit of work over index c. */
  private interface Task {
    void run(int c);
  }

  private static void run(ExecutorService pool, int count, Task task) {
    if (pool == null || count == 1) {
      for (int c = 0; c < count; c++) {
        task.run(c);
      }
      return;
    }
    List<Callable<Void>> calls = new ArrayList<>(count);
    for (int c = 0; c < count; c++) {
      int index = c;
      calls.add(() -> {
        task.run(index);
        return null;
      });
    }
    try {
      for (Future<Void> f : pool.invokeAll(calls)) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("training interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /** The step size of step {@code step} (0-based) in epoch {@code epoch} (1-based). */
  private double rate(int epoch, long step, long totalSteps) {
    double lr = options.learningRate();
    switch (options.schedule()) {
      case COSINE:
        return lr * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
      case STEP:
        int e = epoch - 1;
        int epochs = options.epochs();
        if (e >= epochs * 3 / 4 && epochs >= 4) {
          return lr * 0.01;
        }
        if (e >= epochs / 2 && epochs >= 2) {
          return lr * 0.1;
        }
        return lr;
      default:
        return lr;
    }
  }

  /** One optimiser step with the summed gradient {@code sum} of {@code size} examples. */
  private void update(double[] p, double[] sum, int size, double[] m, double[] v,
      boolean[] decayed, double rate, long t, int epoch) {
    double scale = 1.0 / size;
    double norm2 = 0;
    for (double s : sum) {
      norm2 += s * s;
    }
    double norm = Math.sqrt(norm2) * scale;
    if (!Double.isFinite(norm)) {
      throw new ArithmeticException("training diverged in epoch " + epoch + " (gradient norm "
          + norm + "): lower the learning rate or clip the gradients");
    }
    if (options.clipNorm() > 0 && norm > options.clipNorm()) {
      scale *= options.clipNorm() / norm;
    }
    double wd = options.weightDecay();
    double beta1 = options.momentum();
    if (options.optimizer() == TrainingOptions.Optimizer.ADAM) {
      double c1 = 1 - Math.pow(beta1, t);
      double c2 = 1 - Math.pow(BETA2, t);
      for (int k = 0; k < p.length; k++) {
        double gk = sum[k] * scale;
        m[k] = beta1 * m[k] + (1 - beta1) * gk;
        v[k] = BETA2 * v[k] + (1 - BETA2) * gk * gk;
        double stepK = (m[k] / c1) / (Math.sqrt(v[k] / c2) + EPSILON);
        if (decayed[k]) {
          stepK += wd * p[k];
        }
        p[k] -= rate * stepK;
      }
    } else {
      for (int k = 0; k < p.length; k++) {
        double gk = sum[k] * scale + (decayed[k] ? wd * p[k] : 0);
        m[k] = beta1 * m[k] + gk;
        p[k] -= rate * m[k];
      }
    }
  }

  /**
   * Data-dependent initialisation: node by node, scales each convolution's and dense layer's
   * weights so that its output (biases included) has unit root-mean-square on the first {@link
   * #INIT_EXAMPLES} training examples. Each square then sees inputs of a known scale and the
   * products of squares neither vanish nor explode.
   */
  private static void normalise(Gradients g, double[] p, Examples train, Gradients.Workspace w) {
    int count = Math.min(INIT_EXAMPLES, train.count());
    for (int k : g.weightedNodes()) {
      double sum = 0;
      long values = 0;
      for (int e = 0; e < count; e++) {
        train.input(e, w.x);
        g.forward(p, w);
        for (double a : w.acts[k]) {
          sum += a * a;
        }
        values += w.acts[k].length;
      }
      double rms = Math.sqrt(sum / values);
      if (rms > 0 && Double.isFinite(rms)) {
        int[] r = g.weightRange(k);
        for (int j = r[0]; j < r[1]; j++) {
          p[j] /= rms;
        }
      }
    }
  }

  // ---------------------------------------------------------------- networks to train

  /**
   * The CryptoNets / LoLa network for MNIST ({@code 1 x 28 x 28}, 10 classes): convolution 5x5,
   * 5 channels, stride 2, padding 1 (output 5 x 13 x 13, 845 values), square, dense 845 -> 100,
   * square, dense 100 -> 10, output softmax; weights drawn by {@link #initialise}.
   */
  public static Network cryptonets(long seed) {
    return cryptonets(new Shape(1, 28, 28), 100, 10, seed);
  }

  /**
   * The CryptoNets-shaped network on other inputs: convolution 5x5 with 5 output channels,
   * stride 2 and padding 1, square, dense to {@code hidden}, square, dense to {@code classes},
   * output softmax, with weights drawn by {@link #initialise}. The input must be at least 3 x 3.
   */
  public static Network cryptonets(Shape input, int hidden, int classes, long seed) {
    Objects.requireNonNull(input, "input");
    if (input.height() < 3 || input.width() < 3) {
      throw new IllegalArgumentException("the input must be at least 3 x 3 for a 5x5 kernel"
          + " with padding 1, got " + input);
    }
    Layer.Conv2d conv = new Layer.Conv2d(5, input.channels(), 5, 5, 2, 2, 1, 1, 1, 1,
        new double[5 * input.channels() * 25], new double[5]);
    int flat = conv.outputShape(input).size();
    Network zero = Network.sequential(input, Network.Output.SOFTMAX,
        conv,
        new Layer.Square(),
        new Layer.Dense(hidden, flat, new double[hidden * flat], new double[hidden]),
        new Layer.Square(),
        new Layer.Dense(classes, hidden, new double[classes * hidden], new double[classes]));
    return initialise(zero, seed);
  }

  /**
   * The network with every convolution's and dense layer's weights drawn from a normal
   * distribution of variance 1 / fan-in (LeCun / Xavier scaling, which keeps the second moment
   * of each layer's output that of its input; no factor 2 as for ReLU, since a square does not
   * halve it) and biases 0. Seeded: the same seed gives the same weights.
   */
  public static Network initialise(Network network, long seed) {
    Random random = new Random(seed);
    Network out = network;
    for (int k = 0; k < network.nodes().size(); k++) {
      Layer l = network.nodes().get(k).layer();
      if (l instanceof Layer.Conv2d c) {
        int fanIn = c.inChannels() * c.kernelH() * c.kernelW();
        out = out.withLayer(k, new Layer.Conv2d(c.outChannels(), c.inChannels(), c.kernelH(),
            c.kernelW(), c.strideH(), c.strideW(), c.padTop(), c.padLeft(), c.padBottom(),
            c.padRight(), gaussian(random, c.weights().length, fanIn),
            new double[c.outChannels()]));
      } else if (l instanceof Layer.Dense d) {
        out = out.withLayer(k, new Layer.Dense(d.outputs(), d.inputs(),
            gaussian(random, d.weights().length, d.inputs()), new double[d.outputs()]));
      }
    }
    return out;
  }

  private static double[] gaussian(Random random, int n, int fanIn) {
    double sd = 1 / Math.sqrt(fanIn);
    double[] w = new double[n];
    for (int k = 0; k < n; k++) {
      w[k] = random.nextGaussian() * sd;
    }
    return w;
  }
}
