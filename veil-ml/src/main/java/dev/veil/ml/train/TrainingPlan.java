package dev.veil.ml.train;

import java.util.Arrays;

import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;
import dev.veil.ml.plain.Sigmoid;

/**
 * Everything an encrypted training run needs, fixed before any homomorphic work: the algorithm's
 * hyper-parameters, the packing of {@code z_i = y_i (1, x_i)}, the level budget and the
 * parameters. Built by {@link Planner}; immutable public metadata (it reveals the table's shape,
 * never its values).
 *
 * <h2>Levels of one iteration</h2>
 *
 * {@link #levelsPerIteration()} = 1 (the slot-wise product {@code z . v}) + 1 (the mask that keeps
 * each row's sum at its block start; the sign, the map of the sigmoid's interval to [-1, 1] are
 * folded into it) + {@link #sigmoidLevels()} (the polynomial, {@code ceil(log2(degree + 1))}, its
 * affine map folded for free) + 1 (the product with z). The constants {@code alpha_t / n}, the
 * momentum weight {@code 1 - gamma_t} (by relabelling the scale) and the L2 factor are folded into
 * these multiplications or into products of the (higher-level) previous iterates, so they cost
 * nothing on the critical path.
 *
 * @param params the CKKS parameters
 * @param layout packing of z: rows x (features + 1)
 * @param iterations T
 * @param sigmoid the polynomial sigmoid (as the plain trainer uses it)
 * @param a left end of the interval the sigmoid's argument is assumed to lie in
 * @param b right end of that interval
 * @param learningRate alpha_t
 * @param l2 ridge penalty (the intercept is not penalised)
 * @param lambda0 start of the momentum sequence
 * @param sigmoidLevels levels of the polynomial evaluation
 * @param levelsPerIteration levels one iteration consumes
 * @param iterationsPerSegment iterations between two refreshes (all of them when none is planned)
 * @param refreshes refreshes planned
 * @param rotations the Galois rotations the evaluation keys must hold
 * @param compactKeys whether the evaluation keys are to be held {@linkplain
 *     dev.veil.he.rlwe.SwitchingKey#compact() compact} (the expanded ones do not fit the heap
 *     planned against; see {@link #memory()})
 */
public record TrainingPlan(Parameters params, Layout layout, int iterations, Sigmoid sigmoid,
    double a, double b, LearningRate learningRate, double l2, double lambda0, int sigmoidLevels,
    int levelsPerIteration, int iterationsPerSegment, int refreshes, int[] rotations,
    boolean compactKeys) {

  public TrainingPlan {
    rotations = rotations.clone();
  }

  @Override
  public int[] rotations() {
    return rotations.clone();
  }

  /** The heap estimate of the run with its keys in the planned form. */
  public PlanMemory memory() {
    return PlanMemory.of(params, layout, rotations.length, compactKeys);
  }

  /**
   * The estimate against a heap of {@code maxHeap} bytes: expanded keys when they fit, else
   * compact ones (for a process that reads keys made elsewhere and trains, e.g. with {@link
   * Runtime#maxMemory()}).
   *
   * @throws InsufficientMemoryException naming the need, the heap and the remedy when even compact
   *     keys do not fit
   */
  public PlanMemory requireHeap(long maxHeap) {
    return Planner.memory(params, layout, rotations.length, maxHeap, true);
  }

  /** Rows n of the training table. */
  public int rows() {
    return layout.rows();
  }

  /** Features d (without the intercept column). */
  public int features() {
    return layout.features() - 1;
  }

  /** Levels the whole run consumes, refreshes included: iterations x levels per iteration. */
  public int totalLevels() {
    return iterations * levelsPerIteration;
  }

  /** Levels consumed between the top level and the deepest point of one segment. */
  public int levelsPerSegment() {
    return iterationsPerSegment * levelsPerIteration;
  }

  /** Level of the trained weights: the top level minus the levels of the last segment. */
  public int outputLevel() {
    int last = iterations - refreshes * iterationsPerSegment;
    return params.maxLevel() - last * levelsPerIteration;
  }

  /** Whether iteration {@code t} (0-based) is followed by a refresh. */
  public boolean refreshAfter(int t) {
    return refreshes > 0 && (t + 1) % iterationsPerSegment == 0 && t + 1 < iterations;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrainingPlan p && p.params.equals(params) && p.layout.equals(layout)
        && p.iterations == iterations && p.sigmoid.equals(sigmoid) && p.a == a && p.b == b
        && p.learningRate == learningRate && p.l2 == l2 && p.lambda0 == lambda0
        && p.refreshes == refreshes && Arrays.equals(p.rotations, rotations);
  }

  @Override
  public int hashCode() {
    return params.hashCode() * 31 + layout.hashCode() * 7 + iterations;
  }

  @Override
  public String toString() {
    return "TrainingPlan[" + layout + ", " + iterations + " iterations, sigmoid " + sigmoid.name()
        + " on [" + a + ", " + b + "], " + levelsPerIteration + " levels per iteration ("
        + sigmoidLevels + " for the sigmoid), " + totalLevels() + " in total, " + refreshes
        + " refreshes, logN " + params.logN() + ", " + params.maxLevel() + " levels, "
        + rotations.length + " rotations, heap " + memory().describe() + "]";
  }
}
