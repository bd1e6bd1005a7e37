package dev.veil.he.io;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/** Small insecure parameters, keys and ciphertexts shared by the io tests (made once). */
final class IoFixtures {
  private IoFixtures() {}

  static final Parameters PARAMS =
      Parameters.builder().logN(10).logQ(50, 40, 40).logP(55).securityOff().build();
  /** Same shape, different special prime size: a different digest. */
  static final Parameters OTHER_PARAMS =
      Parameters.builder().logN(10).logQ(50, 40, 40).logP(54).securityOff().build();

  static final HeContext CTX = new HeContext(PARAMS, 1);
  static final HeContext OTHER_CTX = new HeContext(OTHER_PARAMS, 1);

  static final SecretKey SK;
  static final PublicKey PK;
  static final SwitchingKey RELIN;
  static final SwitchingKey GALOIS_5;
  static final SwitchingKey GALOIS_CONJ;
  static final EvaluationKeys EVAL;

  static {
    KeyGenerator kg = new KeyGenerator(CTX);
    SK = kg.secretKey();
    PK = kg.publicKey(SK);
    RELIN = kg.relinearizationKey(SK);
    GALOIS_5 = kg.galoisKey(SK, 5);
    GALOIS_CONJ = kg.galoisKey(SK, 2L * PARAMS.n() - 1);
    EVAL = new EvaluationKeys(PARAMS, RELIN, java.util.List.of(GALOIS_CONJ, GALOIS_5));
  }

  /** A plaintext with uniformly random reduced rows. */
  static Plaintext randomPlaintext(Parameters params, int level, double scale, long seed) {
    Plaintext pt = new Plaintext(params, level, scale);
    Random rnd = new Random(seed);
    for (int i = 0; i <= level; i++) {
      long q = params.q(i);
      long[] row = pt.poly()[i];
      for (int j = 0; j < row.length; j++) {
        row[j] = Math.floorMod(rnd.nextLong(), q);
      }
    }
    return pt;
  }

  /** A degree-2 ciphertext with random rows (as after a multiplication without relinearising). */
  static Ciphertext randomDegree2(int level, long seed) {
    Ciphertext ct = new Ciphertext(PARAMS, 2, level, Math.pow(2, 80));
    Random rnd = new Random(seed);
    for (int p = 0; p <= 2; p++) {
      for (int i = 0; i <= level; i++) {
        long[] row = ct.poly(p)[i];
        for (int j = 0; j < row.length; j++) {
          row[j] = Math.floorMod(rnd.nextLong(), PARAMS.q(i));
        }
      }
    }
    return ct;
  }

  static byte[] bytes(VeilIO.ObjectWriter w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      w.writeTo(out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  static ByteArrayInputStream in(byte[] b) {
    return new ByteArrayInputStream(b);
  }

  static void putI32(byte[] b, int off, int v) {
    for (int i = 0; i < 4; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  static void putI64(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  /**
   * Reads {@code data}; returns null on success, the FormatException otherwise. Any other
   * exception or error fails the test.
   */
  static FormatException readOutcome(byte[] data, VeilIO.ObjectReader<?> reader, String what) {
    try {
      Object o = reader.readFrom(in(data));
      if (o == null) {
        fail(what + ": reader returned null");
      }
      return null;
    } catch (FormatException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        fail(what + ": FormatException without a message");
      }
      return e;
    } catch (Throwable t) {
      throw new AssertionError(what + ": reader threw " + t, t);
    }
  }
}
