package dev.veil.he.io;

import static dev.veil.he.io.IoFixtures.CTX;
import static dev.veil.he.io.IoFixtures.EVAL;
import static dev.veil.he.io.IoFixtures.GALOIS_5;
import static dev.veil.he.io.IoFixtures.PARAMS;
import static dev.veil.he.io.IoFixtures.PK;
import static dev.veil.he.io.IoFixtures.RELIN;
import static dev.veil.he.io.IoFixtures.SK;
import static dev.veil.he.io.IoFixtures.bytes;
import static dev.veil.he.io.IoFixtures.in;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.veil.he.io.VeilIO.Form;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;

class VeilIORoundTripTest {

  @Test
  void parametersRoundTrip() throws Exception {
    byte[] b = bytes(out -> VeilIO.write(out, PARAMS));
    assertThat((long) b.length).isEqualTo(VeilIO.serializedSize(PARAMS));
    Parameters back = VeilIO.readParameters(in(b));
    assertThat(back).isEqualTo(PARAMS);
    assertThat(back.literal()).isEqualTo(PARAMS.literal());
    assertThat(back.allPrimes()).containsExactly(PARAMS.allPrimes());
  }

  @Test
  void hammingWeightParametersRoundTrip() throws Exception {
    Parameters p = Parameters.builder().logN(10).logQ(50, 40).logP(50).hammingWeightSecret(64)
        .sigma(3.5).dnum(2).logDefaultScale(38.5).securityOff().build();
    Parameters back = VeilIO.readParameters(in(bytes(out -> VeilIO.write(out, p))));
    assertThat(back).isEqualTo(p);
    assertThat(back.literal()).isEqualTo(p.literal());
    try (HeContext ctx = new HeContext(p, 1)) {
      SecretKey sk = new KeyGenerator(ctx).secretKey();
      SecretKey skBack = VeilIO.readSecretKey(
          in(bytes(out -> VeilIO.writeSecretKey(out, sk, SecretKeyAccess.INSECURE))), ctx);
      assertThat(skBack.coefficients(SecretKeyAccess.INSECURE))
          .containsExactly(sk.coefficients(SecretKeyAccess.INSECURE));
    }
  }

  @Test
  void secureLogN12RoundTrip() throws Exception {
    Parameters p = Parameters.builder().logN(12).logQ(40, 30).logP(38).build();
    assertThat(p.securityOff()).isFalse();
    assertThat(VeilIO.readParameters(in(bytes(out -> VeilIO.write(out, p))))).isEqualTo(p);
    try (HeContext ctx = new HeContext(p, 1)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      Ciphertext ct = Encryptor.withSecretKey(ctx, sk)
          .encrypt(IoFixtures.randomPlaintext(p, 1, p.defaultScale(), 12));
      byte[] b = bytes(out -> VeilIO.write(out, ct));
      assertThat((long) b.length).isEqualTo(VeilIO.ciphertextSize(p, 1, 1, true));
      Ciphertext back = VeilIO.readCiphertext(in(b), ctx);
      assertThat(back.contentEquals(ct)).isTrue();
      SwitchingKey rk = kg.relinearizationKey(sk);
      SwitchingKey rkBack = VeilIO.readSwitchingKey(in(bytes(out -> VeilIO.write(out, rk))), ctx);
      assertSameKey(rkBack, rk);
    }
  }

  @Test
  void plaintextRoundTripAtEveryLevel() throws Exception {
    for (int level = 0; level <= PARAMS.maxLevel(); level++) {
      Plaintext pt = IoFixtures.randomPlaintext(PARAMS, level, Math.pow(2, 40.25), level);
      byte[] b = bytes(out -> VeilIO.write(out, pt));
      assertThat((long) b.length).isEqualTo(VeilIO.serializedSize(pt));
      Plaintext back = VeilIO.readPlaintext(in(b), PARAMS);
      assertThat(back.level()).isEqualTo(level);
      assertThat(back.scale()).isEqualTo(pt.scale());
      assertThat(Arrays.deepEquals(
              Arrays.copyOf(back.poly(), level + 1), Arrays.copyOf(pt.poly(), level + 1)))
          .isTrue();
    }
  }

  @Test
  void publicKeyCiphertextRoundTrip() throws Exception {
    Ciphertext ct = Encryptor.withPublicKey(CTX, PK)
        .encrypt(IoFixtures.randomPlaintext(PARAMS, 2, PARAMS.defaultScale(), 1));
    assertThat(ct.seed()).isNull();
    byte[] b = bytes(out -> VeilIO.write(out, ct));
    assertThat((long) b.length).isEqualTo(VeilIO.serializedSize(ct));
    Ciphertext back = VeilIO.readCiphertext(in(b), CTX);
    assertThat(back.contentEquals(ct)).isTrue();
    assertThat(back.seed()).isNull();
    assertThat(VeilIO.checkCiphertext(in(b), PARAMS)).isEqualTo(
        new VeilIO.CiphertextShape(ct.degree(), ct.level(), ct.scale(), false, b.length));
    assertThatThrownBy(() -> VeilIO.write(new ByteArrayOutputStream(), ct, Form.SEEDED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no seed");
  }

  @Test
  void seededCiphertextRoundTripAndIsSmaller() throws Exception {
    for (int level = 0; level <= PARAMS.maxLevel(); level++) {
      Ciphertext ct = Encryptor.withSecretKey(CTX, SK)
          .encrypt(IoFixtures.randomPlaintext(PARAMS, level, PARAMS.defaultScale(), level));
      assertThat(ct.seed()).isNotNull();
      byte[] seeded = bytes(out -> VeilIO.write(out, ct));
      byte[] full = bytes(out -> VeilIO.write(out, ct, Form.FULL));
      assertThat((long) seeded.length).isEqualTo(VeilIO.serializedSize(ct));
      assertThat((long) full.length).isEqualTo(VeilIO.serializedSize(ct, Form.FULL));
      assertThat(seeded.length).isLessThan(full.length / 2 + 100);
      Ciphertext a = VeilIO.readCiphertext(in(seeded), CTX);
      Ciphertext f = VeilIO.readCiphertext(in(full), CTX);
      assertThat(a.contentEquals(ct)).isTrue();
      assertThat(f.contentEquals(ct)).isTrue();
      assertThat(a.seed()).containsExactly(ct.seed());
      assertThat(f.seed()).isNull();
      // a seeded ciphertext read back is written seeded again, identically
      assertThat(bytes(out -> VeilIO.write(out, a))).containsExactly(seeded);
    }
  }

  @Test
  void degree2CiphertextRoundTrip() throws Exception {
    Ciphertext ct = IoFixtures.randomDegree2(1, 7);
    byte[] b = bytes(out -> VeilIO.write(out, ct));
    assertThat((long) b.length).isEqualTo(VeilIO.ciphertextSize(PARAMS, 2, 1, false));
    Ciphertext back = VeilIO.readCiphertext(in(b), CTX);
    assertThat(back.degree()).isEqualTo(2);
    assertThat(back.contentEquals(ct)).isTrue();
    // a degree-2 ciphertext can neither be marked seeded nor written in seeded form
    assertThatThrownBy(() -> ct.setSeed(new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> VeilIO.write(new ByteArrayOutputStream(), ct, Form.SEEDED))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(bytes(out -> VeilIO.write(out, ct))).containsExactly(b); // AUTO: full
  }

  @Test
  void decryptionSurvivesRoundTripOfKeysAndCiphertexts() throws Exception {
    SecretKey sk = VeilIO.readSecretKey(
        in(bytes(out -> VeilIO.writeSecretKey(out, SK, SecretKeyAccess.INSECURE))), CTX);
    PublicKey pk = VeilIO.readPublicKey(in(bytes(out -> VeilIO.write(out, PK))), CTX);
    Plaintext pt = IoFixtures.randomPlaintext(PARAMS, 2, PARAMS.defaultScale(), 3);
    Ciphertext ct = Encryptor.withPublicKey(CTX, pk).encrypt(pt);
    Ciphertext ct2 = VeilIO.readCiphertext(in(bytes(out -> VeilIO.write(out, ct))), CTX);
    Plaintext d1 = new Decryptor(CTX, SK).decrypt(ct2);
    Plaintext d2 = new Decryptor(CTX, sk).decrypt(ct2);
    assertThat(Arrays.deepEquals(d1.poly(), d2.poly())).isTrue();
  }

  @Test
  void secretKeyRoundTrip() throws Exception {
    byte[] b = bytes(out -> VeilIO.writeSecretKey(out, SK, SecretKeyAccess.INSECURE));
    assertThat((long) b.length).isEqualTo(VeilIO.secretKeySize(PARAMS));
    assertThat(b.length).isEqualTo(8 + 32 + 4 + PARAMS.n() / 4 + 32);
    SecretKey back = VeilIO.readSecretKey(in(b), CTX);
    assertThat(back.coefficients(SecretKeyAccess.INSECURE))
        .containsExactly(SK.coefficients(SecretKeyAccess.INSECURE));
  }

  @Test
  void publicKeyRoundTripBothForms() throws Exception {
    byte[] seeded = bytes(out -> VeilIO.write(out, PK));
    byte[] full = bytes(out -> VeilIO.write(out, PK, Form.FULL));
    assertThat((long) seeded.length).isEqualTo(VeilIO.publicKeySize(PARAMS, true));
    assertThat((long) full.length).isEqualTo(VeilIO.serializedSize(PK, Form.FULL));
    assertThat(seeded.length).isLessThan(full.length / 2 + 100);
    for (byte[] b : List.of(seeded, full)) {
      PublicKey back = VeilIO.readPublicKey(in(b), CTX);
      assertThat(Arrays.deepEquals(back.b(), PK.b())).isTrue();
      assertThat(Arrays.deepEquals(back.a(), PK.a())).isTrue();
    }
    assertThat(VeilIO.readPublicKey(in(seeded), CTX).seed()).containsExactly(PK.seed());
    assertThat(VeilIO.readPublicKey(in(full), CTX).seed()).isNull();
  }

  @Test
  void switchingKeysRoundTripBothForms() throws Exception {
    for (SwitchingKey k : List.of(RELIN, GALOIS_5)) {
      byte[] seeded = bytes(out -> VeilIO.write(out, k));
      byte[] full = bytes(out -> VeilIO.write(out, k, Form.FULL));
      assertThat((long) seeded.length).isEqualTo(VeilIO.serializedSize(k));
      assertThat((long) full.length).isEqualTo(VeilIO.switchingKeySize(PARAMS, false));
      assertThat(seeded.length).isLessThan(full.length / 2 + 100);
      SwitchingKey s = VeilIO.readSwitchingKey(in(seeded), CTX);
      SwitchingKey f = VeilIO.readSwitchingKey(in(full), CTX);
      assertSameKey(s, k);
      assertSameKey(f, k);
      assertThat(s.seed()).containsExactly(k.seed());
      assertThat(f.seed()).isNull();
    }
  }

  @Test
  void evaluationKeysRoundTrip() throws Exception {
    for (Form form : Form.values()) {
      byte[] b = bytes(out -> VeilIO.write(out, EVAL, form));
      assertThat((long) b.length).isEqualTo(VeilIO.serializedSize(EVAL, form));
      EvaluationKeys back = VeilIO.readEvaluationKeys(in(b), CTX);
      assertSameKey(back.relinearizationKey(), RELIN);
      assertThat(back.galoisKeys().keySet()).containsExactlyElementsOf(EVAL.galoisKeys().keySet());
      for (long g : EVAL.galoisKeys().keySet()) {
        assertSameKey(back.galoisKey(g, "test"), EVAL.galoisKey(g, "test"));
      }
    }
    // a mixed set: one key without its seed, written AUTO
    SwitchingKey unseeded = new SwitchingKey(PARAMS, GALOIS_5.galoisElement(),
        keyB(GALOIS_5), keyA(GALOIS_5), null);
    EvaluationKeys mixed = new EvaluationKeys(PARAMS, RELIN, List.of(unseeded));
    byte[] b = bytes(out -> VeilIO.write(out, mixed));
    assertThat((long) b.length).isEqualTo(VeilIO.serializedSize(mixed));
    EvaluationKeys back = VeilIO.readEvaluationKeys(in(b), CTX);
    assertThat(back.relinearizationKey().seed()).isNotNull();
    assertThat(back.galoisKey(5, "test").seed()).isNull();
    assertSameKey(back.galoisKey(5, "test"), GALOIS_5);
    assertThatThrownBy(() -> VeilIO.write(new ByteArrayOutputStream(), mixed, Form.SEEDED))
        .isInstanceOf(IllegalArgumentException.class);
    // empty set
    EvaluationKeys empty = EvaluationKeys.empty(PARAMS);
    EvaluationKeys emptyBack =
        VeilIO.readEvaluationKeys(in(bytes(out -> VeilIO.write(out, empty))), CTX);
    assertThat(emptyBack.hasRelinearizationKey()).isFalse();
    assertThat(emptyBack.galoisKeys()).isEmpty();
  }

  @Test
  void scanningAnEvaluationKeySetVisitsEachKeyInOrderAndConsumesExactlyTheSet() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VeilIO.write(out, EVAL);
    VeilIO.write(out, PARAMS);
    ByteArrayInputStream in = in(out.toByteArray());
    List<Long> elements = new java.util.ArrayList<>();
    int count = VeilIO.scanEvaluationKeys(in, CTX, k -> {
      elements.add(k.galoisElement());
      SwitchingKey expected = k.galoisElement() == 0 ? RELIN : EVAL.galoisKey(k.galoisElement(), "test");
      assertSameKey(k, expected);
    });
    assertThat(count).isEqualTo(3);
    assertThat(elements).containsExactly(0L, 5L, 2L * PARAMS.n() - 1);
    assertThat(VeilIO.readParameters(in)).isEqualTo(PARAMS);
    // a visitor that throws stops the scan
    assertThatThrownBy(() -> VeilIO.scanEvaluationKeys(in(bytes(o -> VeilIO.write(o, EVAL))), CTX,
        k -> {
          throw new java.io.IOException("stop at " + k.galoisElement());
        })).hasMessage("stop at 0");
  }

  @Test
  void objectsFollowEachOtherOnOneStream() throws Exception {
    Ciphertext ct = Encryptor.withSecretKey(CTX, SK)
        .encrypt(IoFixtures.randomPlaintext(PARAMS, 1, PARAMS.defaultScale(), 5));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    VeilIO.write(out, PARAMS);
    VeilIO.write(out, ct);
    VeilIO.write(out, PK);
    VeilIO.write(out, EVAL);
    VeilIO.write(out, ct, Form.FULL);
    ByteArrayInputStream in = in(out.toByteArray());
    assertThat(VeilIO.readParameters(in)).isEqualTo(PARAMS);
    assertThat(VeilIO.readCiphertext(in, CTX).contentEquals(ct)).isTrue();
    assertThat(Arrays.deepEquals(VeilIO.readPublicKey(in, CTX).b(), PK.b())).isTrue();
    assertThat(VeilIO.readEvaluationKeys(in, CTX).galoisKeys()).hasSize(2);
    assertThat(VeilIO.readCiphertext(in, CTX).contentEquals(ct)).isTrue();
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void writerRejectsUnreducedCoefficients() {
    Plaintext pt = IoFixtures.randomPlaintext(PARAMS, 0, 1.0, 9);
    pt.poly()[0][17] = PARAMS.q(0);
    assertThatThrownBy(() -> VeilIO.write(new ByteArrayOutputStream(), pt))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not reduced");
    pt.poly()[0][17] = -1;
    assertThatThrownBy(() -> VeilIO.write(new ByteArrayOutputStream(), pt))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void packingUsesExactlyTheBitLengthOfEachPrime() {
    long rows = 0;
    for (int i = 0; i <= 2; i++) {
      rows += (long) PARAMS.n() * (64 - Long.numberOfLeadingZeros(PARAMS.q(i))) / 8;
    }
    assertThat(rows).isEqualTo(PARAMS.n() * (50 + 40 + 40) / 8);
    assertThat(VeilIO.ciphertextSize(PARAMS, 1, 2, false)).isEqualTo(56 + 2 * rows + 32);
    assertThat(VeilIO.ciphertextSize(PARAMS, 1, 2, true)).isEqualTo(56 + 32 + rows + 32);
  }

  /** Sizes at N = 2^13, Q = {60, 40, 40}, P = {61}, against SEAL's at N = 2^13. */
  @Test
  void sizesAtLogN13AreWellUnderSeal() {
    Parameters p = Parameters.builder().logN(13).logQ(60, 40, 40).logP(61).build();
    long ct = VeilIO.ciphertextSize(p, 1, p.maxLevel(), false);
    long seededCt = VeilIO.ciphertextSize(p, 1, p.maxLevel(), true);
    long pk = VeilIO.publicKeySize(p, false);
    long seededPk = VeilIO.publicKeySize(p, true);
    long rk = VeilIO.switchingKeySize(p, false);
    long seededRk = VeilIO.switchingKeySize(p, true);
    assertThat(p.dnum()).isEqualTo(3); // sizes include the 32-byte SHA-256 trailer
    assertThat(ct).isEqualTo(286_808);
    assertThat(seededCt).isEqualTo(143_480);
    assertThat(pk).isEqualTo(411_724);
    assertThat(seededPk).isEqualTo(205_932);
    assertThat(rk).isEqualTo(1_235_032);
    assertThat(seededRk).isEqualTo(617_592);
    assertThat(ct).isLessThan(393_329);
    assertThat(seededCt).isLessThan(196_802);
    assertThat(pk).isLessThan(524_401);
    assertThat(seededPk).isLessThan(262_338);
    assertThat(rk).isLessThan(1_573_267);
    assertThat(seededRk).isLessThan(787_078);
  }

  static void assertSameKey(SwitchingKey actual, SwitchingKey expected) {
    assertThat(actual.galoisElement()).isEqualTo(expected.galoisElement());
    assertThat(actual.digits()).isEqualTo(expected.digits());
    assertThat(Arrays.deepEquals(keyB(actual), keyB(expected))).isTrue();
    assertThat(Arrays.deepEquals(keyA(actual), keyA(expected))).isTrue();
  }

  static long[][][] keyB(SwitchingKey k) {
    long[][][] b = new long[k.digits()][][];
    for (int j = 0; j < b.length; j++) {
      b[j] = k.b(j);
    }
    return b;
  }

  static long[][][] keyA(SwitchingKey k) {
    long[][][] a = new long[k.digits()][][];
    for (int j = 0; j < a.length; j++) {
      a[j] = k.a(j);
    }
    return a;
  }

  @Test
  void checkingAnEvaluationKeySetReportsItsKeysAndSizeWithoutBuildingThem() throws IOException {
    for (Form form : new Form[] {Form.AUTO, Form.FULL}) {
      byte[] data = IoFixtures.bytes(o -> VeilIO.write(o, IoFixtures.EVAL, form));
      VeilIO.EvaluationKeysShape shape =
          VeilIO.checkEvaluationKeys(IoFixtures.in(data), IoFixtures.PARAMS);
      assertThat(shape.relinearization()).isTrue();
      assertThat(shape.galoisElements())
          .containsExactly(5L, 2L * IoFixtures.PARAMS.n() - 1);
      assertThat(shape.bytes()).isEqualTo(data.length);
    }
  }
}
