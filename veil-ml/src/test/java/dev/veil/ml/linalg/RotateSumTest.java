package dev.veil.ml.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.ml.linalg.RotateSum.Op;
import dev.veil.ml.linalg.RotateSum.Placement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sums against plain sums. Precision floor: a fresh ciphertext carries an error of about
 * sqrt(N) sigma / scale, i.e. 40 - log2(N)/2 bits minus a few; a sum of {@code count} slots adds
 * at most log2(count) bits of error (coherent worst case), and 6 bits cover the key-switching and
 * rescaling noise and the constant factors: mean bits > 40 - log2(N)/2 - log2(count) - 6.
 */
class RotateSumTest {
  private static final HeFixture F = HeFixture.N12;
  private static final int ROWS = 37;
  private static final int FEATURES = 100;
  private static final Layout LAYOUT = Layout.of(F.params, ROWS, FEATURES); // 3 ciphertexts
  private static double[][] table;
  private static Ciphertext[] cts;
  private static Evaluator ev;
  private static RotateSum sums;

  @BeforeAll
  static void encrypt() {
    table = HeFixture.table(ROWS, FEATURES, 11);
    cts = new TablePacker(F.encoder, LAYOUT).encrypt(table, F.pkEncryptor);
    ev = F.evaluator(RotateSum.rotationsNeeded(LAYOUT, Op.FEATURES_REPLICATED, Op.ROWS));
    sums = new RotateSum(ev, F.encoder, LAYOUT);
  }

  private static double floor(int count) {
    return 40 - F.params.logN() / 2.0 - HeFixture.log2(count) - 6;
  }

  private static double[] decode(Ciphertext ct) {
    return F.encoder.decode(F.decryptor.decrypt(ct));
  }

  @Test
  void rotationsNeededAreExactlyThoseUsed() {
    assertThat(LAYOUT.blockSize()).isEqualTo(128);
    assertThat(RotateSum.rotationsNeeded(LAYOUT, Op.FEATURES_RAW))
        .containsExactly(1, 2, 4, 8, 16, 32, 64);
    assertThat(RotateSum.rotationsNeeded(LAYOUT, Op.FEATURES_FIRST))
        .containsExactly(1, 2, 4, 8, 16, 32, 64);
    assertThat(RotateSum.rotationsNeeded(LAYOUT, Op.FEATURES_REPLICATED))
        .containsExactly(-64, -32, -16, -8, -4, -2, -1, 1, 2, 4, 8, 16, 32, 64);
    assertThat(RotateSum.rotationsNeeded(LAYOUT, Op.ROWS)).containsExactly(128, 256, 512, 1024);
    assertThat(RotateSum.rotationsNeeded(LAYOUT, Op.FEATURES_RAW, Op.ROWS)).hasSize(11);
    assertThat(RotateSum.rotationsNeeded(Layout.of(F.params, 4, 1), Op.FEATURES_RAW)).isEmpty();
  }

  @Test
  void featureSumsLandInTheFirstSlotOfEachBlock() {
    for (Placement p : Placement.values()) {
      Ciphertext[] out = sums.sumFeatures(cts, p);
      double[] expected = new double[ROWS];
      double[] got = new double[ROWS];
      for (int r = 0; r < ROWS; r++) {
        for (double x : table[r]) {
          expected[r] += x;
        }
        got[r] = decode(out[LAYOUT.ciphertextOf(r)])[LAYOUT.blockStart(r)];
      }
      PrecisionStats st = PrecisionStats.of(expected, got);
      System.out.println("feature sum " + p + ": " + st);
      assertThat(st.meanBits()).as(p + " " + st).isGreaterThan(floor(FEATURES));
      assertThat(out[0].level()).isEqualTo(cts[0].level() - p.levelCost());
      assertThat(out[0].scale()).isEqualTo(cts[0].scale());
    }
  }

  @Test
  void firstPlacementZeroesTheOtherSlotsAndReplicatedFillsTheBlock() {
    Ciphertext first = sums.sumFeatures(cts[2], Placement.FIRST);
    Ciphertext repl = sums.sumFeatures(cts[2], Placement.REPLICATED);
    double[] f = decode(first);
    double[] rp = decode(repl);
    double[] expFirst = new double[F.slots()];
    double[] expRepl = new double[F.slots()];
    for (int r = 32; r < ROWS; r++) { // the 5 rows of the last ciphertext
      double s = 0;
      for (double x : table[r]) {
        s += x;
      }
      int base = LAYOUT.blockStart(r);
      expFirst[base] = s;
      java.util.Arrays.fill(expRepl, base, base + LAYOUT.blockSize(), s);
    }
    PrecisionStats sf = PrecisionStats.of(expFirst, f);
    PrecisionStats sr = PrecisionStats.of(expRepl, rp);
    System.out.println("all slots, FIRST: " + sf + "; REPLICATED: " + sr);
    assertThat(sf.minBits()).as(sf.toString()).isGreaterThan(floor(FEATURES) - 4);
    assertThat(sr.minBits()).as(sr.toString()).isGreaterThan(floor(FEATURES) - 4);
  }

  @Test
  void rowSumsAreColumnSumsReplicatedInEveryBlock() {
    Ciphertext rows = sums.sumRows(cts[0]); // rows 0..15
    Ciphertext all = sums.sumAllRows(cts); // rows 0..36
    assertThat(rows.level()).isEqualTo(cts[0].level());
    double[] expRows = new double[F.slots()];
    double[] expAll = new double[F.slots()];
    for (int f = 0; f < FEATURES; f++) {
      double s16 = 0;
      double s = 0;
      for (int r = 0; r < ROWS; r++) {
        s += table[r][f];
        s16 += r < 16 ? table[r][f] : 0;
      }
      for (int base = 0; base < F.slots(); base += LAYOUT.blockSize()) {
        expRows[base + f] = s16;
        expAll[base + f] = s;
      }
    }
    PrecisionStats a = PrecisionStats.of(expRows, decode(rows));
    PrecisionStats b = PrecisionStats.of(expAll, decode(all));
    System.out.println("row sums: one ciphertext " + a + "; all ciphertexts " + b);
    assertThat(a.meanBits()).as(a.toString()).isGreaterThan(floor(16));
    assertThat(b.meanBits()).as(b.toString()).isGreaterThan(floor(ROWS));
  }

  @Test
  void sumOfCiphertextsIsSlotWise() {
    Ciphertext s = sums.sumCiphertexts(cts);
    TablePacker p = new TablePacker(F.encoder, LAYOUT);
    double[][] slots = p.toSlots(table);
    double[] exp = new double[F.slots()];
    for (double[] v : slots) {
      for (int j = 0; j < exp.length; j++) {
        exp[j] += v[j];
      }
    }
    assertThat(PrecisionStats.of(exp, decode(s)).meanBits()).isGreaterThan(floor(3));
    assertThatThrownBy(() -> sums.sumCiphertexts()).hasMessageContaining("no ciphertext");
  }

  @Test
  void aMissingRotationKeyIsReportedBeforeAnyWork() {
    RotateSum leftOnly = new RotateSum(
        F.evaluator(RotateSum.rotationsNeeded(LAYOUT, Op.FEATURES_RAW)), F.encoder, LAYOUT);
    Ciphertext before = cts[0].copy();
    assertThatThrownBy(() -> leftOnly.sumFeatures(cts[0], Placement.REPLICATED))
        .isInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by -")
        .hasMessageContaining("feature sum");
    assertThatThrownBy(() -> leftOnly.sumRows(cts[0]))
        .isInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by 128");
    assertThat(cts[0].contentEquals(before)).isTrue();
  }

  @Test
  void maskingAtLevelZeroIsRefusedBeforeAnyWork() {
    Ciphertext low = ev.dropToLevelNew(cts[0], 0);
    assertThatThrownBy(() -> sums.sumFeatures(low, Placement.FIRST))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("level 0");
    assertThat(sums.sumFeatures(low, Placement.RAW).level()).isZero();
  }
}
