package dev.veil.ml.infer;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.infer.ResultDescriptor.Output;
import dev.veil.ml.linalg.InnerProducts;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.plain.LinearModel;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.InsufficientLevelsException;
import dev.veil.ml.poly.PolynomialEvaluator;
import dev.veil.ml.poly.SigmoidApproximation;

/**
 * Batched inference of a <em>plaintext</em> linear or logistic model on <em>encrypted</em> rows:
 * the data owner packs its rows with {@link dev.veil.ml.linalg.TablePacker} (many rows per
 * ciphertext, {@link Layout}) and encrypts them under its own key; the model holder computes
 * every row's score {@code beta_0 + <beta, x>} (and optionally its probability through a
 * polynomial sigmoid) without seeing the data, and returns an {@link EncryptedResult}: the
 * ciphertexts and a {@link ResultDescriptor} saying which slot holds which row. The owner reads
 * the values with {@link ResultReader}; before the result leaves the model holder it should go
 * through {@link OutputSanitizer}.
 *
 * <h2>Computation and cost, per ciphertext of rows</h2>
 *
 * <ol>
 *   <li>{@link InnerProducts#scores}: a plaintext multiplication by the weights replicated in every
 *       row block (encoded at the scale of the prime the rescale removes, so the score keeps the
 *       rows' scale exactly), a rescale (one level), {@code log2(blockSize)} rotations summing each
 *       block into its first slot; with {@link Placement#FIRST} a mask clears the other slots (one
 *       more level).
 *   <li>The intercept is added at the result slots only (a plaintext addition, no level).
 *   <li>Probabilities: {@link PolynomialEvaluator} evaluates the caller's {@link
 *       SigmoidApproximation} on every slot ({@link PolynomialEvaluator#levelsNeeded(int, double,
 *       double)} levels, relinearisation key). The scores must lie in the approximation's interval
 *       [a, b]: outside it the polynomial's extension, not the sigmoid, is what comes out. The
 *       scores are always computed with {@link Placement#FIRST} first, so the non-result slots hold
 *       0 (inside any interval around 0) rather than unbounded partial sums.
 * </ol>
 *
 * Rotation keys: {@link #rotationsNeeded(Layout)}; keys and levels are checked before any work.
 * Thread-safe if ciphertexts are not shared between threads.
 */
public final class EncryptedRowsInference {
  private final Evaluator ev;
  private final Encoder encoder;
  private final Layout layout;
  private final Parameters params;
  private final InnerProducts products;

  /**
   * @param evaluator holds the rotation keys of {@link #rotationsNeeded(Layout)} (and the
   *     relinearisation key for probabilities)
   * @param layout the packing of the encrypted rows
   */
  public EncryptedRowsInference(Evaluator evaluator, Encoder encoder, Layout layout) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.params = evaluator.context().parameters();
    if (layout.slots() != params.slots()) {
      throw new IllegalArgumentException("layout has " + layout.slots()
          + " slots, the parameters have " + params.slots());
    }
    this.products = new InnerProducts(evaluator, encoder, layout);
  }

  public Layout layout() {
    return layout;
  }

  /** The rotations (Galois keys) every method here needs: left by 1, 2, ..., blockSize/2. */
  public static int[] rotationsNeeded(Layout layout) {
    return InnerProducts.rotationsNeeded(layout, Placement.FIRST);
  }

  /** Levels the scores consume with this placement (1, or 2 with a masking placement). */
  public static int scoreLevels(Placement placement) {
    return InnerProducts.levelCost(placement);
  }

  /**
   * Levels the probabilities consume: 2 for the masked scores plus the polynomial's levels (for
   * inputs at the default scale with primes the size of the scale).
   */
  public static int probabilityLevels(SigmoidApproximation sigmoid) {
    return scoreLevels(Placement.FIRST)
        + PolynomialEvaluator.levelsNeeded(sigmoid.degree(), sigmoid.a(), sigmoid.b());
  }

  // ------------------------------------------------------------------ scores

  /** Scores of a linear model (intercept first), non-result slots left as by-products. */
  public EncryptedResult scores(Ciphertext[] rows, LinearModel model) {
    return scores(rows, model.weights(), Placement.RAW);
  }

  /** Linear scores (log-odds) of a logistic model, non-result slots left as by-products. */
  public EncryptedResult scores(Ciphertext[] rows, LogisticModel model) {
    return scores(rows, model.weights(), Placement.RAW);
  }

  /**
   * Scores {@code beta_0 + sum_j beta_j x_rj} of every row.
   *
   * @param weightsWithIntercept {@code beta}, intercept first: features + 1 values
   * @param placement {@link Placement#RAW} (one level; the non-result slots hold partial sums,
   *     which {@link OutputSanitizer} clears) or {@link Placement#FIRST} (two levels; zeros there)
   * @return scores at the rows' scale, {@link #scoreLevels} levels below the rows
   * @throws MissingKeyException before any work without a needed rotation key
   * @throws LevelException before any work if a ciphertext lacks the levels
   */
  public EncryptedResult scores(Ciphertext[] rows, double[] weightsWithIntercept,
      Placement placement) {
    Objects.requireNonNull(placement, "placement");
    if (placement == Placement.REPLICATED) {
      throw new IllegalArgumentException(
          "REPLICATED placement is not an inference output: use RAW or FIRST");
    }
    checkRows(rows);
    double[] w = checkWeights(weightsWithIntercept);
    double[] beta = java.util.Arrays.copyOfRange(w, 1, w.length);
    Ciphertext[] s = products.scores(rows, beta, placement);
    addIntercept(s, w[0]);
    return new EncryptedResult(s,
        new ResultDescriptor(layout, Output.SCORES, placement == Placement.FIRST));
  }

  // ------------------------------------------------------------------ probabilities

  /**
   * Probabilities {@code p(beta_0 + <beta, x_r>)} of every row, p the sigmoid approximation.
   *
   * @param sigmoid a polynomial sigmoid on an interval [a, b] the caller knows holds every score
   * @return probabilities at the rows' scale, {@link #probabilityLevels} levels below the rows
   *     (one more when the affine map of the interval cannot be folded at the actual scale); the
   *     non-result slots hold p(0)
   * @throws MissingKeyException before any work without the relinearisation key or a rotation
   * @throws InsufficientLevelsException before any work if the rows lack the levels
   */
  public EncryptedResult probabilities(Ciphertext[] rows, LogisticModel model,
      SigmoidApproximation sigmoid) {
    Objects.requireNonNull(sigmoid, "sigmoid");
    checkRows(rows);
    double[] w = checkWeights(model.weights());
    int needed = probabilityLevels(sigmoid);
    for (Ciphertext ct : rows) {
      if (ct.level() < needed) {
        throw new InsufficientLevelsException(String.format(
            "probabilities with %s need %d levels (2 for the masked scores, %d for the"
                + " polynomial) but a row ciphertext is at level %d",
            sigmoid.name(), needed, needed - 2, ct.level()), needed, ct.level());
      }
    }
    if (sigmoid.degree() > 1 && !ev.keys().hasRelinearizationKey()) {
      throw new MissingKeyException("probabilities with a degree-" + sigmoid.degree()
          + " sigmoid need the relinearisation key, which the evaluator does not hold");
    }
    EncryptedResult scores = scores(rows, w, Placement.FIRST);
    PolynomialEvaluator pe = new PolynomialEvaluator(ev);
    Ciphertext[] s = scores.ciphertexts();
    Ciphertext[] out = new Ciphertext[s.length];
    for (int c = 0; c < s.length; c++) {
      out[c] = pe.evaluate(s[c], sigmoid.series());
    }
    return new EncryptedResult(out, new ResultDescriptor(layout, Output.PROBABILITIES, false));
  }

  // ------------------------------------------------------------------ helpers

  private void checkRows(Ciphertext[] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length != layout.ciphertexts()) {
      throw new IllegalArgumentException("the layout has " + layout.ciphertexts()
          + " ciphertexts, got " + rows.length);
    }
  }

  private double[] checkWeights(double[] weightsWithIntercept) {
    if (weightsWithIntercept.length != layout.features() + 1) {
      throw new IllegalArgumentException("model has " + (weightsWithIntercept.length - 1)
          + " features (+ intercept), the rows " + layout.features());
    }
    for (double v : weightsWithIntercept) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("model weight is not finite: " + v);
      }
    }
    return weightsWithIntercept.clone();
  }

  /** Adds {@code intercept} at the result slots of every ciphertext (no level). */
  private void addIntercept(Ciphertext[] scores, double intercept) {
    if (intercept == 0) {
      return;
    }
    ResultDescriptor d = new ResultDescriptor(layout, Output.SCORES, false);
    for (int c = 0; c < scores.length; c++) {
      double[] v = d.resultMask(c);
      for (int s = 0; s < v.length; s++) {
        v[s] *= intercept;
      }
      Ciphertext ct = scores[c];
      Plaintext pt = encoder.encode(v, ct.level(), ct.scale());
      ev.addPlain(ct, pt, ct);
    }
  }
}
