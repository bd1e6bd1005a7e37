package dev.veil.ml.infer;

import java.util.Objects;

import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.ckks.NoiseEstimator.Noise;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.poly.PolynomialEvaluator;
import dev.veil.ml.poly.SigmoidApproximation;

/**
 * The noise bound B of the scoring circuits of this package, as {@link OutputSanitizer}'s policy
 * needs it: the steps of {@link FeatureMajorInference} and {@link EncryptedRowsInference} traced
 * with a {@link NoiseEstimator}, then the sanitiser's clearing (mask and rescale, drop to level
 * 0). The trace assumes fresh public-key encryptions of the rows (what {@code veil encrypt} and
 * the SDK make) with values up to {@code inputMaxAbs}; a row owner who sends ciphertexts with
 * more noise than that makes the bound, hence the flooding, too small for its own results (the
 * model holder cannot check a ciphertext's noise).
 *
 * <p>{@link #noiseBoundBits} rounds the bound up to a whole bit, so that the bound a result
 * reports shows the weights only as coarsely as their magnitude's bit count. Stateless.
 */
public final class ScoringNoise {
  private ScoringNoise() {}

  /**
   * The bound on a scaled input value that callers assume when they do not know better: a
   * scaler maps its training range onto [-1, 1], and rows outside it by a factor 4 still fit.
   */
  public static final double INPUT_BOUND = 4;

  /** How the rows are packed and what is computed. */
  public enum Circuit {
    /** {@link FeatureMajorInference#scores}. */
    FEATURE_MAJOR_SCORES,
    /** {@link FeatureMajorInference#probabilities}. */
    FEATURE_MAJOR_PROBABILITIES,
    /** {@link EncryptedRowsInference#scores} with {@link Placement#RAW}. */
    ROW_MAJOR_SCORES,
    /** {@link EncryptedRowsInference#probabilities}. */
    ROW_MAJOR_PROBABILITIES
  }

  /**
   * log2 of the bound B (rounded up to a whole bit) on the noise of the sanitised results of
   * {@code circuit} for every weight vector of {@code weights} (one per output column, intercept
   * first), rows encrypted at {@code level} and {@code scale}.
   *
   * @param layout the row-major packing (ignored for feature-major circuits; may be null there)
   * @param sigmoid the probabilities' polynomial (ignored for scores; may be null there)
   */
  public static double noiseBoundBits(Parameters params, Circuit circuit, int level,
      double scale, double inputMaxAbs, double[][] weights, Layout layout,
      SigmoidApproximation sigmoid) {
    Objects.requireNonNull(circuit, "circuit");
    NoiseEstimator est = new NoiseEstimator(params);
    double bits = 0;
    for (double[] w : weights) {
      Noise x = est.freshPublicKey(level, scale, inputMaxAbs);
      Noise out = switch (circuit) {
        case FEATURE_MAJOR_SCORES -> featureMajorScores(est, x, w);
        case FEATURE_MAJOR_PROBABILITIES -> probabilities(est,
            featureMajorScores(est, x, w), sigmoid);
        case ROW_MAJOR_SCORES -> rowMajorScores(est, x, w, layout, Placement.RAW);
        case ROW_MAJOR_PROBABILITIES -> probabilities(est,
            rowMajorScores(est, x, w, layout, Placement.FIRST), sigmoid);
      };
      double mask = layout == null ? 1 : blockStarts(layout);
      bits = Math.max(bits, est.log2Bound(cleared(est, out, mask)));
    }
    return Math.ceil(bits);
  }

  /**
   * {@code sum_j w_j x_j} by {@code mulConst} at the prime the rescale removes, one rescale, the
   * intercept added: {@link FeatureMajorInference#scores(FeatureMajorInference.Batch, double[])}.
   */
  public static Noise featureMajorScores(NoiseEstimator est, Noise x, double[] w) {
    double q = est.parameters().q(x.level());
    Noise acc = null;
    for (int j = 1; j < w.length; j++) {
      if (w[j] != 0) {
        Noise term = est.mulConst(x, w[j], q);
        acc = acc == null ? term : est.add(acc, term);
      }
    }
    if (acc == null) {
      acc = est.mulConst(x, 0, q);
    }
    Noise s = est.rescale(acc).withScale(x.scale());
    return est.addConst(s, w[0]);
  }

  /**
   * One plaintext product with the replicated weights and a rescale, the feature sums by
   * rotations (log2 of the block size), the mask for {@link Placement#FIRST}, the intercept:
   * {@link EncryptedRowsInference#scores(dev.veil.he.rlwe.Ciphertext[], double[], Placement)}.
   */
  public static Noise rowMajorScores(NoiseEstimator est, Noise x, double[] w, Layout layout,
      Placement placement) {
    Objects.requireNonNull(layout, "layout");
    double maxW = 0;
    double l1 = 0;
    double l2 = 0;
    for (int j = 1; j < w.length; j++) {
      maxW = Math.max(maxW, Math.abs(w[j]));
      l1 += Math.abs(w[j]);
      l2 += w[j] * w[j];
    }
    double q = est.parameters().q(x.level());
    double rms = Math.min(maxW, Math.sqrt(l2 / layout.blockSize()));
    Noise acc = est.rescale(est.mulPlain(x, maxW, rms, q)).withScale(x.scale());
    acc = est.rotateAndSum(acc, layout.blockSize()).withMaxAbs(l1 * x.maxAbs());
    if (placement != Placement.RAW) {
      double qm = est.parameters().q(acc.level());
      acc = est.rescale(est.mulPlain(acc, 1, blockStarts(layout), qm)).withScale(acc.scale());
    }
    return est.addPlain(acc, Math.abs(w[0]));
  }

  /** The polynomial sigmoid of the scores, at the scores' scale. */
  public static Noise probabilities(NoiseEstimator est, Noise scores,
      SigmoidApproximation sigmoid) {
    Objects.requireNonNull(sigmoid, "sigmoid");
    Noise in = scores.withMaxAbs(Math.max(Math.abs(sigmoid.a()), Math.abs(sigmoid.b())));
    return PolynomialEvaluator.noise(est, in, sigmoid.series(), scores.scale());
  }

  /**
   * The sanitiser's steps 1 and 2 on a result: the 0/1 mask (slots' RMS {@code maskRms}, the
   * square root of the fraction of result slots) at the prime the rescale removes and the
   * rescale (above level 0), then the drop to level 0.
   */
  public static Noise cleared(NoiseEstimator est, Noise result, double maskRms) {
    Noise r = result;
    if (r.level() > 0) {
      double q = est.parameters().q(r.level());
      r = est.rescale(est.mulPlain(r, 1, maskRms, q)).withScale(result.scale())
          .withMaxAbs(r.maxAbs());
    }
    return est.dropToLevel(r, 0);
  }

  /** The RMS of a 0/1 mask that keeps the first slot of every block. */
  private static double blockStarts(Layout layout) {
    return 1 / Math.sqrt(layout.blockSize());
  }
}
