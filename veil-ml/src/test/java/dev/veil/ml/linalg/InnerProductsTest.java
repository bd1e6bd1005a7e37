package dev.veil.ml.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.ml.linalg.RotateSum.Placement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Batched scores against plain inner products; 37 rows is not a multiple of the 16 rows per
 * ciphertext. Floor as in {@link RotateSumTest}: mean bits > 40 - log2(N)/2 - log2(d) - 6.
 */
class InnerProductsTest {
  private static final HeFixture F = HeFixture.N12;
  private static final int ROWS = 37;
  private static final int FEATURES = 100;
  private static final Layout LAYOUT = Layout.of(F.params, ROWS, FEATURES);
  private static double[][] table;
  private static double[] weights;
  private static double[] expected;
  private static Ciphertext[] cts;

  @BeforeAll
  static void encrypt() {
    table = HeFixture.table(ROWS, FEATURES, 21);
    weights = HeFixture.vector(FEATURES, 22);
    expected = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      for (int f = 0; f < FEATURES; f++) {
        expected[r] += table[r][f] * weights[f];
      }
    }
    cts = new TablePacker(F.encoder, LAYOUT).encrypt(table, F.pkEncryptor);
  }

  private static double floor() {
    return 40 - F.params.logN() / 2.0 - HeFixture.log2(FEATURES) - 6;
  }

  @Test
  void plaintextWeightsGiveTheScoreOfEveryRow() {
    for (Placement p : Placement.values()) {
      Evaluator ev = F.evaluator(InnerProducts.rotationsNeeded(LAYOUT, p));
      InnerProducts ip = new InnerProducts(ev, F.encoder, LAYOUT);
      Ciphertext[] s = ip.scores(cts, weights, p);
      assertThat(s).hasSize(3);
      assertThat(s[0].level()).isEqualTo(F.params.maxLevel() - InnerProducts.levelCost(p));
      assertThat(s[0].scale()).isEqualTo(cts[0].scale()); // weights at the prime's scale
      PrecisionStats st = PrecisionStats.of(expected, ip.decryptScores(s, F.decryptor));
      System.out.println("plaintext weights, " + p + ": " + st);
      assertThat(st.meanBits()).as(p + " " + st).isGreaterThan(floor());
    }
  }

  @Test
  void encryptedWeightsGiveTheSameScores() {
    Evaluator ev = F.evaluatorWithRelin(InnerProducts.rotationsNeeded(LAYOUT, Placement.FIRST));
    InnerProducts ip = new InnerProducts(ev, F.encoder, LAYOUT);
    Ciphertext w = new TablePacker(F.encoder, LAYOUT).encryptReplicated(weights, F.pkEncryptor);
    for (Placement p : new Placement[] {Placement.RAW, Placement.FIRST}) {
      Ciphertext[] s = ip.scores(cts, w, p);
      PrecisionStats st = PrecisionStats.of(expected, ip.decryptScores(s, F.decryptor));
      System.out.println("encrypted weights, " + p + ": " + st);
      assertThat(st.meanBits()).as(p + " " + st).isGreaterThan(floor());
      assertThat(s[0].level()).isEqualTo(F.params.maxLevel() - InnerProducts.levelCost(p));
    }
  }

  @Test
  void encryptedWeightsNeedTheRelinearisationKey() {
    InnerProducts ip = new InnerProducts(
        F.evaluator(InnerProducts.rotationsNeeded(LAYOUT, Placement.RAW)), F.encoder, LAYOUT);
    Ciphertext w = new TablePacker(F.encoder, LAYOUT).encryptReplicated(weights, F.pkEncryptor);
    assertThatThrownBy(() -> ip.scores(cts, w, Placement.RAW))
        .isInstanceOf(MissingKeyException.class)
        .hasMessageContaining("relinearisation");
  }

  @Test
  void missingRotationKeysAndLevelsAreReportedBeforeAnyWork() {
    InnerProducts noKeys = new InnerProducts(F.evaluator(1, 2), F.encoder, LAYOUT);
    assertThatThrownBy(() -> noKeys.scores(cts, weights, Placement.RAW))
        .isInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by 4");
    Evaluator ev = F.evaluator(InnerProducts.rotationsNeeded(LAYOUT, Placement.REPLICATED));
    InnerProducts ip = new InnerProducts(ev, F.encoder, LAYOUT);
    Ciphertext[] low = {ev.dropToLevelNew(cts[0], 1)};
    assertThatThrownBy(() -> ip.scores(low, weights, Placement.FIRST))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("consume 2 level");
  }
}
