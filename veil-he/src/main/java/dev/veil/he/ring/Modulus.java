package dev.veil.he.ring;

import java.math.BigInteger;

/**
 * One word-sized prime modulus {@code q < 2^61} with the constants of its hot-loop arithmetic.
 *
 * <p>The constants are plain {@code long} fields: a hot loop reads them into locals once and
 * then calls the static kernels ({@link #mulMod}, {@link #mulShoup}) with primitives only.
 *
 * <p>Barrett reduction here uses a single 64-bit constant {@code mu = floor(2^(62+k) / q)},
 * where {@code k} is the bit length of {@code q}: for a product {@code x < q^2} the quotient
 * estimate {@code mulhi(x >> (k-2), mu)} is at most two below the true quotient, so four
 * multiplications and two conditional subtractions reduce a 122-bit product.
 */
public final class Modulus {
  /** The prime. */
  public final long q;
  /** Bit length of {@code q}. */
  public final int bits;
  /** {@code floor(2^(62+bits) / q)}, below 2^63. */
  public final long mu;

  private final long floor2to64; // floor(2^64 / q), low word
  private final long rem2to64; // 2^64 mod q
  private final long qInv64; // q^-1 mod 2^64

  public Modulus(long q) {
    if (q < 3 || q >= (1L << 61)) {
      throw new IllegalArgumentException("modulus must be in [3, 2^61): " + q);
    }
    this.q = q;
    this.bits = 64 - Long.numberOfLeadingZeros(q);
    this.mu = BigInteger.ONE.shiftLeft(62 + bits).divide(BigInteger.valueOf(q)).longValueExact();
    BigInteger[] qr = BigInteger.ONE.shiftLeft(64).divideAndRemainder(BigInteger.valueOf(q));
    this.floor2to64 = qr[0].longValue();
    this.rem2to64 = qr[1].longValueExact();
    long inv = q; // Newton iteration for the inverse modulo 2^64 (q odd)
    for (int i = 0; i < 6; i++) {
      inv *= 2 - q * inv;
    }
    this.qInv64 = inv;
  }

  /** Unsigned high word of the 128-bit product of two 64-bit words (JDK 17 has no intrinsic). */
  public static long mulHiUnsigned(long a, long b) {
    return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
  }

  /** Shoup constant {@code floor(w * 2^64 / q)} of a fixed multiplicand {@code w < q}. */
  public static long shoup(long w, long q) {
    return BigInteger.valueOf(w).shiftLeft(64).divide(BigInteger.valueOf(q)).longValue();
  }

  /**
   * Shoup constant {@code floor(w * 2^64 / q)} for {@code 0 <= w < q}, without big integers:
   * {@code w * 2^64 = w * floor(2^64/q) * q + w * (2^64 mod q)}, and the quotient of the second
   * term is an exact division done with the inverse of q modulo 2^64.
   */
  public long shoup(long w) {
    long r = mul(w, rem2to64);
    long quotient = (w * rem2to64 - r) * qInv64;
    return w * floor2to64 + quotient;
  }

  /**
   * {@code x * w mod q} in [0, 2q) for any {@code 0 <= x < 2^63}, where {@code wShoup =
   * shoup(w, q)}.
   */
  public static long mulShoupLazy(long x, long w, long wShoup, long q) {
    long hi = Math.multiplyHigh(x, wShoup) + ((wShoup >> 63) & x);
    return x * w - hi * q;
  }

  /** {@code x * w mod q} in [0, q) for any {@code 0 <= x < 2^63}. */
  public static long mulShoup(long x, long w, long wShoup, long q) {
    long r = x * w - (Math.multiplyHigh(x, wShoup) + ((wShoup >> 63) & x)) * q;
    return r >= q ? r - q : r;
  }

  /** {@code a * b mod q} for {@code 0 <= a, b < q}; result in [0, q). */
  public static long mulMod(long a, long b, long q, int bits, long mu) {
    long lo = a * b;
    long hi = Math.multiplyHigh(a, b);
    long x1 = (hi << (66 - bits)) | (lo >>> (bits - 2));
    long r = lo - Math.multiplyHigh(x1, mu) * q;
    if (r >= q) {
      r -= q;
    }
    return r >= q ? r - q : r;
  }

  /** {@code a * b mod q} for {@code 0 <= a, b < q}. */
  public long mul(long a, long b) {
    return mulMod(a, b, q, bits, mu);
  }

  /** Reduces any {@code x >= 0} into [0, q). */
  public long reduce(long x) {
    if (bits >= 32) {
      // x < 2^63 <= q^2, so the Barrett bound holds with hi = 0.
      long r = x - Math.multiplyHigh(x >>> (bits - 2), mu) * q;
      if (r >= q) {
        r -= q;
      }
      return r >= q ? r - q : r;
    }
    return x % q;
  }

  /** Reduces any signed {@code x} into [0, q). */
  public long reduceSigned(long x) {
    if (x >= 0) {
      return reduce(x);
    }
    // x = -(y + 1) with y >= 0, so x mod q = q - 1 - (y mod q)
    return q - 1 - reduce(-(x + 1));
  }

  public long add(long a, long b) {
    long s = a + b;
    return s >= q ? s - q : s;
  }

  public long sub(long a, long b) {
    long s = a - b;
    return s < 0 ? s + q : s;
  }

  public long pow(long base, long exp) {
    long result = 1 % q;
    long b = reduce(base);
    long e = exp;
    while (e > 0) {
      if ((e & 1) == 1) {
        result = mul(result, b);
      }
      b = mul(b, b);
      e >>>= 1;
    }
    return result;
  }

  /** Multiplicative inverse modulo the prime {@code q}. */
  public long inv(long a) {
    long r = reduce(a);
    if (r == 0) {
      throw new ArithmeticException("0 has no inverse modulo " + q);
    }
    return pow(r, q - 2);
  }

  @Override
  public String toString() {
    return "Modulus(" + q + ", " + bits + " bits)";
  }
}
