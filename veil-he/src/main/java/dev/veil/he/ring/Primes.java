package dev.veil.he.ring;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Deterministic generation of NTT-friendly primes {@code q = 1 mod 2N}. */
public final class Primes {
  private Primes() {}

  /** Deterministic Miller-Rabin for all 64-bit inputs (bases from Jaeschke / Sinclair). */
  public static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    for (long p : new long[] {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37}) {
      if (n % p == 0) {
        return n == p;
      }
    }
    long d = n - 1;
    int s = Long.numberOfTrailingZeros(d);
    d >>= s;
    BigInteger bn = BigInteger.valueOf(n);
    BigInteger nMinusOne = bn.subtract(BigInteger.ONE);
    for (long a : new long[] {2, 325, 9375, 28178, 450775, 9780504, 1795265022}) {
      BigInteger x = BigInteger.valueOf(a % n);
      if (x.signum() == 0) {
        continue;
      }
      x = x.modPow(BigInteger.valueOf(d), bn);
      if (x.equals(BigInteger.ONE) || x.equals(nMinusOne)) {
        continue;
      }
      boolean composite = true;
      for (int r = 1; r < s; r++) {
        x = x.multiply(x).mod(bn);
        if (x.equals(nMinusOne)) {
          composite = false;
          break;
        }
      }
      if (composite) {
        return false;
      }
    }
    return true;
  }

  /**
   * For each requested bit size, in order, the largest prime {@code q < 2^bits} with {@code q = 1
   * mod 2N} not already taken. Every result has exactly {@code bits} bits, so the product of the
   * chain has at most {@code sum(bits)} bits, which is what the security check counts.
   *
   * @throws IllegalArgumentException if a size is outside [18, 61] or no such prime remains
   */
  public static long[] generate(int logN, int[] bitSizes) {
    long twoN = 2L << logN;
    Set<Long> taken = new HashSet<>();
    List<Long> out = new ArrayList<>();
    for (int bits : bitSizes) {
      if (bits < 18 || bits > 61) {
        throw new IllegalArgumentException("prime bit size must be in [18, 61], got " + bits);
      }
      long upper = 1L << bits;
      long lower = 1L << (bits - 1);
      long candidate = ((upper - 1) / twoN) * twoN + 1;
      if (candidate >= upper) {
        candidate -= twoN;
      }
      boolean found = false;
      for (; candidate > lower; candidate -= twoN) {
        if (!taken.contains(candidate) && isPrime(candidate)) {
          found = true;
          break;
        }
      }
      if (!found) {
        throw new IllegalArgumentException(
            "no unused " + bits + "-bit prime congruent to 1 mod 2^" + (logN + 1));
      }
      taken.add(candidate);
      out.add(candidate);
    }
    return out.stream().mapToLong(Long::longValue).toArray();
  }

  /** A generator of the multiplicative group, raised to (q-1)/(2N): a primitive 2N-th root. */
  public static long primitiveRoot2N(long q, int logN) {
    Modulus m = new Modulus(q);
    long twoN = 2L << logN;
    long order = q - 1;
    if (order % twoN != 0) {
      throw new IllegalArgumentException(q + " is not 1 mod 2N");
    }
    // deterministic search: smallest g whose (q-1)/(2N) power has order exactly 2N
    for (long g = 2; g < q; g++) {
      long root = m.pow(g, order / twoN);
      if (m.pow(root, twoN >> 1) == q - 1) {
        // root^(N) = -1 means the order is exactly 2N
        return minimalRoot(m, root, twoN);
      }
    }
    throw new IllegalStateException("no primitive root for " + q);
  }

  /** The smallest primitive 2N-th root (a canonical choice, independent of search order). */
  private static long minimalRoot(Modulus m, long root, long twoN) {
    long best = root;
    long r2 = m.mul(root, root);
    long cur = root;
    for (long k = 1; k < twoN; k += 2) {
      if (cur < best) {
        best = cur;
      }
      cur = m.mul(cur, r2);
    }
    return best;
  }
}
