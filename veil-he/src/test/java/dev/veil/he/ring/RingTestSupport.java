package dev.veil.he.ring;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.SplittableRandom;

/** Reference arithmetic and deterministic randomness shared by the ring tests. */
final class RingTestSupport {
  private RingTestSupport() {}

  static BigInteger big(long x) {
    return BigInteger.valueOf(x);
  }

  /** {@code a * b mod q} computed with big integers. */
  static long mulRef(long a, long b, long q) {
    return big(a).multiply(big(b)).mod(big(q)).longValueExact();
  }

  /** {@code x mod q} in [0, q) for any signed x, computed with big integers. */
  static long modRef(long x, long q) {
    return big(x).mod(big(q)).longValueExact();
  }

  /** Uniform in [0, bound). */
  static long uniform(SplittableRandom rnd, long bound) {
    return rnd.nextLong(bound);
  }

  static long[] uniformRow(SplittableRandom rnd, int n, long q) {
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = rnd.nextLong(q);
    }
    return r;
  }

  static long[][] uniformPoly(SplittableRandom rnd, RingContext ring, int[] mods) {
    long[][] p = new long[mods.length][];
    for (int i = 0; i < mods.length; i++) {
      p[i] = uniformRow(rnd, ring.n, ring.modulus(mods[i]).q);
    }
    return p;
  }

  static long[][] deepCopy(long[][] p) {
    long[][] c = new long[p.length][];
    for (int i = 0; i < p.length; i++) {
      c[i] = p[i].clone();
    }
    return c;
  }

  /** Negacyclic product of two coefficient vectors mod q, by the schoolbook formula. */
  static long[] schoolbookNegacyclic(long[] a, long[] b, long q) {
    int n = a.length;
    BigInteger[] ba = new BigInteger[n];
    BigInteger[] bb = new BigInteger[n];
    for (int i = 0; i < n; i++) {
      ba[i] = big(a[i]);
      bb[i] = big(b[i]);
    }
    BigInteger[] acc = new BigInteger[n];
    java.util.Arrays.fill(acc, BigInteger.ZERO);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        BigInteger prod = ba[i].multiply(bb[j]);
        int k = i + j;
        if (k < n) {
          acc[k] = acc[k].add(prod);
        } else {
          acc[k - n] = acc[k - n].subtract(prod);
        }
      }
    }
    long[] out = new long[n];
    BigInteger bq = big(q);
    for (int k = 0; k < n; k++) {
      out[k] = acc[k].mod(bq).longValueExact();
    }
    return out;
  }

  /**
   * A {@link SecureRandom} whose bytes come from a seeded {@link SplittableRandom}, so that the
   * samplers (which only take a SecureRandom) become reproducible in tests.
   */
  static final class SeededSecureRandom extends SecureRandom {
    private static final long serialVersionUID = 1L;
    private final SplittableRandom rnd;

    SeededSecureRandom(long seed) {
      this.rnd = new SplittableRandom(seed);
    }

    @Override
    public void nextBytes(byte[] bytes) {
      rnd.nextBytes(bytes);
    }
  }
}
