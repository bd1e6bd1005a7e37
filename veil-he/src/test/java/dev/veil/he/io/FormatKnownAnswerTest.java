package dev.veil.he.io;

import static dev.veil.he.io.IoFixtures.CTX;
import static dev.veil.he.io.IoFixtures.PARAMS;
import static dev.veil.he.io.IoFixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the bytes of every object type in every form: objects with fixed
 * pseudo-random contents (no key generation, so nothing depends on the JDK's secure random)
 * written and hashed with SHA-256. The pinned digests are those of format version 1, taken with
 * the single-class writer that came before the codecs (commit a68cb87): version 2 is version 1
 * with the version field set to 2 and a SHA-256 trailer appended, so each version-2 encoding,
 * less its trailer and with its version set back to 1, must hash to the pinned value, and its
 * trailer must be the SHA-256 of the bytes before it. A change to any byte of any body fails here,
 * whatever the reader accepts.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FormatKnownAnswerTest {
  private static final Map<String, String> PINNED = Map.ofEntries(
      Map.entry("plaintext",
          "c67c9482e31bc769ac5f051e89dfd51e4c858b8d1f4e0b6425e246f3fe5b0e65"),
      Map.entry("ciphertext auto",
          "85efb1f152d54ed2b310b5525c7b25cdb97a6ebe1d0f649f33ef658e10f36b5d"),
      Map.entry("ciphertext full",
          "8bb0bf4ce37d63d5c79ac6a216531338d243d149c57ba6b475875876f8ff90a5"),
      Map.entry("ciphertext degree 2",
          "0c761a692a750001c3dbb59a99fc57061bb1b3d205ba86fda1dcbba3ae61eb5f"),
      Map.entry("public key auto",
          "91ead6014ffc21e564611cd9771b0ffd816e6491c6834b3087eba27bc32c1e6f"),
      Map.entry("public key full",
          "2d57bc4fdeddf4e5a01c19037dafcf5f5079b8e077e212b53659d11aca3386ee"),
      Map.entry("galois key auto",
          "eafb83b180ee76cfbf65cdee5079baaacb34e006721b4a1bed68398c7a7f501f"),
      Map.entry("galois key full",
          "fcbc968b014c9c1dd32065b1d0f3f0a9bce6f50ed1ca86a71c64f732467a1a62"),
      Map.entry("relinearisation key",
          "fa1793899f54d8ac686ed402fab477fc54dd3f606bcd51c8751e11a9248760fb"),
      Map.entry("evaluation keys auto",
          "aaca26780da75347ffead2208c92b269789d137066422b46c8df768ad902f460"),
      Map.entry("evaluation keys full",
          "4ea27cae0561400101f582ce74cc33da063653cfecb749c93262530fbe6d3bda"),
      Map.entry("secret key",
          "5f25c25d685c09d130635d93545160466ac6c62ade4676ab624715054f4bfc0f"));

  private static long[][] rows(Random rnd, int count, boolean allPrimes) {
    long[] primes = PARAMS.allPrimes();
    long[][] p = new long[count][PARAMS.n()];
    for (int i = 0; i < count; i++) {
      long q = allPrimes ? primes[i] : PARAMS.q(i);
      for (int j = 0; j < PARAMS.n(); j++) {
        p[i][j] = Math.floorMod(rnd.nextLong(), q);
      }
    }
    return p;
  }

  private static byte[] seed(Random rnd) {
    byte[] s = new byte[32];
    rnd.nextBytes(s);
    return s;
  }

  private static SwitchingKey key(Random rnd, long galois, boolean withSeed) {
    int all = PARAMS.qCount() + PARAMS.pCount();
    long[][][] b = new long[PARAMS.dnum()][][];
    long[][][] a = new long[PARAMS.dnum()][][];
    for (int j = 0; j < b.length; j++) {
      b[j] = rows(rnd, all, true);
      a[j] = rows(rnd, all, true);
    }
    return new SwitchingKey(PARAMS, galois, b, a, withSeed ? seed(rnd) : null);
  }

  /** Every encoding, by name; the objects are the same on every run. */
  static Map<String, byte[]> encodings() {
    Random rnd = new Random(20240611L);
    Map<String, byte[]> e = new LinkedHashMap<>();
    var pt = IoFixtures.randomPlaintext(PARAMS, 2, Math.pow(2, 40), 11);
    e.put("plaintext", bytes(out -> VeilIO.write(out, pt)));
    Ciphertext ct = new Ciphertext(PARAMS, 1, 1, Math.pow(2, 40));
    for (int p = 0; p <= 1; p++) {
      long[][] r = rows(rnd, 2, false);
      for (int i = 0; i < 2; i++) {
        System.arraycopy(r[i], 0, ct.poly(p)[i], 0, PARAMS.n());
      }
    }
    ct.setSeed(seed(rnd));
    e.put("ciphertext auto", bytes(out -> VeilIO.write(out, ct)));
    e.put("ciphertext full", bytes(out -> VeilIO.write(out, ct, VeilIO.Form.FULL)));
    Ciphertext ct2 = IoFixtures.randomDegree2(2, 12);
    e.put("ciphertext degree 2", bytes(out -> VeilIO.write(out, ct2)));
    int all = PARAMS.qCount() + PARAMS.pCount();
    PublicKey pk = new PublicKey(PARAMS, rows(rnd, all, true), rows(rnd, all, true), seed(rnd));
    e.put("public key auto", bytes(out -> VeilIO.write(out, pk)));
    e.put("public key full", bytes(out -> VeilIO.write(out, pk, VeilIO.Form.FULL)));
    SwitchingKey galois = key(rnd, 5, true);
    e.put("galois key auto", bytes(out -> VeilIO.write(out, galois)));
    e.put("galois key full", bytes(out -> VeilIO.write(out, galois, VeilIO.Form.FULL)));
    SwitchingKey relin = key(rnd, 0, false);
    e.put("relinearisation key", bytes(out -> VeilIO.write(out, relin)));
    EvaluationKeys keys = new EvaluationKeys(PARAMS, relin, List.of(galois));
    e.put("evaluation keys auto", bytes(out -> VeilIO.write(out, keys)));
    e.put("evaluation keys full", bytes(out -> VeilIO.write(out, keys, VeilIO.Form.FULL)));
    byte[] s = new byte[PARAMS.n()];
    for (int j = 0; j < s.length; j++) {
      s[j] = (byte) (rnd.nextInt(3) - 1);
    }
    SecretKey sk = SecretKey.fromCoefficients(CTX, s);
    e.put("secret key",
        bytes(out -> VeilIO.writeSecretKey(out, sk, SecretKeyAccess.INSECURE)));
    return e;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void every_object_type_and_form_writes_the_pinned_bytes() {
    Map<String, byte[]> encodings = encodings();
    assertThat(encodings.keySet()).containsExactlyInAnyOrderElementsOf(PINNED.keySet());
    for (Map.Entry<String, byte[]> e : encodings.entrySet()) {
      byte[] v2 = e.getValue();
      assertThat(v2[4]).as(e.getKey() + " version").isEqualTo((byte) 2);
      assertThat(v2[5]).isZero();
      byte[] body = Arrays.copyOf(v2, v2.length - 32);
      assertThat(HexFormat.of().formatHex(v2, v2.length - 32, v2.length))
          .as(e.getKey() + " trailer").isEqualTo(sha256(body));
      byte[] v1 = body.clone();
      v1[4] = 1;
      assertThat(sha256(v1)).as(e.getKey()).isEqualTo(PINNED.get(e.getKey()));
    }
  }
}
