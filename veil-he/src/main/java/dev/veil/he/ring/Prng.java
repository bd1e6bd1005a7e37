package dev.veil.he.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Expandable randomness: the AES-256-CTR key stream of a 32-byte seed. The same seed and stream
 * index always give the same words, so a uniform polynomial can travel as its seed.
 *
 * <p>Not thread-safe; one instance per stream.
 */
public final class Prng {
  public static final int SEED_BYTES = 32;
  private static final int BUFFER = 8192;
  /** Reads 8 key-stream bytes as one little-endian word (one load instead of 8). */
  private static final VarHandle WORD =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final Cipher cipher;
  private final byte[] zeros = new byte[BUFFER];
  private final byte[] buf = new byte[BUFFER];
  private int pos = BUFFER;

  /**
   * @param seed 32 bytes
   * @param stream index of an independent stream under the same seed (goes into the IV)
   */
  public Prng(byte[] seed, long stream) {
    if (seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("seed must be " + SEED_BYTES + " bytes");
    }
    byte[] iv = new byte[16];
    for (int i = 0; i < 8; i++) {
      iv[i] = (byte) (stream >>> (8 * i));
    }
    try {
      cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(seed, "AES"), new IvParameterSpec(iv));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-CTR is not available in this JDK", e);
    }
  }

  /** A fresh 32-byte seed from {@link SecureRandom}. */
  public static byte[] freshSeed(SecureRandom random) {
    byte[] s = new byte[SEED_BYTES];
    random.nextBytes(s);
    return s;
  }

  private void refill() {
    try {
      int produced = cipher.update(zeros, 0, BUFFER, buf, 0);
      if (produced != BUFFER) {
        throw new IllegalStateException("short AES-CTR output");
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    pos = 0;
  }

  public long nextLong() {
    if (pos > BUFFER - 8) {
      refill();
    }
    long v = (long) WORD.get(buf, pos);
    pos += 8;
    return v;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  public double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound) by rejection, bound > 0. */
  public int nextInt(int bound) {
    int mask = -1 >>> Integer.numberOfLeadingZeros(bound - 1 | 1);
    while (true) {
      int v = (int) nextLong() & mask;
      if (v < bound) {
        return v;
      }
    }
  }

  /** Fills {@code out} with values uniform in [0, q), by rejection on bit-masked words. */
  public void fillUniform(long[] out, long q) {
    long mask = -1L >>> Long.numberOfLeadingZeros(q);
    int j = 0;
    while (j < out.length) {
      if (pos > BUFFER - 8) {
        refill();
      }
      // the words of the buffer in order, as nextLong() would hand them out
      int p = pos;
      while (p <= BUFFER - 8 && j < out.length) {
        long v = (long) WORD.get(buf, p) & mask;
        p += 8;
        if (v < q) {
          out[j++] = v;
        }
      }
      pos = p;
    }
  }
}
