package dev.veil.ml.train;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.poly.ChebyshevSeries;
import dev.veil.ml.poly.PolynomialEvaluator;

/**
 * The untrusted node's side of encrypted logistic regression: exactly the steps of {@link
 * dev.veil.ml.plain.NesterovLogisticRegression} (see its step contract) on a packed, encrypted
 * {@code z_i = y_i (1, x_i)}, with evaluation keys only.
 *
 * <h2>One iteration (levels as in {@link TrainingPlan})</h2>
 *
 * <ol>
 *   <li>{@code z . v}: slot-wise product of every table ciphertext with {@code v_t} replicated
 *       per row block, relinearised and rescaled (1 level).
 *   <li>Row sums inside each block (rotations left), then one plaintext product that keeps each
 *       block's first slot and multiplies it by {@code -2/(b-a)} (the sign of {@code -z.v} and
 *       the map of [a, b] to [-1, 1], encoded so that the result's scale is exactly the next
 *       prime, which lets {@link PolynomialEvaluator} fold its own affine map), then rotations
 *       right that replicate it over the block and the constant {@code -(a+b)/(b-a)} (1 level).
 *   <li>The sigmoid polynomial, its Chebyshev coefficients multiplied by {@code alpha_t / n}
 *       ({@code ceil(log2(deg + 1))} levels), evaluated for the output scale that makes the next
 *       product land on the default scale.
 *   <li>Product with z and rescale (1 level); sums over the ciphertexts and over the rows of a
 *       ciphertext give {@code alpha_t g_t} (without the ridge term), replicated in every block
 *       (padding rows and columns of z are zero).
 *   <li>{@code beta_{t+1} = alpha_t g_t + v_t (1, 1 - alpha_t l2, ...)}: the ridge term is folded
 *       into a plaintext product of {@code v_t}, which sits at a higher level.
 *       {@code v_{t+1} = (1 - gamma_t) beta_{t+1} + gamma_t beta_t}: the gradient ciphertext is
 *       relabelled at scale {@code S / (1 - gamma_t)} (free), the other terms are products of the
 *       higher-level {@code v_t} and {@code beta_t} encoded to meet that scale.
 * </ol>
 *
 * Start: {@code beta_0 = v_0 = 0} as trivial (noiseless, public) ciphertexts. When the plan
 * schedules a refresh, {@code (beta, v)} go through the {@link Refresher}.
 *
 * <p>Never uses a secret key. Not thread-safe for concurrent {@link #train} calls on shared
 * ciphertexts.
 */
public final class EncryptedLogisticRegression {
  /** Receives "iteration {@code i} of {@code k} done" (1-based). */
  @FunctionalInterface
  public interface Progress {
    void iterationDone(int iteration, int iterations);
  }

  /** The trained weights {@code beta_T} (replicated in every row block) and the report. */
  public record Result(Ciphertext weights, TrainingReport report) {}

  private final Evaluator ev;
  private final Encoder encoder;
  private final TrainingPlan plan;
  private final Parameters params;
  private final Layout layout;
  private final RotateSum sums;
  private final PolynomialEvaluator poly;

  /**
   * @param evaluator holding the relinearisation key and the plan's rotations
   * @throws IllegalArgumentException if the plan was made for other parameters
   */
  public EncryptedLogisticRegression(Evaluator evaluator, Encoder encoder, TrainingPlan plan) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.params = evaluator.context().parameters();
    params.requireSame(plan.params(), "encrypted logistic regression");
    this.layout = plan.layout();
    this.sums = new RotateSum(evaluator, encoder, layout);
    this.poly = new PolynomialEvaluator(evaluator);
  }

  public TrainingPlan plan() {
    return plan;
  }

  /** The rows {@code z_i = y_i (1, x_i)} the data owner packs, labels 0 mapped to -1. */
  public static double[][] design(double[][] x, double[] y) {
    if (x.length != y.length || x.length == 0) {
      throw new IllegalArgumentException("need as many labels as rows, got " + x.length + " rows"
          + " and " + y.length + " labels");
    }
    double[][] z = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double s = y[i] > 0 ? 1 : -1;
      z[i] = new double[x[i].length + 1];
      z[i][0] = s;
      for (int j = 0; j < x[i].length; j++) {
        z[i][j + 1] = s * x[i][j];
      }
    }
    return z;
  }

  /** Decrypts replicated weights (key holder side): the first {@code d + 1} slots. */
  public static double[] decryptWeights(Ciphertext weights, Encoder encoder, Decryptor decryptor,
      int features) {
    double[] slots = encoder.decode(decryptor.decrypt(weights));
    return java.util.Arrays.copyOf(slots, features + 1);
  }

  /** {@link #train(Ciphertext[], Refresher, Progress)} without refresh or progress. */
  public Result train(Ciphertext[] z) {
    return train(z, null, null);
  }

  /**
   * Runs the plan's iterations.
   *
   * @param z the packed encrypted design (one ciphertext per layout ciphertext, same level)
   * @param refresher called where the plan schedules refreshes (may be null if none is planned)
   * @param progress may be null
   * @throws IllegalArgumentException before any work if the table does not match the plan or a
   *     planned refresh has no refresher
   */
  public Result train(Ciphertext[] z, Refresher refresher, Progress progress) {
    Objects.requireNonNull(z, "z");
    if (z.length != layout.ciphertexts()) {
      throw new IllegalArgumentException("the plan's layout has " + layout.ciphertexts()
          + " ciphertexts, got " + z.length);
    }
    int inputLevel = z[0].level();
    for (Ciphertext c : z) {
      if (c.level() != inputLevel) {
        throw new IllegalArgumentException("table ciphertexts must share one level");
      }
    }
    int segment = Math.min(plan.iterations(), plan.iterationsPerSegment());
    if (inputLevel < segment * plan.levelsPerIteration()) {
      throw new IllegalArgumentException("the table is at level " + inputLevel + " but "
          + segment + " iterations need " + segment * plan.levelsPerIteration()
          + " levels: encrypt at the top level or plan with fewer iterations per segment");
    }
    if (plan.refreshes() > 0 && refresher == null) {
      throw new IllegalArgumentException("the plan schedules " + plan.refreshes()
          + " refreshes and no refresher was given");
    }
    int top = params.maxLevel();
    double s0 = params.defaultScale();
    Ciphertext beta = new Ciphertext(params, 1, inputLevel, s0);
    Ciphertext v = new Ciphertext(params, 1, inputLevel, s0);
    double lambda = plan.lambda0();
    double[] millis = new double[plan.iterations()];
    int refreshes = 0;
    int levelsUsed = 0;
    for (int t = 0; t < plan.iterations(); t++) {
      long start = System.nanoTime();
      int before = v.level();
      double alpha = plan.learningRate().at(t);
      double lambdaNext = (1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2;
      double gamma = (1 - lambda) / lambdaNext;
      Ciphertext grad = scaledGradient(z, v, alpha / plan.rows(), s0);
      Ciphertext[] next = update(grad, v, beta, alpha, gamma);
      beta = next[0];
      v = next[1];
      lambda = lambdaNext;
      levelsUsed += before - beta.level();
      if (plan.refreshAfter(t)) {
        Ciphertext[] fresh = refresher.refresh(new Ciphertext[] {beta, v});
        beta = fresh[0];
        v = fresh[1];
        refreshes++;
      }
      millis[t] = (System.nanoTime() - start) / 1e6;
      if (progress != null) {
        progress.iterationDone(t + 1, plan.iterations());
      }
    }
    TrainingReport report = new TrainingReport(plan.iterations(), plan.levelsPerIteration(),
        inputLevel, beta.level(), levelsUsed, refreshes, millis);
    return new Result(beta, report);
  }

  /** {@code c sum_i s(-z_i . v) z_i}, replicated in every block, at scale {@code outScale}. */
  Ciphertext scaledGradient(Ciphertext[] z, Ciphertext v, double c, double outScale) {
    ChebyshevSeries series = gradientSeries(plan, c);
    double slope = -2 / (plan.b() - plan.a());
    double offset = -(plan.a() + plan.b()) / (plan.b() - plan.a());
    Ciphertext[] terms = new Ciphertext[z.length];
    for (int k = 0; k < z.length; k++) {
      // 1. z . v slot-wise
      Ciphertext prod = ev.mulRelinNew(z[k], v);
      ev.rescale(prod, prod);
      // 2. row sums at block starts, times the slope, replicated over the block; scale q_(l-1)
      Ciphertext t = layout.blockSize() == 1 ? prod : ev.rotateAndSumNew(prod,
          layout.blockSize());
      int level = t.level();
      double target = (double) params.q(level - 1);
      double[] mask = new double[layout.slots()];
      for (int s = 0; s < mask.length; s += layout.blockSize()) {
        mask[s] = slope;
      }
      Plaintext pm = encoder.encode(mask, level, target * params.q(level) / t.scale());
      ev.mulPlain(t, pm, t);
      ev.rescale(t, t);
      t.setScale(target);
      Ciphertext tmp = Ciphertext.empty(params);
      for (int r = 1; r < layout.blockSize(); r <<= 1) {
        ev.rotate(t, -r, tmp);
        ev.add(t, tmp, t);
      }
      if (offset != 0) {
        ev.addConst(t, offset, t);
      }
      // 3. c * sigmoid(-z.v), at the scale that makes the product with z land on outScale
      int sigLevel = t.level() - poly.levelsNeeded(series, t);
      double sigScale = outScale * params.q(sigLevel) / z[k].scale();
      Ciphertext sig = poly.evaluate(t, series, sigScale);
      // 4. times z
      Ciphertext g = ev.mulRelinNew(sig, z[k]);
      ev.rescale(g, g);
      terms[k] = g;
    }
    Ciphertext sum = sums.sumAllRows(terms);
    sum.setScale(outScale);
    return sum;
  }

  /** {@code c} times the plan's sigmoid, as a series on [-1, 1] (its interval mapped there). */
  static ChebyshevSeries gradientSeries(TrainingPlan plan, double c) {
    ChebyshevSeries onAb = ChebyshevSeries.fromPowerBasis(plan.sigmoid().coefficients(),
        plan.a(), plan.b());
    double[] coeffs = onAb.coefficients();
    for (int k = 0; k < coeffs.length; k++) {
      coeffs[k] *= c;
    }
    return new ChebyshevSeries(-1, 1, coeffs);
  }

  /** {beta_{t+1}, v_{t+1}} from the scaled gradient (at scale S) and the previous iterates. */
  Ciphertext[] update(Ciphertext grad, Ciphertext v, Ciphertext beta, double alpha,
      double gamma) {
    double scale = grad.scale();
    double ridge = 1 - alpha * plan.l2();
    // beta_{t+1} = grad + v (1, 1 - alpha l2, ...)
    Ciphertext betaNext = grad.copy();
    ev.add(betaNext, weightedTerm(v, ridge, 1, scale), betaNext);
    Ciphertext vNext;
    if (gamma == 1) {
      vNext = ev.dropToLevelNew(beta, Math.min(beta.level(), betaNext.level()));
      if (vNext.level() > betaNext.level()) {
        ev.dropToLevel(vNext, betaNext.level(), vNext);
      }
    } else {
      double w = 1 - gamma;
      double vScale = scale / w;
      vNext = grad.copy();
      vNext.setScale(vScale); // the same message read as (1 - gamma) grad
      ev.add(vNext, weightedTerm(v, w * ridge, w, vScale), vNext);
      if (gamma != 0) {
        Ciphertext gb = Ciphertext.empty(params);
        int l = beta.level();
        ev.mulConst(beta, gamma, 0, vScale * params.q(l) / beta.scale(), gb);
        ev.rescale(gb, gb);
        gb.setScale(vScale);
        ev.add(vNext, gb, vNext);
      }
    }
    return new Ciphertext[] {betaNext, vNext};
  }

  /** {@code ct * (first, rest, ..., rest)} replicated per block, one level, result at scale. */
  private Ciphertext weightedTerm(Ciphertext ct, double rest, double first, double scale) {
    double[] w = new double[plan.features() + 1];
    java.util.Arrays.fill(w, rest);
    w[0] = first;
    double[] slots = new TablePacker(encoder, layout).replicatedSlots(w);
    int l = ct.level();
    Plaintext pt = encoder.encode(slots, l, scale * params.q(l) / ct.scale());
    Ciphertext out = ev.mulPlainNew(ct, pt);
    ev.rescale(out, out);
    out.setScale(scale);
    return out;
  }
}
