package dev.veil.ml.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.ml.infer.ResultDescriptor.Output;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LinearModel;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.InsufficientLevelsException;
import dev.veil.ml.poly.SigmoidApproximation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Encrypted rows x plaintext model. 150 rows of 18 features at N = 2^12: 64 rows per ciphertext
 * (block 32), 3 ciphertexts, the last holding 22 rows (partially filled).
 *
 * <p>Precision floors, from the scale: a fresh encryption at scale 2^55 decodes to about
 * {@code 55 - log2(N)/2 - 3} bits; a d-term inner product loses up to {@code log2(d)} and the
 * rotations' key switching a few more, so mean bits must exceed {@code log2(scale) - log2(N)/2 -
 * log2(d) - 6} (about 39 bits), the floor of the linalg tests. The degree-7 sigmoid multiplies
 * the score error by at most its Lipschitz constant on the interval (below 1) plus its own CKKS
 * rounding over 4 levels: 8 bits more slack.
 */
class EncryptedRowsInferenceTest {
  private static final int ROWS = 150;
  private static final int FEATURES = 18;
  private static InferFixture f;
  private static Layout layout;
  private static double[][] rows;
  private static double[] w;
  private static Ciphertext[] cts;

  @BeforeAll
  static void encrypt() {
    f = InferFixture.n12();
    layout = Layout.of(f.params, ROWS, FEATURES);
    rows = InferFixture.table(ROWS, FEATURES, 31);
    w = InferFixture.weights(FEATURES, 0.4, 32); // |score| <= 0.4 * 19 < 8
    cts = new TablePacker(f.encoder, layout).encrypt(rows, f.pkEncryptor);
  }

  private static double floor() {
    return InferFixture.log2(f.params.defaultScale()) - f.params.logN() / 2.0
        - InferFixture.log2(FEATURES) - 6;
  }

  private static double[] expectedScores() {
    LogisticModel m = new LogisticModel(w);
    double[] s = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      s[r] = m.score(rows[r]);
    }
    return s;
  }

  @Test
  void layoutSpansSeveralCiphertextsWithAPartialLastOne() {
    assertThat(layout.ciphertexts()).isEqualTo(3);
    assertThat(layout.rowsIn(2)).isEqualTo(22);
  }

  @Test
  void scoresOfEveryRowMatchThePlaintextModel() {
    EncryptedRowsInference inf = new EncryptedRowsInference(f.rotationsOnly, f.encoder, layout);
    ResultReader reader = new ResultReader(f.encoder, f.decryptor);
    double[] expected = expectedScores();
    for (Placement p : new Placement[] {Placement.RAW, Placement.FIRST}) {
      EncryptedResult res = inf.scores(cts, w, p);
      assertThat(res.size()).isEqualTo(3);
      assertThat(res.ciphertext(0).level())
          .isEqualTo(f.params.maxLevel() - EncryptedRowsInference.scoreLevels(p));
      assertThat(res.ciphertext(0).scale()).isEqualTo(cts[0].scale());
      assertThat(res.descriptor().output()).isEqualTo(Output.SCORES);
      assertThat(res.descriptor().otherSlotsZero()).isEqualTo(p == Placement.FIRST);
      double[] got = reader.read(res);
      PrecisionStats st = PrecisionStats.of(expected, got);
      System.out.println("encrypted rows, scores, " + p + ": " + st + " (floor "
          + String.format("%.1f", floor()) + ")");
      assertThat(st.meanBits()).as(p + " " + st).isGreaterThan(floor());
      assertThat(st.minBits()).as(p + " " + st).isGreaterThan(floor() - 4);
      if (p == Placement.FIRST) {
        // the non-result slots are zero up to noise, padding rows included
        double[][] slots = reader.slots(res);
        for (int c = 0; c < slots.length; c++) {
          double[] mask = res.descriptor().resultMask(c);
          for (int s = 0; s < slots[c].length; s++) {
            if (mask[s] == 0) {
              assertThat(Math.abs(slots[c][s])).isLessThan(Math.pow(2, -floor()));
            }
          }
        }
      }
    }
  }

  @Test
  void linearModelScoresAreItsPredictions() {
    EncryptedRowsInference inf = new EncryptedRowsInference(f.rotationsOnly, f.encoder, layout);
    LinearModel m = new LinearModel(w);
    double[] got = new ResultReader(f.encoder, f.decryptor).read(inf.scores(cts, m));
    PrecisionStats st = PrecisionStats.of(m.predict(rows), got);
    assertThat(st.meanBits()).as(st.toString()).isGreaterThan(floor());
  }

  @Test
  void probabilitiesMatchThePolynomialSigmoid() {
    SigmoidApproximation sig = SigmoidApproximation.leastSquares(-8, 8, 7);
    EncryptedRowsInference inf = new EncryptedRowsInference(f.evaluator, f.encoder, layout);
    EncryptedResult res = inf.probabilities(cts, new LogisticModel(w), sig);
    assertThat(res.descriptor().output()).isEqualTo(Output.PROBABILITIES);
    assertThat(res.ciphertext(2).level())
        .isEqualTo(f.params.maxLevel() - EncryptedRowsInference.probabilityLevels(sig));
    assertThat(res.ciphertext(2).scale()).isEqualTo(cts[2].scale());
    double[] got = new ResultReader(f.encoder, f.decryptor).read(res);
    double[] scores = expectedScores();
    double[] poly = new double[ROWS];
    double[] exact = new double[ROWS];
    LogisticModel m = new LogisticModel(w);
    for (int r = 0; r < ROWS; r++) {
      poly[r] = sig.evaluate(scores[r]);
      exact[r] = m.probability(rows[r]);
    }
    PrecisionStats vsPoly = PrecisionStats.of(poly, got);
    PrecisionStats vsSigmoid = PrecisionStats.of(exact, got);
    System.out.println("encrypted rows, probabilities (" + sig + "): vs polynomial " + vsPoly
        + "; vs exact sigmoid " + vsSigmoid);
    assertThat(vsPoly.meanBits()).as(vsPoly.toString()).isGreaterThan(floor() - 8);
    assertThat(vsSigmoid.maxError()).isLessThan(sig.maxError() + Math.pow(2, -(floor() - 8)));
  }

  @Test
  void missingKeysAndLevelsAreRefusedBeforeAnyWork() {
    EncryptedRowsInference noRelin =
        new EncryptedRowsInference(f.rotationsOnly, f.encoder, layout);
    SigmoidApproximation sig = SigmoidApproximation.leastSquares(-8, 8, 7);
    assertThatThrownBy(() -> noRelin.probabilities(cts, new LogisticModel(w), sig))
        .isInstanceOf(MissingKeyException.class).hasMessageContaining("relinearisation");
    EncryptedRowsInference inf = new EncryptedRowsInference(f.evaluator, f.encoder, layout);
    Ciphertext[] low = new Ciphertext[cts.length];
    for (int c = 0; c < cts.length; c++) {
      low[c] = f.evaluator.dropToLevelNew(cts[c], 3);
    }
    assertThatThrownBy(() -> inf.probabilities(low, new LogisticModel(w), sig))
        .isInstanceOf(InsufficientLevelsException.class).hasMessageContaining("level 3");
    Ciphertext[] zero = new Ciphertext[cts.length];
    for (int c = 0; c < cts.length; c++) {
      zero[c] = f.evaluator.dropToLevelNew(cts[c], 0);
    }
    assertThatThrownBy(() -> inf.scores(zero, w, Placement.RAW))
        .isInstanceOf(LevelException.class);
    assertThatThrownBy(() -> inf.scores(cts, new double[FEATURES], Placement.RAW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features");
  }
}
