package dev.veil.server.inference;

import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.poly.SigmoidApproximation;

/**
 * How inference results are computed and sanitised.
 *
 * <p>The output sanitiser floods every returned ciphertext with Gaussian noise of standard
 * deviation {@code sqrt(12 D) 2^(s/2) B} (see {@code dev.veil.ml.infer.OutputSanitizer} and
 * {@code FloodingPolicy}): s is {@link #securityBits}, D the buyer's row budget on the model, and
 * B the bound {@code dev.veil.ml.infer.ScoringNoise} traces for the job's circuit (packing,
 * output, the model's weights, rows at their level; fresh encryptions of inputs up to 4 in
 * magnitude), rounded up to a whole bit, plus {@link #noiseMarginBits}. The tests measure the
 * actual noise of both packings and outputs against it. The whole-bit bound, a coarse magnitude of
 * the weights, is all of them that shows in the precision a result reports.
 *
 * @param securityBits s of the flooding, at least {@value FloodingPolicy#MIN_SECURITY_BITS}
 * @param noiseMarginBits bits added to the traced noise bound (0: the trace alone)
 * @param minPrecisionBits results that would keep fewer bits after flooding are refused (the job
 *     fails, nothing is charged)
 * @param sigmoidDegree degree of the least-squares sigmoid for probabilities
 * @param sigmoidBound probabilities assume every score in [-bound, bound]
 * @param maxRows the most rows one job may score
 */
public record InferenceSettings(int securityBits, double noiseMarginBits, double minPrecisionBits,
    int sigmoidDegree, double sigmoidBound, long maxRows) {
  public InferenceSettings {
    if (securityBits < FloodingPolicy.MIN_SECURITY_BITS) {
      throw new IllegalArgumentException("flooding needs at least "
          + FloodingPolicy.MIN_SECURITY_BITS + " bits of statistical security");
    }
    if (sigmoidDegree < 1 || !(sigmoidBound > 0) || maxRows < 1) {
      throw new IllegalArgumentException("bad inference settings");
    }
  }

  /** s = 40, no margin, at least 6 bits of precision, degree-3 sigmoid on [-8, 8], 2^20 rows. */
  public static InferenceSettings defaults() {
    return new InferenceSettings(40, 0, 6, 3, 8, 1 << 20);
  }

  /** The polynomial sigmoid that probabilities use: least squares on [-bound, bound]. */
  public SigmoidApproximation sigmoid() {
    return InferenceShape.sigmoid(this);
  }

  /**
   * The flooding the runner applies to feature-major scores or probabilities of a model with
   * these weights (intercept first) for rows at the top level, for a buyer who may receive {@code
   * results} sanitised ciphertexts from it (so that in-process measurements sanitise exactly as
   * the server does).
   */
  public FloodingPolicy floodingPolicy(Parameters params, double[] weightsWithIntercept,
      boolean probabilities, long results) {
    return InferenceShape.policy(params, this, InferenceShape.FEATURE_MAJOR,
        probabilities ? InferenceShape.PROBABILITIES : InferenceShape.SCORES, params.maxLevel(),
        weightsWithIntercept, results);
  }
}
