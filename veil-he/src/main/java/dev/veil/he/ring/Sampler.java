package dev.veil.he.ring;

import java.security.SecureRandom;

/**
 * Secret and error distributions. Every sampler draws its randomness from a fresh AES-CTR stream
 * keyed with 32 bytes taken from the caller's {@link SecureRandom} (a standard deterministic
 * random bit generator construction), so secrets never come from a predictable source.
 */
public final class Sampler {
  private Sampler() {}

  /** Uniform ternary coefficients in {-1, 0, 1}, each with probability 1/3. */
  public static byte[] ternary(int n, SecureRandom random) {
    Prng prng = new Prng(Prng.freshSeed(random), 0);
    byte[] s = new byte[n];
    for (int i = 0; i < n; i++) {
      s[i] = (byte) (prng.nextInt(3) - 1);
    }
    return s;
  }

  /** Exactly {@code h} nonzero coefficients, each +-1 with probability 1/2, at uniform positions. */
  public static byte[] hammingWeight(int n, int h, SecureRandom random) {
    if (h < 1 || h > n) {
      throw new IllegalArgumentException("Hamming weight must be in [1, N], got " + h);
    }
    Prng prng = new Prng(Prng.freshSeed(random), 0);
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    byte[] s = new byte[n];
    for (int i = 0; i < h; i++) { // partial Fisher-Yates
      int j = i + prng.nextInt(n - i);
      int t = idx[i];
      idx[i] = idx[j];
      idx[j] = t;
      s[idx[i]] = (byte) ((prng.nextLong() & 1) == 0 ? 1 : -1);
    }
    return s;
  }

  /**
   * Rounded Gaussian of standard deviation {@code sigma}, resampled beyond {@code 6 sigma}; Box-
   * Muller over the stream's 53-bit uniforms.
   */
  public static long[] gaussian(int n, double sigma, SecureRandom random) {
    Prng prng = new Prng(Prng.freshSeed(random), 0);
    long[] e = new long[n];
    double bound = 6 * sigma;
    int i = 0;
    while (i < n) {
      double u1 = prng.nextDouble();
      double u2 = prng.nextDouble();
      if (u1 <= 0) {
        continue;
      }
      double rad = sigma * Math.sqrt(-2 * Math.log(u1));
      double z0 = rad * Math.cos(2 * Math.PI * u2);
      double z1 = rad * Math.sin(2 * Math.PI * u2);
      if (Math.abs(z0) <= bound) {
        e[i++] = Math.round(z0);
      }
      if (i < n && Math.abs(z1) <= bound) {
        e[i++] = Math.round(z1);
      }
    }
    return e;
  }

  /** Writes the small signed coefficients into rows {@code mods} of {@code out}. */
  public static void toRns(RingContext ring, long[] small, long[][] out, int[] mods) {
    ring.parallelFor(
        mods.length,
        i -> {
          Modulus m = ring.modulus(mods[i]);
          long q = m.q;
          long[] row = out[i];
          for (int j = 0; j < small.length; j++) {
            long v = small[j];
            row[j] = v >= 0 ? (v < q ? v : m.reduce(v)) : (v > -q ? q + v : m.reduceSigned(v));
          }
        });
  }

  public static void toRns(RingContext ring, byte[] small, long[][] out, int[] mods) {
    ring.parallelFor(
        mods.length,
        i -> {
          long q = ring.modulus(mods[i]).q;
          long[] row = out[i];
          for (int j = 0; j < small.length; j++) {
            int v = small[j];
            row[j] = v >= 0 ? v : q + v;
          }
        });
  }

  /**
   * Flooding noise: rounded Gaussian coefficients of a large standard deviation {@code sigma}
   * (any size the moduli can hold), drawn from a fresh AES-CTR stream keyed from {@code random},
   * returned in NTT form over the ring rows {@code mods}. A double carries 53 bits: where the
   * samples exceed 2^52, the bits it cannot hold are filled with independent uniform bits, so no
   * coefficient has structurally zero low bits.
   */
  public static long[][] floodingNtt(RingContext ring, double sigma, SecureRandom random,
      int[] mods) {
    int n = ring.n;
    Prng prng = new Prng(Prng.freshSeed(random), 0);
    double[] noise = new double[n];
    for (int j = 0; j < n; j += 2) {
      double u1;
      do {
        u1 = prng.nextDouble();
      } while (u1 <= 0);
      double u2 = prng.nextDouble();
      double rad = sigma * Math.sqrt(-2 * Math.log(u1));
      noise[j] = Math.rint(rad * Math.cos(2 * Math.PI * u2));
      if (j + 1 < n) {
        noise[j + 1] = Math.rint(rad * Math.sin(2 * Math.PI * u2));
      }
    }
    int lostBits = Math.max(0, Math.min(62, Math.getExponent(8 * sigma) - 51));
    long[] low = new long[n];
    if (lostBits > 0) {
      long mask = (1L << lostBits) - 1;
      for (int j = 0; j < n; j++) {
        low[j] = (prng.nextLong() & mask) - (mask >> 1);
      }
    }
    long[][] e = ring.newPoly(mods.length);
    ring.parallelFor(
        mods.length,
        i -> {
          Modulus m = ring.modulus(mods[i]);
          long[] row = e[i];
          for (int j = 0; j < n; j++) {
            row[j] = m.add(exactResidue(noise[j], m), m.reduceSigned(low[j]));
          }
          ring.ntt(mods[i]).forward(row);
        });
    return e;
  }

  /** {@code v mod q} for an integer-valued double of any magnitude, exactly. */
  static long exactResidue(double v, Modulus m) {
    if (Math.abs(v) < 0x1p62) {
      return m.reduceSigned((long) v);
    }
    int e = Math.getExponent(v) - 52; // v = mant * 2^e exactly, |mant| < 2^53
    return m.mul(m.reduceSigned((long) Math.scalb(v, -e)), m.pow(2, e));
  }

  /** A fresh rounded-Gaussian error polynomial in NTT form over the ring rows {@code mods}. */
  public static long[][] gaussianNtt(RingContext ring, double sigma, SecureRandom random,
      int[] mods) {
    long[] e = gaussian(ring.n, sigma, random);
    long[][] poly = ring.newPoly(mods.length);
    toRns(ring, e, poly, mods);
    ring.forwardNtt(poly, mods);
    return poly;
  }

  /** Uniform polynomial in NTT form over {@code mods}, row i from the stream's next words. */
  public static void uniform(Prng prng, long[][] out, RingContext ring, int[] mods) {
    for (int i = 0; i < mods.length; i++) {
      prng.fillUniform(out[i], ring.modulus(mods[i]).q);
    }
  }
}
