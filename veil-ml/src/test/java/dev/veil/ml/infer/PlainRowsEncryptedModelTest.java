package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.plain.LogisticModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Plaintext rows x an encrypted model. 100 rows of 18 features (+ the intercept column: 19, block
 * 32): 64 rows per ciphertext, 2 ciphertexts, the second holding 36. Floor as in {@link
 * EncryptedRowsInferenceTest}, with d = 19 terms.
 */
class PlainRowsEncryptedModelTest {
  private static final int ROWS = 100;
  private static final int FEATURES = 18;
  private static InferFixture f;
  private static Layout layout;
  private static double[][] rows;
  private static double[] w;
  private static Ciphertext model;

  @BeforeAll
  static void encryptModel() {
    f = InferFixture.n12();
    layout = PlainRowsEncryptedModel.layoutFor(f.params, ROWS, FEATURES);
    rows = InferFixture.table(ROWS, FEATURES, 41);
    w = InferFixture.weights(FEATURES, 0.5, 42);
    model = PlainRowsEncryptedModel.encryptModel(f.encoder, f.pkEncryptor, layout, w);
  }

  private static double floor() {
    return InferFixture.log2(f.params.defaultScale()) - f.params.logN() / 2.0
        - InferFixture.log2(FEATURES + 1) - 6;
  }

  @Test
  void encryptedScoresOfPlaintextRowsMatchThePlaintextModel() {
    assertThat(layout.ciphertexts()).isEqualTo(2);
    assertThat(layout.rowsIn(1)).isEqualTo(36);
    PlainRowsEncryptedModel pm = new PlainRowsEncryptedModel(f.rotationsOnly, f.encoder, layout);
    LogisticModel m = new LogisticModel(w);
    double[] expected = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      expected[r] = m.score(rows[r]);
    }
    for (Placement p : new Placement[] {Placement.RAW, Placement.FIRST}) {
      EncryptedResult res = pm.scores(rows, model, p);
      assertThat(res.ciphertext(0).level()).isEqualTo(f.params.maxLevel() - 1 - p.levelCost());
      assertThat(res.ciphertext(0).scale()).isEqualTo(model.scale());
      PrecisionStats st = PrecisionStats.of(expected,
          new ResultReader(f.encoder, f.decryptor).read(res));
      System.out.println("plaintext rows x encrypted model, " + p + ": " + st);
      assertThat(st.meanBits()).as(p + " " + st).isGreaterThan(floor());
    }
  }

  @Test
  void refusesWrongShapesAndExhaustedModels() {
    PlainRowsEncryptedModel pm = new PlainRowsEncryptedModel(f.rotationsOnly, f.encoder, layout);
    assertThatThrownBy(() -> pm.scores(InferFixture.table(ROWS, FEATURES + 1, 1), model,
        Placement.RAW)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("18 features");
    assertThatThrownBy(() -> pm.scores(InferFixture.table(ROWS - 1, FEATURES, 1), model,
        Placement.RAW)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows");
    Ciphertext low = f.evaluator.dropToLevelNew(model, 1);
    assertThatThrownBy(() -> pm.scores(rows, low, Placement.FIRST))
        .isInstanceOf(LevelException.class).hasMessageContaining("level 1");
  }
}
