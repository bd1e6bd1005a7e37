package dev.veil.ml.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.ml.linalg.MatrixVector.Method;
import dev.veil.ml.linalg.MatrixVector.Packing;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Encrypted matrix-vector products against plain ones. Floor as in {@link RotateSumTest}, with the
 * k products of a row summed: mean bits > 40 - log2(N)/2 - log2(k) - 6.
 */
class MatrixVectorTest {

  record Result(double[] expected, double[] actual, Ciphertext[] out, long keySwitches) {}

  private static Result run(HeFixture f, MatrixVector mv, double[][] a, double[] x) {
    Evaluator ev = f.evaluator(mv.rotationsNeeded());
    Ciphertext[] v = mv.encryptVector(x, f.pkEncryptor);
    long before = mv.keySwitchesPerformed();
    Ciphertext[] y = mv.multiply(ev, v);
    long ks = mv.keySwitchesPerformed() - before;
    assertThat(y).hasSize(mv.outputCiphertexts());
    assertThat(y[0].level()).isEqualTo(v[0].level() - 1);
    assertThat(y[0].scale()).isEqualTo(v[0].scale());
    return new Result(MatrixVector.multiplyPlain(a, x), mv.decryptResult(y, f.decryptor), y, ks);
  }

  private static double floor(HeFixture f, int k) {
    return 40 - f.params.logN() / 2.0 - HeFixture.log2(k) - 6;
  }

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of("square 64 x 64", HeFixture.N12, 64, 64, Packing.FIRST_SLOTS),
        Arguments.of("square 64 x 64", HeFixture.N12, 64, 64, Packing.REPLICATED),
        Arguments.of("tall 100 x 30", HeFixture.N12, 100, 30, Packing.REPLICATED),
        Arguments.of("tall 100 x 30", HeFixture.N12, 100, 30, Packing.FIRST_SLOTS),
        Arguments.of("wide 20 x 90", HeFixture.N12, 20, 90, Packing.FIRST_SLOTS),
        Arguments.of("larger than the 512 slots, 700 x 600", HeFixture.N10, 700, 600,
            Packing.FIRST_SLOTS),
        Arguments.of("taller than the 512 slots, 1100 x 200", HeFixture.N10, 1100, 200,
            Packing.REPLICATED));
  }

  @ParameterizedTest(name = "{0}, {4}")
  @MethodSource("shapes")
  void productMatchesPlainArithmetic(String name, HeFixture f, int m, int k, Packing packing) {
    double[][] a = HeFixture.table(m, k, m * 31L + k);
    double[] x = HeFixture.vector(k, 7);
    MatrixVector mv = MatrixVector.of(f.encoder, a, packing);
    Result r = run(f, mv, a, x);
    PrecisionStats st = PrecisionStats.of(r.expected(), r.actual());
    System.out.println(name + ", " + packing + ": " + mv + "; " + st);
    assertThat(st.meanBits()).as(st.toString()).isGreaterThan(floor(f, k));
    assertThat(r.keySwitches()).isEqualTo(mv.keySwitches());
    // slots past m are zero
    double[] last = f.encoder.decode(f.decryptor.decrypt(r.out()[r.out().length - 1]));
    int used = m - (r.out().length - 1) * f.slots();
    for (int j = used; j < f.slots(); j++) {
      assertThat(Math.abs(last[j])).isLessThan(1e-5);
    }
  }

  @Test
  void babyStepGiantStepUsesFarFewerKeySwitchesThanTheNaiveMethod() {
    HeFixture f = HeFixture.N12;
    double[][] a = HeFixture.table(64, 64, 5);
    MatrixVector naive = MatrixVector.of(f.encoder, a, Packing.FIRST_SLOTS, Method.NAIVE);
    MatrixVector hoisted = MatrixVector.of(f.encoder, a, Packing.FIRST_SLOTS, Method.HOISTED);
    MatrixVector bsgs = MatrixVector.of(f.encoder, a, Packing.FIRST_SLOTS, Method.BSGS);
    assertThat(naive.diagonalCount()).isEqualTo(127);
    assertThat(naive.keySwitches()).isEqualTo(126);
    assertThat(naive.decompositions()).isEqualTo(126);
    assertThat(hoisted.keySwitches()).isEqualTo(126);
    assertThat(hoisted.decompositions()).isEqualTo(1);
    // 127 diagonals: B * G >= 127 with (B - 1) + (G - 1) minimal: 21 (e.g. B = 11, G = 12)
    assertThat(bsgs.keySwitches()).isEqualTo(21);
    assertThat(bsgs.rotationsNeeded()).hasSize(21);
    assertThat(bsgs.decompositions()).isEqualTo(1 + bsgs.giantSteps() - 1);
    System.out.println("64 x 64, first slots: naive " + naive.keySwitches() + " key switches ("
        + naive.decompositions() + " decompositions), hoisted " + hoisted.keySwitches() + " ("
        + hoisted.decompositions() + "), BSGS " + bsgs.keySwitches() + " ("
        + bsgs.decompositions() + "), " + bsgs);

    double[] x = HeFixture.vector(64, 8);
    Result rn = run(f, naive, a, x);
    Result rh = run(f, hoisted, a, x);
    Result rb = run(f, bsgs, a, x);
    assertThat(rn.keySwitches()).isEqualTo(126);
    assertThat(rh.keySwitches()).isEqualTo(126);
    assertThat(rb.keySwitches()).isEqualTo(21);
    PrecisionStats hoistedVsPlain = PrecisionStats.of(rn.actual(), rh.actual());
    PrecisionStats bsgsVsPlain = PrecisionStats.of(rb.expected(), rb.actual());
    System.out.println("hoisted vs separate rotations: " + hoistedVsPlain + "; BSGS vs plain: "
        + bsgsVsPlain + "; naive vs plain: " + PrecisionStats.of(rn.expected(), rn.actual()));
    assertThat(hoistedVsPlain.meanBits()).isGreaterThan(floor(f, 64));

    // on the same ciphertext, hoisted and separate rotations give the same values
    Evaluator ev = f.evaluator(naive.rotationsNeeded());
    Ciphertext[] v = naive.encryptVector(x, f.pkEncryptor);
    PrecisionStats same = PrecisionStats.of(naive.decryptResult(naive.multiply(ev, v), f.decryptor),
        hoisted.decryptResult(hoisted.multiply(ev, v), f.decryptor));
    System.out.println("same input, hoisted vs separate rotations: " + same);
    assertThat(same.meanBits()).as(same.toString()).isGreaterThan(floor(f, 64) + 4);
    assertThat(PrecisionStats.of(rh.expected(), rh.actual()).meanBits())
        .isGreaterThan(floor(f, 64));
    assertThat(bsgsVsPlain.meanBits()).isGreaterThan(floor(f, 64));
  }

  @Test
  void zeroDiagonalsAreSkippedForBandedMatrices() {
    HeFixture f = HeFixture.N12;
    int n = 64;
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      a[i][i] = 2;
      if (i > 0) {
        a[i][i - 1] = -1;
      }
      if (i + 1 < n) {
        a[i][i + 1] = -1;
      }
    }
    MatrixVector naive = MatrixVector.of(f.encoder, a, Packing.FIRST_SLOTS, Method.NAIVE);
    assertThat(naive.rotationsNeeded()).containsExactly(-1, 1);
    MatrixVector bsgs = MatrixVector.of(f.encoder, a, Packing.FIRST_SLOTS);
    assertThat(bsgs.keySwitches()).isLessThanOrEqualTo(2);
    double[] x = HeFixture.vector(n, 9);
    Result r = run(f, bsgs, a, x);
    assertThat(PrecisionStats.of(r.expected(), r.actual()).meanBits())
        .isGreaterThan(floor(f, 3));
  }

  @Test
  void aMissingRotationKeyIsReportedBeforeAnyWork() {
    HeFixture f = HeFixture.N12;
    double[][] a = HeFixture.table(16, 16, 4);
    MatrixVector mv = MatrixVector.of(f.encoder, a, Packing.REPLICATED);
    int[] rot = mv.rotationsNeeded();
    Evaluator partial = f.evaluator(java.util.Arrays.copyOf(rot, rot.length - 1));
    Ciphertext[] v = mv.encryptVector(HeFixture.vector(16, 1), f.pkEncryptor);
    assertThatThrownBy(() -> mv.multiply(partial, v))
        .isInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by " + rot[rot.length - 1])
        .hasMessageContaining("matrix-vector product");
    assertThat(mv.keySwitchesPerformed()).isZero();
  }

  @Test
  void misuseIsRefused() {
    HeFixture f = HeFixture.N12;
    assertThatThrownBy(() -> MatrixVector.of(f.encoder, new double[0][0], Packing.FIRST_SLOTS))
        .hasMessageContaining("at least one row");
    assertThatThrownBy(() -> MatrixVector.of(f.encoder, new double[][] {{1, 2}, {3}},
        Packing.FIRST_SLOTS)).hasMessageContaining("row 1 has 1");
    MatrixVector mv = MatrixVector.of(f.encoder, HeFixture.table(4, 4, 1), Packing.FIRST_SLOTS);
    assertThatThrownBy(() -> mv.packVector(new double[3])).hasMessageContaining("4 columns");
    Evaluator ev = f.evaluator(mv.rotationsNeeded());
    Ciphertext[] v = mv.encryptVector(new double[] {1, 2, 3, 4}, f.pkEncryptor);
    assertThatThrownBy(() -> mv.multiply(ev, new Ciphertext[] {v[0], v[0]}))
        .hasMessageContaining("1 ciphertext");
    Ciphertext low = ev.dropToLevelNew(v[0], 0);
    assertThatThrownBy(() -> mv.multiply(ev, low))
        .isInstanceOf(LevelException.class)
        .hasMessageContaining("level 0");
  }

  /**
   * A cyclic slot map given by its diagonals, with pre-encoded plaintexts at a plaintext scale
   * that is not the prime: the product equals the S x S matrix's and lands at {@code v.scale *
   * plainScale / q}.
   */
  @Test
  void diagonalMapWithEncodedPlaintextsMatchesItsMatrix() {
    HeFixture f = HeFixture.N10;
    int s = f.slots();
    java.util.Map<Integer, double[]> diags = new java.util.HashMap<>();
    java.util.Random r = new java.util.Random(5);
    for (int off : new int[] {0, 3, -7, 100, s + 1}) { // s + 1 is offset 1
      double[] d = new double[s];
      for (int j = 0; j < s; j++) {
        d[j] = r.nextGaussian() * 0.3;
      }
      diags.put(off, d);
    }
    diags.put(55, new double[s]); // all zero: skipped
    double[][] m = new double[s][s];
    for (java.util.Map.Entry<Integer, double[]> e : diags.entrySet()) {
      for (int j = 0; j < s; j++) {
        m[j][Math.floorMod(j + e.getKey(), s)] += e.getValue()[j];
      }
    }
    MatrixVector mv = MatrixVector.ofDiagonals(f.encoder, diags, Method.BSGS);
    assertThat(mv.rotationsNeeded()).doesNotContain(55);
    // offsets -7..100 form one range: about 2 sqrt(108) key switches, not a plan over [0, S)
    assertThat(mv.keySwitches()).isLessThanOrEqualTo(8);
    double[] x = HeFixture.vector(s, 9);
    Ciphertext v = f.pkEncryptor.encrypt(f.encoder.encode(x, 1, f.params.defaultScale()));
    double plainScale = f.params.q(1) * 0.75;
    MatrixVector.Encoded enc = mv.encode(1, plainScale);
    assertThat(enc.count()).isEqualTo(5);
    Ciphertext y = mv.multiply(f.evaluator(mv.rotationsNeeded()), new Ciphertext[] {v}, enc)[0];
    assertThat(y.scale()).isCloseTo(v.scale() * 0.75, org.assertj.core.data.Offset.offset(1e-3));
    double[] got = f.encoder.decode(f.decryptor.decrypt(y));
    double[] want = MatrixVector.multiplyPlain(m, x);
    PrecisionStats st = PrecisionStats.of(want, got);
    assertThat(st.meanBits()).as(st.toString()).isGreaterThan(floor(f, 5));
  }
}
