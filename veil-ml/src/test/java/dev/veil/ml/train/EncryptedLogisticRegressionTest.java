package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.plain.Sigmoid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two iterations of encrypted Nesterov logistic regression against the plain trainer's trace.
 *
 * <p>Parameters: N = 2^12, primes 60 + 10 x 40, special prime 61: log2(QP) = 521 bits, far above
 * the 128-bit bound of 109 bits at N = 2^12, hence {@code securityOff()}. Test-only: ten levels at
 * scale 2^40 (two iterations of five levels with the degree-3 sigmoid) at the precision of
 * production sets, fast enough for two shared cores.
 */
class EncryptedLogisticRegressionTest {
  static final int ROWS = 300;
  static final int D = 4;
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();
  static TrainingPlan plan;
  static TrainFixture f;
  static double[][] x;
  static double[] y;
  static Ciphertext[] z;

  @BeforeAll
  static void setUp() {
    plan = Planner.logistic(ROWS, D).withIterations(2).withLambda0(0.01).withL2(0.01)
        .withParameters(PARAMS).plan();
    f = new TrainFixture(PARAMS, plan.rotations());
    x = TrainFixture.features(ROWS, D, 7);
    y = TrainFixture.labels(x, 8);
    z = new TablePacker(f.encoder, plan.layout())
        .encrypt(EncryptedLogisticRegression.design(x, y), f.encryptor);
  }

  @Test
  void twoIterationsMatchThePlainTrace() {
    NesterovLogisticRegression plain = NesterovLogisticRegression.defaults().withIterations(2)
        .withLambda0(0.01).withL2(0.01).withSigmoid(Sigmoid.KIM_DEGREE_3);
    NesterovLogisticRegression.Trace trace = plain.trace(x, y);
    EncryptedLogisticRegression trainer =
        new EncryptedLogisticRegression(f.evaluator, f.encoder, plan);
    int[] calls = new int[1];
    EncryptedLogisticRegression.Result r = trainer.train(z, null, (i, k) -> calls[0]++);
    double[] w = EncryptedLogisticRegression.decryptWeights(r.weights(), f.encoder, f.decryptor,
        D);
    double[] expected = trace.betas().get(2);
    double err = 0;
    for (int j = 0; j <= D; j++) {
      err = Math.max(err, Math.abs(w[j] - expected[j]));
    }
    TrainingReport rep = r.report();
    System.out.printf("encrypted LR: %s%n  weights %s%n  plain   %s%n  max error %.3g, ms/iter %s%n",
        plan, java.util.Arrays.toString(w), java.util.Arrays.toString(expected), err,
        java.util.Arrays.toString(rep.iterationMillis()));
    assertThat(calls[0]).isEqualTo(2);
    // levels: the plan's depth is what the run consumed
    assertThat(rep.levelsUsed()).isEqualTo(plan.totalLevels()).isEqualTo(10);
    assertThat(rep.inputLevel() - rep.outputLevel()).isEqualTo(plan.totalLevels());
    assertThat(r.weights().level()).isEqualTo(plan.outputLevel());
    // CKKS error: 2^-40 per slot, grown by sqrt(N) (encoding/rescale noise in a slot), by the n
    // rows summed into the gradient and by the depth: 2^(-40 + logN/2 + log2 n + log2 depth)
    double tol = Math.pow(2, -40 + PARAMS.logN() / 2.0 + log2(ROWS) + log2(plan.totalLevels()));
    assertThat(err).isLessThan(tol);
    // AUC of the encrypted model equals the plain one's
    double[] pe = scores(new LogisticModel(w));
    double[] pp = scores(trace.model());
    double aucE = Metrics.auc(y, pe);
    double aucP = Metrics.auc(y, pp);
    System.out.printf("  AUC encrypted %.4f plain %.4f%n", aucE, aucP);
    assertThat(Math.abs(aucE - aucP)).isLessThan(0.01);
  }

  /**
   * The traced bound of {@link TrainingNoise} against the noise of the trained weights, measured
   * as the largest coefficient of their exact decryption minus the encoding of the plain trace's
   * weights (replicated as the ciphertext holds them): below the bound, and within {@value
   * #TRAINING_SLACK_BITS} bits of it: the trace adds standard deviations linearly through the
   * polynomial, bounds every operand by its largest value and every sum of rotations by its
   * coherent worst case (measured here: 5 bits of slack, 2^13.9 against 2^18.8).
   */
  @Test
  void tracedNoiseBoundsTheTrainedWeights() {
    NesterovLogisticRegression plain = NesterovLogisticRegression.defaults().withIterations(2)
        .withLambda0(0.01).withL2(0.01).withSigmoid(Sigmoid.KIM_DEGREE_3);
    double[] expected = plain.trace(x, y).betas().get(2);
    Ciphertext w = new EncryptedLogisticRegression(f.evaluator, f.encoder, plan).train(z)
        .weights();
    double[] slots = new TablePacker(f.encoder, plan.layout()).replicatedSlots(expected);
    double measured = NoiseEstimator.log2MaxDifference(f.ctx, f.decryptor.decrypt(w),
        f.encoder.encode(slots, w.level(), w.scale()));
    NoiseEstimator.Noise traced = TrainingNoise.logistic(plan, 1, 4);
    double bound = new NoiseEstimator(PARAMS).log2Bound(traced);
    System.out.printf("trained weights' noise: measured 2^%.2f, traced bound 2^%.2f (2^%.2f"
        + " without a weight bound)%n", measured, bound, new NoiseEstimator(PARAMS).log2Bound(
        TrainingNoise.logistic(plan, 1, Double.POSITIVE_INFINITY)));
    assertThat(traced.level()).isEqualTo(w.level());
    assertThat(measured).isLessThan(bound);
    assertThat(bound - measured).isLessThan(TRAINING_SLACK_BITS);
  }

  static final double TRAINING_SLACK_BITS = 8;

  static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }

  static double[] scores(LogisticModel m) {
    double[] s = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      s[i] = m.probability(x[i]);
    }
    return s;
  }

  /**
   * The calibrated scheme's settings at an interval other than Kim's: whitened unit-variance rows
   * ({@link CertifiedNesterov}), the weighted least-squares sigmoid on [-16, 16], constant step and
   * {@code lambda_0 = 1}, two iterations: the encrypted weights equal the plain twin's within the
   * same CKKS tolerance as above, scaled by the rows' largest value.
   */
  @Test
  void certifiedSchemeAtAWiderIntervalMatchesThePlainTwin() {
    CertifiedNesterov.Prepared prep = CertifiedNesterov.prepare(x, y, 3, 2);
    double bound = 16;
    NesterovLogisticRegression twin =
        CertifiedNesterov.trainer(3, bound, prep.width(), 2, prep.step());
    NesterovLogisticRegression.Trace trace = twin.trace(prep.rows(), y);
    assertThat(CertifiedNesterov.maxInnerProduct(trace, prep.rows(), y)).isLessThan(bound);
    TrainingPlan p = Planner.logistic(ROWS, D).withIterations(2)
        .withSigmoid(twin.sigmoid(), -bound, bound)
        .withLearningRate(NesterovLogisticRegression.LearningRate.constant(prep.step()))
        .withLambda0(CertifiedNesterov.LAMBDA0).withParameters(PARAMS).plan();
    Ciphertext[] cz = new TablePacker(f.encoder, p.layout())
        .encrypt(EncryptedLogisticRegression.design(prep.rows(), y), f.encryptor);
    EncryptedLogisticRegression.Result r =
        new EncryptedLogisticRegression(f.evaluator, f.encoder, p).train(cz);
    double[] w = EncryptedLogisticRegression.decryptWeights(r.weights(), f.encoder, f.decryptor,
        D);
    double[] expected = trace.betas().get(2);
    double err = 0;
    double maxAbs = 1;
    for (int j = 0; j <= D; j++) {
      err = Math.max(err, Math.abs(w[j] - expected[j]));
    }
    for (double[] row : prep.rows()) {
      for (double v : row) {
        maxAbs = Math.max(maxAbs, Math.abs(v));
      }
    }
    double tol = maxAbs * maxAbs
        * Math.pow(2, -40 + PARAMS.logN() / 2.0 + log2(ROWS) + log2(p.totalLevels()));
    System.out.printf("certified scheme, B = %.0f, step %.3f: %s%n  weights %s%n  plain   %s%n"
        + "  max error %.3g (tolerance %.3g)%n", bound, prep.step(), p,
        java.util.Arrays.toString(w), java.util.Arrays.toString(expected), err, tol);
    assertThat(err).isLessThan(tol);
  }
}
