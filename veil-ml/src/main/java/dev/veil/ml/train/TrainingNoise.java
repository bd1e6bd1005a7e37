package dev.veil.ml.train;

import java.util.Objects;

import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.ckks.NoiseEstimator.Noise;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;
import dev.veil.ml.poly.ChebyshevSeries;
import dev.veil.ml.poly.PolynomialEvaluator;

/**
 * The noise of an encrypted model, traced with a {@link NoiseEstimator} through the steps of
 * {@link EncryptedLogisticRegression} and {@link EncryptedLinearRegression}: what sizes the
 * flooding of a trained model that leaves its key holder (a shared {@code veil decrypt}, a
 * refresh by {@link KeyHolderRefresher}).
 *
 * <p>Assumptions, stated because the bound is only as good as they are: the tables are fresh
 * public-key encryptions at the top level and default scale (what {@code veil encrypt} makes),
 * with every value of z bounded by {@code inputMaxAbs}; the iterates' weights are bounded by
 * {@code weightBound} (the trace also bounds them by its own, often much larger, worst case and
 * uses the smaller); the sigmoid's argument lies in the plan's interval. Stateless.
 */
public final class TrainingNoise {
  private TrainingNoise() {}

  /**
   * The trained weights' noise after the plan's last segment (after the last refresh, if any),
   * the noise the decryption of the model carries.
   */
  public static Noise logistic(TrainingPlan plan, double inputMaxAbs, double weightBound) {
    return logisticSegments(plan, inputMaxAbs, weightBound, false);
  }

  /**
   * The largest noise of the (beta, v) pair the plan hands to a {@link Refresher}: the end of the
   * first segment (later segments start from fresh encryptions and end at the same level).
   *
   * @throws IllegalArgumentException if the plan schedules no refresh
   */
  public static Noise logisticRefresh(TrainingPlan plan, double inputMaxAbs, double weightBound) {
    if (plan.refreshes() == 0) {
      throw new IllegalArgumentException("the plan schedules no refresh");
    }
    return logisticSegments(plan, inputMaxAbs, weightBound, true);
  }

  private static Noise logisticSegments(TrainingPlan plan, double inputMaxAbs,
      double weightBound, boolean stopAtFirstRefresh) {
    Objects.requireNonNull(plan, "plan");
    Parameters params = plan.params();
    NoiseEstimator est = new NoiseEstimator(params);
    int top = params.maxLevel();
    double s0 = params.defaultScale();
    Noise z = est.freshPublicKey(top, s0, inputMaxAbs);
    Noise beta = est.zero(top, s0);
    Noise v = beta;
    double lambda = plan.lambda0();
    for (int t = 0; t < plan.iterations(); t++) {
      double alpha = plan.learningRate().at(t);
      double lambdaNext = (1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2;
      double gamma = (1 - lambda) / lambdaNext;
      Noise grad = gradient(est, plan, z, v, alpha / plan.rows(), s0);
      Noise[] next = update(est, plan, grad, v, beta, alpha, gamma, weightBound);
      beta = next[0];
      v = next[1];
      lambda = lambdaNext;
      if (plan.refreshAfter(t)) {
        Noise pair = beta.variance() >= v.variance() ? beta : v;
        if (stopAtFirstRefresh) {
          return pair;
        }
        beta = est.freshPublicKey(top, s0, beta.maxAbs());
        v = est.freshPublicKey(top, s0, v.maxAbs());
      }
    }
    return beta;
  }

  /** {@link EncryptedLogisticRegression#scaledGradient}, one table ciphertext traced. */
  private static Noise gradient(NoiseEstimator est, TrainingPlan plan, Noise z, Noise v,
      double c, double outScale) {
    Parameters params = plan.params();
    Layout layout = plan.layout();
    Noise prod = est.rescale(est.mul(z, v));
    Noise t = est.rotateAndSum(prod, layout.blockSize())
        .withMaxAbs(Math.max(Math.abs(plan.a()), Math.abs(plan.b())));
    int level = t.level();
    double target = params.q(level - 1);
    double slope = 2 / (plan.b() - plan.a());
    double rms = slope / Math.sqrt(layout.blockSize());
    t = est.rescale(est.mulPlain(t, slope, rms, target * params.q(level) / t.scale()))
        .withScale(target);
    t = est.rotateAndSum(t, layout.blockSize()).withMaxAbs(1);
    t = est.addConst(t, (plan.a() + plan.b()) / (plan.b() - plan.a())).withMaxAbs(1);
    ChebyshevSeries series = EncryptedLogisticRegression.gradientSeries(plan, c);
    int sigLevel = t.level() - PolynomialEvaluator.levelsNeeded(series.degree(), -1, 1);
    double sigScale = outScale * params.q(sigLevel) / z.scale();
    Noise sig = PolynomialEvaluator.noise(est, t, series, sigScale);
    Noise g = est.rescale(est.mul(sig, est.dropToLevel(z, sig.level())));
    Noise sum = g;
    for (int k = 1; k < layout.ciphertexts(); k++) {
      sum = est.add(sum, g);
    }
    return rowSums(est, sum, layout).withScale(outScale);
  }

  /** {@link EncryptedLogisticRegression#update}, traced. */
  private static Noise[] update(NoiseEstimator est, TrainingPlan plan, Noise grad, Noise v,
      Noise beta, double alpha, double gamma, double weightBound) {
    double scale = grad.scale();
    double ridge = 1 - alpha * plan.l2();
    Noise betaNext = est.add(grad, weighted(est, v, Math.max(1, Math.abs(ridge)), scale));
    Noise vNext;
    if (gamma == 1) {
      vNext = est.dropToLevel(beta, Math.min(beta.level(), betaNext.level()));
    } else {
      double w = 1 - gamma;
      double vScale = scale / w;
      vNext = est.add(grad.withScale(vScale),
          weighted(est, v, Math.max(Math.abs(w * ridge), Math.abs(w)), vScale));
      if (gamma != 0) {
        int l = beta.level();
        Noise gb = est.rescale(est.mulConst(beta, gamma, vScale * plan.params().q(l)
            / beta.scale())).withScale(vScale);
        vNext = est.add(vNext, gb);
      }
    }
    return new Noise[] {cap(betaNext, weightBound), cap(vNext, weightBound)};
  }

  /** A plaintext product at {@code ct}'s level, rescaled and relabelled at {@code scale}. */
  private static Noise weighted(NoiseEstimator est, Noise ct, double maxAbs, double scale) {
    int l = ct.level();
    return est.rescale(est.mulPlain(ct, maxAbs, scale * est.parameters().q(l) / ct.scale()))
        .withScale(scale);
  }

  /**
   * The trained weights' noise of {@link EncryptedLinearRegression} ({@code rows x features},
   * {@code iterations} steps of {@code rate}, ridge {@code l2}). Loose: the weights' worst-case
   * magnitude compounds over the steps (measured: 12.5 bits above the real noise after three
   * steps, EncryptedLinearRegressionTest); a {@code weightBound} known to hold tightens it.
   */
  public static Noise linear(Parameters params, int rows, int features, int iterations,
      LearningRate rate, double l2, double inputMaxAbs, double weightBound) {
    NoiseEstimator est = new NoiseEstimator(params);
    Layout layout = EncryptedLinearRegression.layout(params, rows, features);
    int top = params.maxLevel();
    double s0 = params.defaultScale();
    Noise a = est.freshPublicKey(top, s0, inputMaxAbs);
    Noise w = a;
    Noise beta = est.addPlain(est.zero(top, s0), 1);
    for (int t = 0; t < iterations; t++) {
      double alpha = rate.at(t);
      Noise prod = est.rescale(est.mul(a, beta));
      Noise r = est.rotateAndSum(prod, layout.blockSize());
      int level = r.level();
      double target = s0 * params.q(level - 1) / w.scale();
      double mask = alpha / rows;
      r = est.rescale(est.mulPlain(r, mask, mask / Math.sqrt(layout.blockSize()),
          target * params.q(level) / r.scale()))
          .withScale(target);
      r = est.rotateAndSum(r, layout.blockSize()).withMaxAbs(r.maxAbs());
      Noise g = est.rescale(est.mul(r, est.dropToLevel(w, r.level())));
      Noise step = g;
      for (int k = 1; k < layout.ciphertexts(); k++) {
        step = est.add(step, g);
      }
      step = rowSums(est, step, layout).withScale(s0);
      Noise kept = weighted(est, beta, Math.max(1, Math.abs(1 - alpha * l2)), s0);
      beta = cap(est.addPlain(est.add(step, kept), 1), weightBound);
    }
    return beta;
  }

  /** {@link RotateSum#sumRows}: the rotations by the block size times 1, 2, 4, ... */
  private static Noise rowSums(NoiseEstimator est, Noise x, Layout layout) {
    return est.rotateAndSum(x, 1 << RotateSum.rowSumRotations(layout).length);
  }

  private static Noise cap(Noise x, double weightBound) {
    return x.maxAbs() > weightBound ? x.withMaxAbs(weightBound) : x;
  }
}
