package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.ml.infer.FeatureMajorInference.Batch;
import dev.veil.ml.infer.FeatureMajorInference.Output;
import dev.veil.ml.infer.FeatureMajorInference.Result;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.InsufficientLevelsException;
import dev.veil.ml.poly.PolynomialEvaluator;
import dev.veil.ml.poly.SigmoidApproximation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Feature-major inference against the plaintext model. 8192 + 300 rows of 18 features at N =
 * 2^14 (8192 slots): two batches, the second partial (300 rows).
 *
 * <p>Precision floors, from the scale: a fresh encryption at scale 2^40 decodes to about {@code
 * 40 - log2(N)/2 - 3} bits; an 18-term weighted sum loses up to {@code log2(18)} more, so the mean
 * bits must exceed {@code log2(scale) - log2(N)/2 - log2(d) - 6} (the linalg tests' floor, about
 * 22.8 bits here). The degree-3 sigmoid has a Lipschitz constant below 1 on [-8, 8] and adds its
 * own rounding over 3 levels: 8 bits more slack.
 */
class FeatureMajorInferenceTest {
  private static final int FEATURES = 18;
  private static final int ROWS = FeatureMajorFixture.SLOTS + 300;
  private static FeatureMajorFixture f;
  private static double[][] rows;
  private static LogisticModel model;
  private static List<Batch> batches;
  private static double floor;

  @BeforeAll
  static void setUp() {
    f = FeatureMajorFixture.probabilities();
    rows = InferFixture.table(ROWS, FEATURES, 71);
    model = new LogisticModel(InferFixture.weights(FEATURES, 0.4, 72));
    batches = f.owner.encrypt(rows);
    floor = FeatureMajorFixture.SCALE_BITS - f.params.logN() / 2.0
        - Math.log(FEATURES) / Math.log(2) - 6;
  }

  private static double[] expectedScores() {
    double[] e = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      e[r] = model.score(rows[r]);
    }
    return e;
  }

  @Test
  void packsFeatureMajorWithAPartialLastBatch() {
    assertThat(f.owner.rowsPerBatch()).isEqualTo(f.params.slots());
    assertThat(batches).hasSize(2);
    assertThat(batches.get(0).rows()).isEqualTo(FeatureMajorFixture.SLOTS);
    assertThat(batches.get(1).rows()).isEqualTo(300);
    assertThat(batches.get(1).featureCount()).isEqualTo(FEATURES);
    assertThat(batches.get(1).features()[0].level()).isEqualTo(f.params.maxLevel());
  }

  @Test
  void scoresMatchThePlaintextModel() {
    FeatureMajorInference inf = new FeatureMajorInference(f.evaluator);
    List<Result> res = inf.scores(batches, model);
    assertThat(res.get(0).ciphertext().level()).isEqualTo(f.params.maxLevel() - 1);
    assertThat(res.get(0).ciphertext().scale()).isEqualTo(f.params.defaultScale());
    assertThat(res.get(1).rows()).isEqualTo(300);
    assertThat(res.get(1).output()).isEqualTo(Output.SCORES);
    double[] got = f.owner.decrypt(res);
    assertThat(got).hasSize(ROWS);
    PrecisionStats ps = PrecisionStats.of(expectedScores(), got);
    System.out.println("feature-major scores: " + ps + ", floor " + floor);
    assertThat(ps.meanBits()).isGreaterThan(floor);
    assertThat(ps.minBits()).isGreaterThan(floor - 6);
  }

  @Test
  void partialBatchLeavesTheEmptySlotsAtTheIntercept() {
    FeatureMajorInference inf = new FeatureMajorInference(f.evaluator);
    Result r = inf.scores(batches.get(1), model);
    // the decrypted per-row values stop at the batch's rows
    assertThat(f.owner.decrypt(r)).hasSize(300);
    // the unused slots hold 0 * weights + intercept
    double[] all = f.owner.decrypt(new Result(r.ciphertext(), f.params.slots(), Output.SCORES));
    for (int s = 300; s < all.length; s += 997) {
      assertThat(all[s]).isCloseTo(model.intercept(),
          org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void probabilitiesMatchThePolynomialAndTheSigmoid() {
    SigmoidApproximation sig = FeatureMajorFixture.SIGMOID;
    FeatureMajorInference inf = new FeatureMajorInference(f.evaluator);
    List<Result> res = inf.probabilities(batches, model, sig);
    assertThat(res.get(1).output()).isEqualTo(Output.PROBABILITIES);
    assertThat(res.get(0).ciphertext().level())
        .isEqualTo(f.params.maxLevel() - FeatureMajorInference.levelsNeeded(sig));
    assertThat(FeatureMajorInference.levelsNeeded(sig))
        .isEqualTo(1 + PolynomialEvaluator.levelsNeeded(3, -8, 8));
    double[] got = f.owner.decrypt(res);
    double[] s = expectedScores();
    double[] poly = new double[ROWS];
    double[] exact = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      poly[r] = sig.evaluate(s[r]);
      exact[r] = model.probability(rows[r]);
    }
    PrecisionStats pp = PrecisionStats.of(poly, got);
    PrecisionStats pe = PrecisionStats.of(exact, got);
    System.out.println("feature-major probabilities: vs polynomial " + pp + "; vs sigmoid " + pe);
    assertThat(pp.meanBits()).isGreaterThan(floor - 8);
    assertThat(pe.maxError()).isLessThan(sig.maxError() + 1e-3);
  }

  @Test
  void refusesMissingLevelsKeysAndShapes() {
    FeatureMajorInference inf = new FeatureMajorInference(f.evaluator);
    Batch low = new Batch(java.util.Arrays.stream(batches.get(1).features())
        .map(ct -> f.evaluator.dropToLevelNew(ct, 1)).toArray(dev.veil.he.rlwe.Ciphertext[]::new),
        300);
    assertThatThrownBy(() -> inf.probabilities(low, model, FeatureMajorFixture.SIGMOID))
        .isInstanceOf(InsufficientLevelsException.class);
    Batch zero = new Batch(java.util.Arrays.stream(batches.get(1).features())
        .map(ct -> f.evaluator.dropToLevelNew(ct, 0)).toArray(dev.veil.he.rlwe.Ciphertext[]::new),
        300);
    assertThatThrownBy(() -> inf.scores(zero, model)).isInstanceOf(LevelException.class);
    // one level is enough for the scores
    assertThat(f.owner.decrypt(inf.scores(low, model))).hasSize(300);
    FeatureMajorInference noKeys = new FeatureMajorInference(
        new dev.veil.he.ckks.Evaluator(f.ctx));
    assertThatThrownBy(() -> noKeys.probabilities(batches.get(1), model,
        FeatureMajorFixture.SIGMOID)).isInstanceOf(MissingKeyException.class);
    assertThatThrownBy(() -> inf.scores(batches.get(1), new LogisticModel(new double[] {1, 2})))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
