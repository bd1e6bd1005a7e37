package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LinearRegression;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Three encrypted gradient steps against plain.LinearRegression. N = 2^12, primes 60 + 9 x 40,
 * special 61: log2(QP) = 481 bits, above the 128-bit bound of 109 bits at N = 2^12, hence
 * {@code securityOff()} (test only).
 */
class EncryptedLinearRegressionTest {
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();

  @Test
  void threeStepsMatchThePlainGradientDescent() {
    int rows = 200;
    int d = 3;
    Random rnd = new Random(5);
    double[][] x = TrainFixture.features(rows, d, 9);
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = 0.5 + 0.8 * x[i][0] - 0.4 * x[i][1] + 0.2 * x[i][2] + 0.05 * rnd.nextGaussian();
    }
    TrainFixture f = new TrainFixture(PARAMS,
        EncryptedLinearRegression.rotationsNeeded(PARAMS, rows, d));
    Layout layout = EncryptedLinearRegression.layout(PARAMS, rows, d);
    TablePacker packer = new TablePacker(f.encoder, layout);
    Ciphertext[] a = packer.encrypt(EncryptedLinearRegression.augmented(x, y), f.encryptor);
    Ciphertext[] w = packer.encrypt(EncryptedLinearRegression.design(x), f.encryptor);
    EncryptedLinearRegression trainer = new EncryptedLinearRegression(f.evaluator, f.encoder,
        rows, d, 3, LearningRate.constant(0.5), 0.01);
    EncryptedLogisticRegression.Result r = trainer.train(a, w);
    double[] got = EncryptedLogisticRegression.decryptWeights(r.weights(), f.encoder,
        f.decryptor, d);
    double[] expected = LinearRegression.defaults().withIterations(3).withLearningRate(0.5)
        .withL2(0.01).fit(x, y).weights();
    double err = 0;
    for (int j = 0; j <= d; j++) {
      err = Math.max(err, Math.abs(got[j] - expected[j]));
    }
    System.out.printf("encrypted linear regression: max error %.3g, ms/iter %s%n", err,
        java.util.Arrays.toString(r.report().iterationMillis()));
    assertThat(r.report().levelsUsed()).isEqualTo(9);
    // the noise TrainingNoise traces bounds the weights' measured noise; loosely (measured: 12.5
    // bits of slack after 3 steps): the trace bounds every value by its worst case, and the
    // weights' bound compounds over the steps (a known cost of sharing a linear model)
    double[] beta = java.util.Arrays.copyOf(expected, d + 2);
    beta[d + 1] = -1;
    Ciphertext out = r.weights();
    double measured = NoiseEstimator.log2MaxDifference(f.ctx, f.decryptor.decrypt(out),
        f.encoder.encode(packer.replicatedSlots(beta), out.level(), out.scale()));
    NoiseEstimator.Noise traced = TrainingNoise.linear(PARAMS, rows, d, 3,
        LearningRate.constant(0.5), 0.01, 2, Double.POSITIVE_INFINITY);
    double bound = new NoiseEstimator(PARAMS).log2Bound(traced);
    System.out.printf("linear regression's weights: noise measured 2^%.2f, traced 2^%.2f%n",
        measured, bound);
    assertThat(traced.level()).isEqualTo(out.level());
    assertThat(measured).isLessThan(bound).isGreaterThan(bound - 14);
    assertThat(err).isLessThan(Math.pow(2, -40 + 6 + Math.log(rows) / Math.log(2) + 4));
    assertThatThrownBy(() -> new EncryptedLinearRegression(f.evaluator, f.encoder, rows, d, 4,
        LearningRate.constant(0.5), 0)).hasMessageContaining("use at most 3 iterations");
  }
}
