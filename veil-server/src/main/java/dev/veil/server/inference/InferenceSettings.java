package dev.veil.server.inference;

import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.poly.SigmoidApproximation;

/**
 * How inference results are computed and sanitised.
 *
 * <p>The output sanitiser floods every returned ciphertext with Gaussian noise of standard
 * deviation {@code 2^(s/2) B sqrt(N D)} (see {@code dev.veil.ml.infer.OutputSanitizer}): s is
 * {@link #securityBits}, D the buyer's row budget on the model, and B a bound on the noise the
 * computation leaves, declared as {@code log2 B = log2(N)/2 + noiseMarginBits + ceil(log2(1 +
 * ||w||_2))}: the fresh-encryption noise of the buyer's rows (about {@code sqrt(N)} times a small
 * constant) grown by the weights of the linear combination. The tests measure the actual noise of
 * both packings and outputs against it. Only {@code ceil(log2(1 + ||w||_2))}, a coarse magnitude
 * of the weights, shows in the precision a result reports.
 *
 * @param securityBits s of the flooding, at least {@value FloodingPolicy#MIN_SECURITY_BITS}
 * @param noiseMarginBits the constant of the declared noise bound
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

  /** s = 40, margin 3 bits, at least 6 bits of precision, degree-3 sigmoid on [-8, 8], 2^20 rows. */
  public static InferenceSettings defaults() {
    return new InferenceSettings(40, 3, 6, 3, 8, 1 << 20);
  }

  /** The polynomial sigmoid that probabilities use: least squares on [-bound, bound]. */
  public SigmoidApproximation sigmoid() {
    return InferenceShape.sigmoid(this);
  }

  /**
   * The flooding the runner applies to the results of a model with these weights (intercept
   * first), for a buyer who may receive {@code results} sanitised ciphertexts from it (so that
   * in-process measurements sanitise exactly as the server does).
   */
  public FloodingPolicy floodingPolicy(Parameters params, double[] weightsWithIntercept,
      long results) {
    return InferenceShape.policy(params, this, InferenceShape.l2(weightsWithIntercept), results);
  }
}
