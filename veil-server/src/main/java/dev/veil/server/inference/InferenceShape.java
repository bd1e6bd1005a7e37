package dev.veil.server.inference;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.EncryptedRowsInference;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.ScoringNoise;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.poly.SigmoidApproximation;
import dev.veil.server.core.ServiceException;

/**
 * The shape of an inference job, fixed before any work: how many ciphertexts the rows take, how
 * many levels the computation and the sanitiser need, where the results are read, and the
 * flooding (the noise bound traced for the job's circuit, the precision left).
 */
final class InferenceShape {
  static final String FEATURE_MAJOR = "feature-major";
  static final String ROW_MAJOR = "row-major";
  static final String SCORES = "scores";
  static final String PROBABILITIES = "probabilities";

  private InferenceShape() {}

  static String packing(String p) {
    String v = p == null ? FEATURE_MAJOR : p.toLowerCase(Locale.ROOT);
    if (!v.equals(FEATURE_MAJOR) && !v.equals(ROW_MAJOR)) {
      throw ServiceException.badRequest("packing must be 'feature-major' or 'row-major', got '"
          + p + "'");
    }
    return v;
  }

  static String output(String o, String task) {
    String v = o == null ? SCORES : o.toLowerCase(Locale.ROOT);
    if (!v.equals(SCORES) && !v.equals(PROBABILITIES)) {
      throw ServiceException.badRequest("output must be 'scores' or 'probabilities', got '" + o
          + "'");
    }
    if (v.equals(PROBABILITIES) && !"logistic".equals(task)) {
      throw ServiceException.badRequest("probabilities need a logistic model; this one is "
          + task);
    }
    return v;
  }

  /** Fitted once per (bound, degree): the fit evaluates the sigmoid on a fine grid. */
  private static final Map<List<Double>, SigmoidApproximation> SIGMOIDS =
      new ConcurrentHashMap<>();

  static SigmoidApproximation sigmoid(InferenceSettings s) {
    return SIGMOIDS.computeIfAbsent(List.of(s.sigmoidBound(), (double) s.sigmoidDegree()),
        k -> SigmoidApproximation.leastSquares(-s.sigmoidBound(), s.sigmoidBound(),
            s.sigmoidDegree()));
  }

  /** Ciphertexts the rows take. */
  static long ciphertexts(String packing, Parameters params, long rows, int features) {
    if (packing.equals(FEATURE_MAJOR)) {
      return ((rows + params.slots() - 1) / params.slots()) * features;
    }
    return readout(packing, params, rows, features).ciphertexts();
  }

  /** Where the results are: one per row at the first slot of its block. */
  static Layout readout(String packing, Parameters params, long rows, int features) {
    return packing.equals(FEATURE_MAJOR) ? Layout.of(params.slots(), (int) rows, 1)
        : Layout.of(params, (int) rows, features);
  }

  /** Levels the rows must have: the computation's, and one for the sanitiser's mask. */
  static int levelsNeeded(String packing, String output, InferenceSettings s) {
    int compute;
    if (packing.equals(FEATURE_MAJOR)) {
      compute = output.equals(SCORES) ? FeatureMajorInference.levelsNeeded()
          : FeatureMajorInference.levelsNeeded(sigmoid(s));
    } else {
      compute = output.equals(SCORES)
          ? EncryptedRowsInference.scoreLevels(dev.veil.ml.linalg.RotateSum.Placement.RAW)
          : EncryptedRowsInference.probabilityLevels(sigmoid(s));
    }
    return compute + 1;
  }

  /**
   * log2 of the noise bound B of the results: the job's circuit traced by {@link ScoringNoise}
   * (rows at {@code level}, the default scale) for these weights, plus the settings' margin.
   */
  static double noiseBoundBits(Parameters params, InferenceSettings s, String packing,
      String output, int level, double[] weightsWithIntercept) {
    boolean scores = output.equals(SCORES);
    ScoringNoise.Circuit circuit = packing.equals(FEATURE_MAJOR)
        ? (scores ? ScoringNoise.Circuit.FEATURE_MAJOR_SCORES
            : ScoringNoise.Circuit.FEATURE_MAJOR_PROBABILITIES)
        : (scores ? ScoringNoise.Circuit.ROW_MAJOR_SCORES
            : ScoringNoise.Circuit.ROW_MAJOR_PROBABILITIES);
    int features = weightsWithIntercept.length - 1;
    Layout layout = packing.equals(FEATURE_MAJOR) ? null : Layout.of(params, 1, features);
    return ScoringNoise.noiseBoundBits(params, circuit, level, params.defaultScale(),
        ScoringNoise.INPUT_BOUND, new double[][] {weightsWithIntercept}, layout,
        scores ? null : sigmoid(s))
        + s.noiseMarginBits();
  }

  static FloodingPolicy policy(Parameters params, InferenceSettings s, String packing,
      String output, int level, double[] weightsWithIntercept, long floodingResults) {
    return new FloodingPolicy(s.securityBits(), noiseBoundBits(params, s, packing, output, level,
        weightsWithIntercept), floodingResults);
  }

  /** Bits left after flooding at the parameters' default scale. */
  static double precisionBits(Parameters params, FloodingPolicy policy) {
    return policy.precisionBits(params.defaultScale(), params.logN());
  }
}
