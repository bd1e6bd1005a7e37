package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.NesterovLogisticRegression;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared run: its checks refuse wrong keys and tables before any work, and one iteration
 * matches the plain trace. N = 2^10, five 40-bit levels (one degree-3 iteration): test-only,
 * hence {@code securityOff()}.
 */
class LogisticTrainingTest {
  static final Parameters PARAMS = Parameters.builder().logN(10)
      .logQ(60, 40, 40, 40, 40, 40).logP(61).securityOff().build();
  static final int ROWS = 40;
  static final int D = 3;
  static TrainingPlan plan;
  static TrainFixture f;
  static double[][] x;
  static double[] y;
  static Ciphertext[] z;

  @BeforeAll
  static void setUp() {
    plan = LogisticTraining.planner(ROWS, D, 1, 3).withParameters(PARAMS).plan();
    f = new TrainFixture(PARAMS, plan.rotations());
    x = TrainFixture.features(ROWS, D, 3);
    y = TrainFixture.labels(x, 4);
    z = new TablePacker(f.encoder, plan.layout())
        .encrypt(EncryptedLogisticRegression.design(x, y), f.encryptor);
  }

  @Test
  void degreesOtherThanKimsAreRefused() {
    assertThatThrownBy(() -> LogisticTraining.planner(10, 2, 1, 4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be 3, 5 or 7").hasMessageEndingWith("got 4");
  }

  @Test
  void keysWithoutARotationAreRefusedNamingIt() {
    KeyGenerator kg = new KeyGenerator(f.ctx, TrainFixture.seeded(1));
    var sk = kg.secretKey();
    int[] rot = plan.rotations();
    EvaluationKeys partial = new EvaluationKeys(PARAMS, kg.relinearizationKey(sk),
        List.of(kg.galoisKey(sk, Evaluator.galoisElement(PARAMS, rot[0]))));
    assertThatThrownBy(() -> LogisticTraining.requireKeys(plan, partial))
        .isInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by " + rot[1]);
    EvaluationKeys noRelin = new EvaluationKeys(PARAMS, null, List.of());
    assertThatThrownBy(() -> LogisticTraining.train(f.ctx, noRelin, plan, z, null))
        .isInstanceOf(MissingKeyException.class).hasMessageContaining("relinearisation");
  }

  @Test
  void tablesOfTheWrongSizeOrLevelAreRefused() {
    Ciphertext[] more = Arrays.copyOf(z, z.length + 1);
    more[z.length] = z[0];
    assertThatThrownBy(() -> LogisticTraining.requireTable(plan, more))
        .hasMessageContaining("has " + z.length + " ciphertexts, the table " + more.length);
    Ciphertext[] low = z.clone();
    low[0] = f.evaluator.dropToLevelNew(z[0], PARAMS.maxLevel() - 1);
    assertThatThrownBy(() -> LogisticTraining.requireTable(plan, low))
        .hasMessageContaining("table ciphertext 0 is at level " + (PARAMS.maxLevel() - 1));
  }

  @Test
  void oneIterationMatchesThePlainTraceAndReportsProgress() {
    int[] calls = new int[1];
    EncryptedLogisticRegression.Result r = LogisticTraining.train(f.ctx,
        f.evaluator.keys(), plan, z, (i, k) -> calls[0]++);
    double[] w = EncryptedLogisticRegression.decryptWeights(r.weights(), f.encoder, f.decryptor,
        D);
    double[] expected = NesterovLogisticRegression.defaults().withIterations(1)
        .withSigmoid(LogisticTraining.sigmoid(3)).trace(x, y).betas().get(1);
    assertThat(calls[0]).isEqualTo(1);
    for (int j = 0; j <= D; j++) {
      assertThat(w[j]).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void aProgressCallbackThatThrowsStopsTheRun() {
    TrainingPlan two = LogisticTraining.planner(ROWS, D, 1, 3).withParameters(PARAMS).plan();
    assertThatThrownBy(() -> LogisticTraining.train(f.ctx, f.evaluator.keys(), two, z,
        (i, k) -> {
          throw new IllegalStateException("stop");
        })).isInstanceOf(IllegalStateException.class).hasMessage("stop");
  }
}
