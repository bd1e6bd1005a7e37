package dev.veil.ml.nn.train;

import java.util.Objects;

/**
 * How {@link NetworkTrainer} trains: mini-batch gradient descent on the mean softmax
 * cross-entropy. Immutable; start from {@link #defaults()} and change fields with the {@code
 * with...} methods.
 *
 * @param epochs passes over the training examples, at least 1
 * @param batchSize examples per step, at least 1 (the last step of an epoch may have fewer)
 * @param optimizer the update rule
 * @param learningRate the initial step size, positive
 * @param schedule how the step size changes over training
 * @param momentum {@link Optimizer#MOMENTUM}'s coefficient, or Adam's beta1; in [0, 1)
 * @param weightDecay L2 penalty on weights (not biases): added to the gradient for momentum,
 *     decoupled (AdamW) for Adam; at least 0
 * @param clipNorm the largest L2 norm of a step's mean gradient (a larger one is scaled down: a
 *     network of squares can produce huge gradients); 0 for no clipping
 * @param normaliseInit whether, before training, each convolution's and dense layer's weights
 *     are scaled so that its output has unit root-mean-square on the first training examples
 *     (data-dependent initialisation: it fixes the scale of each square's input)
 * @param shift data augmentation: each time an example is used, its image is moved by a
 *     random number of pixels in {@code [-shift, shift]} down and right (zeros come in); 0 for
 *     none. Translations are what a handwritten digit tolerates, and they keep a small network
 *     from learning the training images by heart
 * @param seed seeds the shuffling and the shifts (the initial weights come with the network)
 * @param threads worker threads for the gradients, at least 1; the result does not depend on it
 */
public record TrainingOptions(int epochs, int batchSize, Optimizer optimizer,
    double learningRate, Schedule schedule, double momentum, double weightDecay,
    double clipNorm, boolean normaliseInit, int shift, long seed, int threads) {
  /** The update rule. */
  public enum Optimizer {
    /** Adam (Kingma and Ba), bias-corrected, beta2 0.999, epsilon 1e-8. */
    ADAM,
    /** Stochastic gradient descent with heavy-ball momentum. */
    MOMENTUM
  }

  /** The step size over training. */
  public enum Schedule {
    /** Always the initial learning rate. */
    CONSTANT,
    /** Half a cosine from the initial rate at the first step to 0 after the last. */
    COSINE,
    /** The initial rate, times 0.1 from half of the epochs on, times 0.01 from three quarters. */
    STEP
  }

  public TrainingOptions {
    Objects.requireNonNull(optimizer, "optimizer");
    Objects.requireNonNull(schedule, "schedule");
    if (epochs < 1 || epochs > 100_000) {
      throw new IllegalArgumentException("epochs must be 1..100000, got " + epochs);
    }
    if (batchSize < 1 || batchSize > 1_000_000) {
      throw new IllegalArgumentException("batch size must be 1..1000000, got " + batchSize);
    }
    if (!(learningRate > 0 && Double.isFinite(learningRate))) {
      throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
    }
    if (!(momentum >= 0 && momentum < 1)) {
      throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
    }
    if (!(weightDecay >= 0 && Double.isFinite(weightDecay))) {
      throw new IllegalArgumentException("weight decay must be at least 0, got " + weightDecay);
    }
    if (!(clipNorm >= 0 && Double.isFinite(clipNorm))) {
      throw new IllegalArgumentException("clip norm must be at least 0, got " + clipNorm);
    }
    if (shift < 0 || shift > 64) {
      throw new IllegalArgumentException("shift must be 0..64 pixels, got " + shift);
    }
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("threads must be 1..1024, got " + threads);
    }
  }

  /**
   * 20 epochs of Adam, batch 64, learning rate 0.002 with cosine decay, weight decay 0.0001,
   * gradients clipped at norm 5, normalised initialisation, no shifts, seed 1, all available
   * cores.
   */
  public static TrainingOptions defaults() {
    return new TrainingOptions(20, 64, Optimizer.ADAM, 0.002, Schedule.COSINE, 0.9, 1e-4, 5.0,
        true, 0, 1L, Runtime.getRuntime().availableProcessors());
  }

  /** These options with {@code shift} changed. */
  public TrainingOptions withShift(int shift) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code epochs} changed. */
  public TrainingOptions withEpochs(int epochs) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code batchSize} changed. */
  public TrainingOptions withBatchSize(int batchSize) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code optimizer} changed. */
  public TrainingOptions withOptimizer(Optimizer optimizer) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code learningRate} changed. */
  public TrainingOptions withLearningRate(double learningRate) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code schedule} changed. */
  public TrainingOptions withSchedule(Schedule schedule) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code momentum} changed. */
  public TrainingOptions withMomentum(double momentum) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code weightDecay} changed. */
  public TrainingOptions withWeightDecay(double weightDecay) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code clipNorm} changed. */
  public TrainingOptions withClipNorm(double clipNorm) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code normaliseInit} changed. */
  public TrainingOptions withNormaliseInit(boolean normaliseInit) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code seed} changed. */
  public TrainingOptions withSeed(long seed) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }

  /** These options with {@code threads} changed. */
  public TrainingOptions withThreads(int threads) {
    return new TrainingOptions(epochs, batchSize, optimizer, learningRate, schedule, momentum,
        weightDecay, clipNorm, normaliseInit, shift, seed, threads);
  }
}
