package dev.veil.ml.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import org.junit.jupiter.api.Test;

class TablePackerTest {
  private static final HeFixture F = HeFixture.N12;

  private static double[] flat(double[][] t) {
    return java.util.Arrays.stream(t).flatMapToDouble(java.util.Arrays::stream).toArray();
  }

  @Test
  void slotVectorsRoundTripExactlyWithZeroPadding() {
    Layout l = Layout.of(F.params, 37, 100); // block 128, 16 rows per ciphertext, 3 ciphertexts
    TablePacker p = new TablePacker(F.encoder, l);
    double[][] t = HeFixture.table(37, 100, 1);
    double[][] s = p.toSlots(t);
    assertThat(s).hasNumberOfRows(3);
    assertThat(s[2][l.slotOf(36, 99)]).isEqualTo(t[36][99]);
    assertThat(s[0][100]).isZero(); // padding feature
    assertThat(s[2][5 * 128]).isZero(); // padding row (row 37 would start there)
    assertThat(p.fromSlots(s)).isDeepEqualTo(t);
  }

  @Test
  void encryptedTableDecryptsToItselfWithPublicAndSecretKeys() {
    Layout l = Layout.of(F.params, 37, 100);
    TablePacker p = new TablePacker(F.encoder, l);
    double[][] t = HeFixture.table(37, 100, 2);
    for (Encryptor e : new Encryptor[] {F.pkEncryptor, F.skEncryptor}) {
      Ciphertext[] cts = p.encrypt(t, e);
      assertThat(cts).hasSize(3);
      assertThat(cts[0].level()).isEqualTo(F.params.maxLevel());
      PrecisionStats st = PrecisionStats.of(flat(t), flat(p.decrypt(cts, F.decryptor)));
      // fresh encryption: error ~ sqrt(N) * sigma / scale = 2^(6 + 1.7 - 40); allow 6 bits more
      assertThat(st.meanBits()).as(st.toString()).isGreaterThan(40 - 12 / 2.0 - 6);
    }
  }

  @Test
  void replicatedVectorRepeatsInEveryBlockSoProductsAreXijWj() {
    Layout l = Layout.of(HeFixture.N10.params, 10, 5);
    TablePacker p = new TablePacker(HeFixture.N10.encoder, l);
    double[] w = {1, 2, 3, 4, 5};
    double[] s = p.replicatedSlots(w);
    double[][] x = HeFixture.table(10, 5, 3);
    double[][] slots = p.toSlots(x);
    for (int r = 0; r < 10; r++) {
      for (int f = 0; f < 5; f++) {
        int slot = l.slotOf(r, f);
        assertThat(slots[l.ciphertextOf(r)][slot] * s[slot]).isEqualTo(x[r][f] * w[f]);
      }
    }
    assertThat(s[5]).isZero();
    assertThat(s[512 - 8 + 2]).isEqualTo(w[2]);
    assertThat(s[512 - 1]).isZero();
  }

  @Test
  void encryptedReplicatedVectorDecrypts() {
    Layout l = Layout.of(F.params, 5, 3);
    TablePacker p = new TablePacker(F.encoder, l);
    double[] w = {0.5, -0.25, 0.125};
    double[] got = F.encoder.decode(F.decryptor.decrypt(p.encryptReplicated(w, F.pkEncryptor)));
    PrecisionStats st = PrecisionStats.of(p.replicatedSlots(w), got);
    assertThat(st.meanBits()).as(st.toString()).isGreaterThan(40 - 12 / 2.0 - 6);
  }

  @Test
  void tablesOfTheWrongShapeAreRefused() {
    TablePacker p = new TablePacker(F.encoder, Layout.of(F.params, 3, 4));
    assertThatThrownBy(() -> p.toSlots(new double[2][4])).hasMessageContaining("2 rows");
    assertThatThrownBy(() -> p.toSlots(new double[][] {{1, 2, 3, 4}, {1, 2, 3}, {1, 2, 3, 4}}))
        .hasMessageContaining("row 1 has 3 values");
    assertThatThrownBy(() -> p.toSlots(new double[][] {{1, 2, 3, 4}, {1, 2, 3, Double.NaN},
        {1, 2, 3, 4}})).hasMessageContaining("not finite");
    assertThatThrownBy(() -> p.replicatedSlots(new double[3])).hasMessageContaining("3 values");
    assertThatThrownBy(() -> new TablePacker(F.encoder, Layout.of(64, 3, 4)))
        .hasMessageContaining("64 slots");
  }
}
