package dev.veil.ml.train;

import java.util.Locale;
import java.util.Objects;

import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.poly.PolynomialEvaluator;

/**
 * Plans an encrypted logistic-regression run ({@link TrainingPlan}) before any homomorphic work:
 * the layout, the levels of one iteration and of the run, the refreshes, the rotations, and
 * (unless given) 128-bit-secure parameters from {@link ParameterSelector}.
 *
 * <p>Refuses impossible runs with an {@link IllegalArgumentException} whose message says what to
 * change (fewer iterations, a lower sigmoid degree, or allowing refreshes). Configure with the
 * {@code with...} methods; instances are immutable.
 *
 * <h2>Memory</h2>
 *
 * The plan carries its heap estimate ({@link TrainingPlan#memory()}, {@link PlanMemory}): with
 * the evaluation keys expanded when that fits {@link PlanMemory#HEAP_SHARE} of the heap (the
 * fastest form), else with {@linkplain dev.veil.he.rlwe.SwitchingKey#compact() compact} keys
 * (half their bytes, the {@code a} parts expanded at each key switch, a few percent slower);
 * when even that does not fit, {@link #plan()} throws {@link InsufficientMemoryException} before
 * any key exists, naming the need, the heap and how to give the JVM more, when the planner was
 * told the heap ({@link #checkingHeap()}, {@link #withMaxHeap}; the form is chosen against this
 * JVM's heap otherwise, and nothing is refused).
 */
public final class Planner {
  /** Default scale, 2^40. */
  public static final int DEFAULT_SCALE_BITS = 40;

  private final int rows;
  private final int features;
  private final int iterations;
  private final Sigmoid sigmoid;
  private final double a;
  private final double b;
  private final LearningRate learningRate;
  private final double l2;
  private final double lambda0;
  private final int slots;
  private final int scaleBits;
  private final boolean allowRefresh;
  private final Parameters params;
  private final long maxHeap;

  private Planner(int rows, int features, int iterations, Sigmoid sigmoid, double a, double b,
      LearningRate learningRate, double l2, double lambda0, int slots, int scaleBits,
      boolean allowRefresh, Parameters params, long maxHeap) {
    this.rows = rows;
    this.features = features;
    this.iterations = iterations;
    this.sigmoid = sigmoid;
    this.a = a;
    this.b = b;
    this.learningRate = learningRate;
    this.l2 = l2;
    this.lambda0 = lambda0;
    this.slots = slots;
    this.scaleBits = scaleBits;
    this.allowRefresh = allowRefresh;
    this.params = params;
    this.maxHeap = maxHeap;
  }

  /**
   * Kim et al.'s defaults for {@code rows x features} data: 7 iterations, degree-3 sigmoid on
   * [-8, 8], {@code alpha_t = 10/(t+1)}, no L2, {@code lambda_0 = 0}, scale 2^40, no refresh.
   */
  public static Planner logistic(int rows, int features) {
    if (rows < 1 || features < 1) {
      throw new IllegalArgumentException(
          "need at least one row and one feature, got " + rows + " x " + features);
    }
    return new Planner(rows, features, 7, Sigmoid.KIM_DEGREE_3, -8, 8, LearningRate.kim(), 0, 0,
        0, DEFAULT_SCALE_BITS, false, null, 0);
  }

  public Planner withIterations(int t) {
    if (t < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, got " + t);
    }
    return new Planner(rows, features, t, sigmoid, a, b, learningRate, l2, lambda0, slots,
        scaleBits, allowRefresh, params, maxHeap);
  }

  /** A polynomial sigmoid and the interval [a, b] its argument {@code -z.v} is assumed in. */
  public Planner withSigmoid(Sigmoid s, double a, double b) {
    Objects.requireNonNull(s, "sigmoid");
    if (s.isExact()) {
      throw new IllegalArgumentException(
          "the exact sigmoid cannot be evaluated on ciphertexts: use a polynomial (Sigmoid.kim)");
    }
    if (s.degree() < 1) {
      throw new IllegalArgumentException("the sigmoid polynomial must have degree >= 1");
    }
    if (!(b > a)) {
      throw new IllegalArgumentException("interval must have a < b, got [" + a + ", " + b + "]");
    }
    return new Planner(rows, features, iterations, s, a, b, learningRate, l2, lambda0, slots,
        scaleBits, allowRefresh, params, maxHeap);
  }

  public Planner withLearningRate(LearningRate rate) {
    return new Planner(rows, features, iterations, sigmoid, a, b, Objects.requireNonNull(rate),
        l2, lambda0, slots, scaleBits, allowRefresh, params, maxHeap);
  }

  public Planner withL2(double lambda) {
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("l2 must be finite and >= 0, got " + lambda);
    }
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, lambda, lambda0,
        slots, scaleBits, allowRefresh, params, maxHeap);
  }

  public Planner withLambda0(double lambda) {
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda0 must be finite and >= 0, got " + lambda);
    }
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, l2, lambda,
        slots, scaleBits, allowRefresh, params, maxHeap);
  }

  /** Slots to ask the parameter selector for (a power of two); 0: enough for all rows. */
  public Planner withSlots(int s) {
    if (s < 0 || (s > 0 && Integer.bitCount(s) != 1)) {
      throw new IllegalArgumentException("slots must be a power of two, got " + s);
    }
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, l2, lambda0, s,
        scaleBits, allowRefresh, params, maxHeap);
  }

  public Planner withScaleBits(int bits) {
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, l2, lambda0,
        slots, bits, allowRefresh, params, maxHeap);
  }

  /** Whether the run may call a {@link Refresher} when the levels run out. */
  public Planner allowRefresh(boolean allow) {
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, l2, lambda0,
        slots, scaleBits, allow, params, maxHeap);
  }

  /** Uses these parameters instead of selecting secure ones (tests, or a fixed deployment). */
  public Planner withParameters(Parameters p) {
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, l2, lambda0,
        slots, scaleBits, allowRefresh, Objects.requireNonNull(p),
        maxHeap);
  }

  /**
   * Refuses, in {@link #plan()}, a run whose estimate ({@link PlanMemory}) does not fit a heap of
   * {@code bytes} even with compact keys, and chooses the keys' form against it.
   */
  public Planner withMaxHeap(long bytes) {
    if (bytes < 1) {
      throw new IllegalArgumentException("the maximum heap must be positive, got " + bytes);
    }
    return new Planner(rows, features, iterations, sigmoid, a, b, learningRate, l2, lambda0,
        slots, scaleBits, allowRefresh, params, bytes);
  }

  /**
   * {@link #withMaxHeap} with this JVM's maximum heap ({@link Runtime#maxMemory()}): for the
   * process that will generate or hold the evaluation keys and train.
   */
  public Planner checkingHeap() {
    return withMaxHeap(Runtime.getRuntime().maxMemory());
  }

  // ------------------------------------------------------------------ planning

  /** Levels of the sigmoid: {@code ceil(log2(degree + 1))} (its affine map is folded). */
  public int sigmoidLevels() {
    return PolynomialEvaluator.levelsNeeded(sigmoid.degree(), -1, 1);
  }

  /** Levels of one iteration: product, mask, sigmoid, product with z. */
  public int levelsPerIteration() {
    return 3 + sigmoidLevels();
  }

  private static int ceilPow2(int x) {
    return x <= 1 ? 1 : Integer.highestOneBit(x - 1) << 1;
  }

  /**
   * The plan.
   *
   * @throws IllegalArgumentException before any work when the run cannot fit, saying what to
   *     change
   * @throws InsufficientMemoryException (an IllegalArgumentException) when a heap to check was
   *     given and the run does not fit it
   */
  public TrainingPlan plan() {
    int per = levelsPerIteration();
    int total = iterations * per;
    Parameters p = params;
    int perSegment;
    if (p != null) {
      perSegment = Math.min(iterations, p.maxLevel() / per);
      if (perSegment == 0) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "one iteration needs %d levels (%d for the degree-%d sigmoid) but the parameters have"
                + " %d: choose parameters with more levels or a sigmoid of lower degree",
            per, sigmoidLevels(), sigmoid.degree(), p.maxLevel()));
      }
      if (perSegment < iterations && !allowRefresh) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%d iterations need %d levels (%d per iteration) but the parameters have %d: use at"
                + " most %d iterations, a sigmoid of lower degree, or allow refresh",
            iterations, total, per, p.maxLevel(), perSegment));
      }
    } else {
      int wantSlots = slots > 0 ? slots
          : (int) Math.min(1L << 15, ceilPow2((int) Math.min(1 << 30,
              (long) rows * ceilPow2(features + 1))));
      int maxDepth = maxDepth(wantSlots);
      if (maxDepth < per) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "one iteration needs %d levels (%d for the degree-%d sigmoid) but N = 2^16 holds only"
                + " %d at scale 2^%d with 128-bit security: use a sigmoid of lower degree or a"
                + " smaller scale", per, sigmoidLevels(), sigmoid.degree(), maxDepth, scaleBits));
      }
      if (total > maxDepth && !allowRefresh) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "%d iterations need %d levels (%d per iteration, %d for the degree-%d sigmoid) but"
                + " N = 2^16 holds only %d at scale 2^%d with 128-bit security: use at most %d"
                + " iterations, a sigmoid of lower degree, or allow refresh",
            iterations, total, per, sigmoidLevels(), sigmoid.degree(), maxDepth, scaleBits,
            maxDepth / per));
      }
      perSegment = Math.min(iterations, maxDepth / per);
      p = ParameterSelector.select(perSegment * per, scaleBits, wantSlots);
    }
    int refreshes = (iterations + perSegment - 1) / perSegment - 1;
    Layout layout = Layout.of(p, rows, features + 1);
    int[] rot = RotateSum.rotationsNeeded(layout, RotateSum.Op.FEATURES_REPLICATED,
        RotateSum.Op.ROWS);
    return new TrainingPlan(p, layout, iterations, sigmoid, a, b, learningRate, l2, lambda0,
        sigmoidLevels(), per, perSegment, refreshes, rot,
        memory(p, layout, rot.length, maxHeap > 0 ? maxHeap : Runtime.getRuntime().maxMemory(),
            maxHeap > 0).compactKeys());
  }

  /**
   * The estimate with expanded keys when it fits the heap, else with compact keys.
   *
   * @throws InsufficientMemoryException when neither fits and {@code refuse}
   */
  static PlanMemory memory(Parameters p, Layout layout, int rotations, long heap,
      boolean refuse) {
    PlanMemory expanded = PlanMemory.of(p, layout, rotations, false);
    if (expanded.fits(heap)) {
      return expanded;
    }
    PlanMemory compact = PlanMemory.of(p, layout, rotations, true);
    if (compact.fits(heap) || !refuse) {
      return compact;
    }
    long needHeap = (long) Math.ceil(compact.totalBytes() / PlanMemory.HEAP_SHARE);
    long gib = (needHeap + (1L << 30) - 1) >> 30;
    throw new InsufficientMemoryException(String.format(Locale.ROOT,
        "the training plan needs about %s of heap (N = 2^%d, %d levels, %d table ciphertexts)"
            + " but the maximum heap is %,d MiB, of which %.0f%% can hold it: give the JVM at"
            + " least %d GiB (the veil launcher: VEIL_JAVA_OPTS=\"-Xmx%dg -XX:+UseParallelGC\";"
            + " java: -Xmx%dg), or train on fewer rows or features",
        compact.describe(), p.logN(), p.maxLevel(), layout.ciphertexts(), PlanMemory.mib(heap),
        100 * PlanMemory.HEAP_SHARE, gib, gib, gib), compact, heap);
  }

  /** The largest depth ParameterSelector accepts for these slots (0 if none). */
  private int maxDepth(int wantSlots) {
    int lo = 0;
    int hi = 200;
    if (!fits(0, wantSlots)) {
      return -1;
    }
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (fits(mid, wantSlots)) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return lo;
  }

  private boolean fits(int depth, int wantSlots) {
    try {
      ParameterSelector.select(depth, scaleBits, wantSlots);
      return true;
    } catch (InvalidParametersException e) {
      return false;
    }
  }
}
