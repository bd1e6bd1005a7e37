package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import dev.veil.he.ckks.PrecisionStats;
import dev.veil.ml.infer.FeatureMajorInference.Batch;
import dev.veil.ml.infer.FeatureMajorInference.Result;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import org.junit.jupiter.api.Test;

/**
 * Prints the amortised throughput of 18-feature logistic inference on feature-major encrypted
 * rows: 16,384 rows (two full batches of 8192) at secure parameters from {@code
 * ParameterSelector} (scale 2^40, N = 2^14), depth 1 for the scores and the degree-3 sigmoid's
 * depth for the probabilities, two threads. Only the evaluation is timed, after a warm-up on the
 * same shapes. No timing assertion; the results' correctness is checked loosely.
 */
class FeatureMajorThroughputTest {
  private static final int FEATURES = 18;
  private static final int ROWS = 2 * FeatureMajorFixture.SLOTS;
  private static final int WARMUP = 3;
  private static final int REPEATS = 5;

  @Test
  void printsRowsPerSecondForEighteenFeatureLogisticInference() {
    double[][] rows = InferFixture.table(ROWS, FEATURES, 81);
    LogisticModel model = new LogisticModel(InferFixture.weights(FEATURES, 0.4, 82));
    SigmoidApproximation sig = FeatureMajorFixture.SIGMOID;
    double[] expScores = new double[ROWS];
    double[] expProbs = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      expScores[r] = model.score(rows[r]);
      expProbs[r] = sig.evaluate(expScores[r]);
    }

    // scores at depth 1
    FeatureMajorFixture fs = FeatureMajorFixture.scores();
    FeatureMajorInference inf = new FeatureMajorInference(fs.evaluator);
    long t0 = System.nanoTime();
    List<Batch> batches = fs.owner.encrypt(rows);
    double encrypt = seconds(t0);
    for (int i = 0; i < WARMUP; i++) {
      inf.scores(batches, model);
    }
    List<Result> scores = null;
    t0 = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) {
      scores = inf.scores(batches, model);
    }
    double scoring = seconds(t0) / REPEATS;
    PrecisionStats sp = PrecisionStats.of(expScores, fs.owner.decrypt(scores));

    // probabilities (and scores) at the degree-3 sigmoid's depth
    FeatureMajorFixture fp = FeatureMajorFixture.probabilities();
    FeatureMajorInference infp = new FeatureMajorInference(fp.evaluator);
    List<Batch> deep = fp.owner.encrypt(rows);
    for (int i = 0; i < WARMUP; i++) {
      infp.probabilities(deep, model, sig);
      infp.scores(deep, model);
    }
    t0 = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) {
      infp.scores(deep, model);
    }
    double deepScoring = seconds(t0) / REPEATS;
    List<Result> probs = null;
    t0 = System.nanoTime();
    for (int i = 0; i < REPEATS; i++) {
      probs = infp.probabilities(deep, model, sig);
    }
    double probabilities = seconds(t0) / REPEATS;
    PrecisionStats pp = PrecisionStats.of(expProbs, fp.owner.decrypt(probs));

    System.out.printf("feature-major throughput, %d rows x %d features, %d batches of %d rows,"
        + " 2 threads, scale 2^%d:%n", ROWS, FEATURES, batches.size(), fs.owner.rowsPerBatch(),
        FeatureMajorFixture.SCALE_BITS);
    System.out.printf("  depth %d: %s (keygen %.1f s)%n", fs.depth, fs.params, fs.keygenSeconds);
    System.out.printf("    encrypt rows (owner)   %9.0f rows/s  (%.3f s)%n",
        ROWS / encrypt, encrypt);
    System.out.printf("    scores                 %9.0f rows/s  (%.4f s)  %s%n",
        ROWS / scoring, scoring, sp);
    System.out.printf("  depth %d: %s (keygen %.1f s)%n", fp.depth, fp.params, fp.keygenSeconds);
    System.out.printf("    scores                 %9.0f rows/s  (%.4f s)%n",
        ROWS / deepScoring, deepScoring);
    System.out.printf("    probabilities (%s) %9.0f rows/s  (%.4f s)  %s%n", sig.name(),
        ROWS / probabilities, probabilities, pp);
    assertThat(sp.meanBits()).isGreaterThan(FeatureMajorFixture.SCALE_BITS - 7 - 4.2 - 6);
    assertThat(pp.meanBits()).isGreaterThan(FeatureMajorFixture.SCALE_BITS - 7 - 4.2 - 6 - 8);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
