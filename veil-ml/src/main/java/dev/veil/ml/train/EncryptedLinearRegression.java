package dev.veil.ml.train;

import java.util.Arrays;
import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;

/**
 * Encrypted least-squares regression by gradient descent: exactly the steps of {@link
 * dev.veil.ml.plain.LinearRegression#fit} (see its contract) on ciphertexts.
 *
 * <p>The data owner uploads two tables in the same {@link #layout} (rows x (d + 2)): {@code A}
 * with rows {@code (1, x_i, y_i)} ({@link #augmented}) and {@code W} with rows {@code (1, x_i, 0)}
 * ({@link #design}). The weights travel as {@code (beta, -1)} replicated per block, so that the
 * slot-wise product with A summed over each block is the residual {@code r_i = beta . w_i - y_i}.
 * One iteration: product (1 level), block sums masked at the block starts with the constant
 * {@code -alpha_t / n} folded into the mask and replicated over the block (1 level), product with
 * W (1 level), row sums: {@link #LEVELS_PER_ITERATION} = 3. The ridge factor {@code 1 - alpha_t l2}
 * is folded into a plaintext product of the higher-level previous weights, and the {@code -1} slot
 * is a plaintext addition.
 */
public final class EncryptedLinearRegression {
  /** Levels of one gradient step. */
  public static final int LEVELS_PER_ITERATION = 3;

  private final Evaluator ev;
  private final Encoder encoder;
  private final Parameters params;
  private final Layout layout;
  private final int iterations;
  private final LearningRate rate;
  private final double l2;
  private final RotateSum sums;

  /**
   * @throws IllegalArgumentException before any work when the iterations need more levels than
   *     the parameters have
   */
  public EncryptedLinearRegression(Evaluator evaluator, Encoder encoder, int rows, int features,
      int iterations, LearningRate rate, double l2) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.params = evaluator.context().parameters();
    this.layout = layout(params, rows, features);
    this.iterations = iterations;
    this.rate = Objects.requireNonNull(rate, "rate");
    this.l2 = l2;
    this.sums = new RotateSum(evaluator, encoder, layout);
    if (iterations * LEVELS_PER_ITERATION > params.maxLevel()) {
      throw new IllegalArgumentException(iterations + " iterations need "
          + iterations * LEVELS_PER_ITERATION + " levels (" + LEVELS_PER_ITERATION
          + " per iteration) but the parameters have " + params.maxLevel() + ": use at most "
          + params.maxLevel() / LEVELS_PER_ITERATION + " iterations or deeper parameters");
    }
  }

  /** The layout of both uploaded tables: rows x (features + 2). */
  public static Layout layout(Parameters params, int rows, int features) {
    return Layout.of(params, rows, features + 2);
  }

  /** The rotations the evaluation keys must hold. */
  public static int[] rotationsNeeded(Parameters params, int rows, int features) {
    return RotateSum.rotationsNeeded(layout(params, rows, features),
        RotateSum.Op.FEATURES_REPLICATED, RotateSum.Op.ROWS);
  }

  /** Rows {@code (1, x_i, y_i)}. */
  public static double[][] augmented(double[][] x, double[] y) {
    double[][] a = design(x);
    for (int i = 0; i < a.length; i++) {
      a[i][a[i].length - 1] = y[i];
    }
    return a;
  }

  /** Rows {@code (1, x_i, 0)}. */
  public static double[][] design(double[][] x) {
    double[][] w = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      w[i] = new double[x[i].length + 2];
      w[i][0] = 1;
      System.arraycopy(x[i], 0, w[i], 1, x[i].length);
    }
    return w;
  }

  /**
   * Runs the iterations.
   *
   * @return the weights {@code (beta_T, -1)} replicated per block (read the first d + 1 slots)
   */
  public EncryptedLogisticRegression.Result train(Ciphertext[] a, Ciphertext[] w) {
    if (a.length != layout.ciphertexts() || w.length != layout.ciphertexts()) {
      throw new IllegalArgumentException("expected " + layout.ciphertexts()
          + " ciphertexts per table");
    }
    int d = layout.features() - 2;
    int n = layout.rows();
    double s0 = params.defaultScale();
    int inputLevel = a[0].level();
    Ciphertext beta = new Ciphertext(params, 1, inputLevel, s0);
    addMinusOne(beta);
    double[] millis = new double[iterations];
    for (int t = 0; t < iterations; t++) {
      long start = System.nanoTime();
      double alpha = rate.at(t);
      Ciphertext[] terms = new Ciphertext[a.length];
      for (int k = 0; k < a.length; k++) {
        Ciphertext prod = ev.mulRelinNew(a[k], beta);
        ev.rescale(prod, prod);
        Ciphertext r = ev.rotateAndSumNew(prod, layout.blockSize());
        int level = r.level();
        double target = s0 * params.q(level - 1) / w[k].scale(); // so that r W lands on s0
        double[] mask = new double[layout.slots()];
        for (int s = 0; s < mask.length; s += layout.blockSize()) {
          mask[s] = -alpha / n;
        }
        Plaintext pm = encoder.encode(mask, level, target * params.q(level) / r.scale());
        ev.mulPlain(r, pm, r);
        ev.rescale(r, r);
        r.setScale(target);
        Ciphertext tmp = Ciphertext.empty(params);
        for (int step = 1; step < layout.blockSize(); step <<= 1) {
          ev.rotate(r, -step, tmp);
          ev.add(r, tmp, r);
        }
        Ciphertext g = ev.mulRelinNew(r, w[k]);
        ev.rescale(g, g);
        terms[k] = g;
      }
      Ciphertext step = sums.sumAllRows(terms);
      step.setScale(s0);
      // beta (1, 1 - alpha l2, ..., 0 for the -1 slot) + step, then the -1 slot back
      double[] f = new double[d + 2];
      Arrays.fill(f, 1 - alpha * l2);
      f[0] = 1;
      f[d + 1] = 0;
      int l = beta.level();
      Plaintext pf = encoder.encode(new TablePacker(encoder, layout).replicatedSlots(f), l,
          s0 * params.q(l) / beta.scale());
      Ciphertext kept = ev.mulPlainNew(beta, pf);
      ev.rescale(kept, kept);
      kept.setScale(s0);
      ev.add(step, kept, step);
      addMinusOne(step);
      beta = step;
      millis[t] = (System.nanoTime() - start) / 1e6;
    }
    TrainingReport report = new TrainingReport(iterations, LEVELS_PER_ITERATION, inputLevel,
        beta.level(), inputLevel - beta.level(), 0, millis);
    return new EncryptedLogisticRegression.Result(beta, report);
  }

  /** In place: adds -1 to the last column's slot of every block. */
  private void addMinusOne(Ciphertext ct) {
    double[] m = new double[layout.features()];
    m[m.length - 1] = -1;
    Plaintext p = encoder.encode(new TablePacker(encoder, layout).replicatedSlots(m), ct.level(),
        ct.scale());
    ev.addPlain(ct, p, ct);
  }
}
