package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.KeyRecoveryAttack;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import org.junit.jupiter.api.Test;

/**
 * Two iterations with five levels: one iteration per segment, one refresh through the key
 * holder's flooding decryptor.
 *
 * <p>Parameters: N = 2^12, primes 60 + 5 x 55 at scale 2^55 (the flooding of a refresh costs
 * about 41 bits at this N), special 61: log2(QP) = 396 bits, above the 128-bit bound of 109 bits
 * at N = 2^12, hence {@code securityOff()} (test only). The flooding's noise bound is the one
 * {@link TrainingNoise} traces for the segment before the refresh.
 */
class RefreshTest {
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 55, 55, 55, 55, 55).logP(61).logDefaultScale(55).securityOff().build();

  @Test
  void aPlanThatNeedsRefreshesRunsAndCountsThem() {
    int rows = 128;
    int d = 3;
    TrainingPlan plan = Planner.logistic(rows, d).withIterations(2).withLambda0(0.01)
        .withParameters(PARAMS).allowRefresh(true).plan();
    assertThat(plan.refreshes()).isEqualTo(1);
    assertThat(plan.iterationsPerSegment()).isEqualTo(1);
    TrainFixture f = new TrainFixture(PARAMS, plan.rotations());
    double[][] x = TrainFixture.features(rows, d, 11);
    double[] y = TrainFixture.labels(x, 12);
    Ciphertext[] z = new TablePacker(f.encoder, plan.layout())
        .encrypt(EncryptedLogisticRegression.design(x, y), f.encryptor);
    EncryptedLogisticRegression trainer =
        new EncryptedLogisticRegression(f.evaluator, f.encoder, plan);
    assertThatThrownBy(() -> trainer.train(z))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refresher");
    KeyHolderRefresher refresher = new KeyHolderRefresher(f.ctx, f.sk, f.pk,
        KeyHolderRefresher.policy(plan, 1));
    EncryptedLogisticRegression.Result r = trainer.train(z, refresher, null);
    assertThat(r.report().refreshes()).isEqualTo(1);
    assertThat(refresher.refreshes()).isEqualTo(1);
    assertThat(refresher.ciphertextsRefreshed()).isEqualTo(2);
    assertThat(r.report().levelsUsed()).isEqualTo(plan.totalLevels()).isEqualTo(10);
    assertThat(r.weights().level()).isEqualTo(plan.outputLevel()).isEqualTo(0);

    NesterovLogisticRegression.Trace trace = NesterovLogisticRegression.defaults()
        .withIterations(2).withLambda0(0.01).trace(x, y);
    double[] w = EncryptedLogisticRegression.decryptWeights(r.weights(), f.encoder, f.decryptor,
        d);
    double[] expected = trace.betas().get(2);
    double err = 0;
    for (int j = 0; j <= d; j++) {
      err = Math.max(err, Math.abs(w[j] - expected[j]));
    }
    double bits = refresher.expectedPrecisionBits(PARAMS.defaultScale());
    System.out.printf("refresh: flooding leaves %.1f bits; max weight error %.3g; ms/iter %s%n",
        bits, err, java.util.Arrays.toString(r.report().iterationMillis()));
    // the flooded slot error 2^-bits, carried through one more iteration (a factor below 8)
    assertThat(err).isLessThan(8 * Math.pow(2, -bits));
    double[] pe = new double[rows];
    double[] pp = new double[rows];
    for (int i = 0; i < rows; i++) {
      pe[i] = new LogisticModel(w).probability(x[i]);
      pp[i] = trace.model().probability(x[i]);
    }
    assertThat(Math.abs(Metrics.auc(y, pe) - Metrics.auc(y, pp))).isLessThan(0.01);
  }

  /**
   * The Li-Micciancio key recovery run against what a refresh publishes (the decoded real parts
   * of its two decryptions): it recovers the key from exact decryptions of the same ciphertexts,
   * and nothing from the refresher's flooded ones. N = 2^12, level 0, scale 2^40 (where the
   * attack's re-encoding is exact).
   */
  @Test
  void theKeyRecoveryAttackFailsOnWhatARefreshDecrypts() {
    Parameters p = Parameters.builder().logN(12).logQ(60, 40).logP(61).logDefaultScale(40)
        .securityOff().build();
    TrainFixture f = new TrainFixture(p, new int[0]);
    int slots = p.slots();
    double[] v = new double[slots];
    java.util.Random r = new java.util.Random(3);
    Ciphertext[] cts = new Ciphertext[2];
    for (int c = 0; c < 2; c++) {
      for (int j = 0; j < slots; j++) {
        v[j] = 2 * r.nextDouble() - 1;
      }
      cts[c] = f.encryptor.encrypt(f.encoder.encode(v, 0, p.defaultScale()));
    }
    byte[] key = f.sk.coefficients(SecretKeyAccess.INSECURE);
    double[] ea = f.encoder.decode(f.decryptor.decrypt(cts[0]));
    double[] eb = f.encoder.decode(f.decryptor.decrypt(cts[1]));
    assertThat(KeyRecoveryAttack.agreement(KeyRecoveryAttack.fromRealParts(f.ctx, f.encoder,
        cts[0], ea, cts[1], eb), key)).isEqualTo(key.length);
    NoiseEstimator est = new NoiseEstimator(p);
    FloodingPolicy policy = FloodingPolicy.of(
        est.log2Bound(est.freshPublicKey(0, p.defaultScale(), 1)), 2);
    KeyHolderRefresher refresher = new KeyHolderRefresher(f.ctx, f.sk, f.pk, policy);
    double[] fa = refresher.floodedSlots(cts[0]);
    double[] fb = refresher.floodedSlots(cts[1]);
    assertThat(KeyRecoveryAttack.agreement(KeyRecoveryAttack.fromRealParts(f.ctx, f.encoder,
        cts[0], fa, cts[1], fb), key)).isLessThan(key.length / 100);
  }
}
