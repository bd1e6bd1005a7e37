package dev.veil.he.ring;

/**
 * Fast basis conversion (Bajard, Eynard, Hasan, Zucca 2016) from the primes {@code A = {a_i}} to
 * the primes {@code B = {b_j}}: {@code x mod b_j = sum_i [x_i (A/a_i)^-1]_{a_i} (A/a_i) mod b_j}
 * up to an added multiple {@code u A} with {@code 0 <= u < |A|}. Key switching tolerates that
 * multiple: in ModUp it vanishes against the gadget, in ModDown it becomes an error of at most
 * |A| after the division.
 *
 * <p>The conversion is centered: it converts {@code [x + floor(A/2)]_A - floor(A/2)}, the
 * representative of x in (-A/2, A/2]. An uncentered digit has mean A/2; multiplied by an error
 * polynomial, that constant bias concentrates on the few slots near the root 1 and costs several
 * bits of precision there.
 *
 * <p>Works on polynomials in coefficient form; immutable and safe to share between threads.
 */
public final class BasisConverter {
  private final RingContext ring;
  private final int[] src;
  private final int[] dst;
  private final long[] hatInv;
  private final long[] hatInvShoup;
  /** {@code hatModDst[j][i] = (A / a_i) mod b_j}. */
  private final long[][] hatModDst;
  /** {@code floor(A/2)} modulo each source and each destination prime. */
  private final long[] halfModSrc;
  private final long[] halfModDst;

  public BasisConverter(RingContext ring, int[] src, int[] dst) {
    this.ring = ring;
    this.src = src.clone();
    this.dst = dst.clone();
    int r = src.length;
    hatInv = new long[r];
    hatInvShoup = new long[r];
    for (int i = 0; i < r; i++) {
      Modulus ai = ring.modulus(src[i]);
      long prod = 1;
      for (int k = 0; k < r; k++) {
        if (k != i) {
          prod = ai.mul(prod, ai.reduce(ring.modulus(src[k]).q));
        }
      }
      hatInv[i] = ai.inv(prod);
      hatInvShoup[i] = ai.shoup(hatInv[i]);
    }
    java.math.BigInteger bigA = java.math.BigInteger.ONE;
    for (int i : src) {
      bigA = bigA.multiply(java.math.BigInteger.valueOf(ring.modulus(i).q));
    }
    java.math.BigInteger half = bigA.shiftRight(1);
    halfModSrc = new long[r];
    for (int i = 0; i < r; i++) {
      halfModSrc[i] = half.mod(java.math.BigInteger.valueOf(ring.modulus(src[i]).q)).longValue();
    }
    halfModDst = new long[dst.length];
    for (int j = 0; j < dst.length; j++) {
      halfModDst[j] = half.mod(java.math.BigInteger.valueOf(ring.modulus(dst[j]).q)).longValue();
    }
    hatModDst = new long[dst.length][r];
    for (int j = 0; j < dst.length; j++) {
      Modulus bj = ring.modulus(dst[j]);
      for (int i = 0; i < r; i++) {
        long prod = 1;
        for (int k = 0; k < r; k++) {
          if (k != i) {
            prod = bj.mul(prod, bj.reduce(ring.modulus(src[k]).q));
          }
        }
        hatModDst[j][i] = prod;
      }
    }
  }

  public int[] source() {
    return src.clone();
  }

  public int[] destination() {
    return dst.clone();
  }

  /**
   * First step of a conversion: adds {@code floor(A/2)} to row i of {@code in} (values in [0, a_i),
   * coefficient form) and multiplies it by {@code (A/a_i)^-1}, in place.
   */
  public void prepare(long[][] in) {
    ring.parallelFor(
        src.length,
        i -> {
          Modulus ai = ring.modulus(src[i]);
          long q = ai.q;
          long h = halfModSrc[i];
          long[] row = in[i];
          for (int x = 0; x < row.length; x++) {
            long v = row[x] + h;
            row[x] = v - (q & ((q - 1 - v) >> 63));
          }
          if (hatInv[i] != 1) {
            RingContext.mulScalar(row, hatInv[i], row, ai);
          }
        });
  }

  /**
   * Second step: destination row {@code j} (under prime {@code dst[j]}) of the prepared input,
   * written to {@code out} in [0, b_j). Rows are independent: callers may run them in parallel.
   */
  public void convertRow(long[][] prepared, int j, long[] out) {
    Modulus bj = ring.modulus(dst[j]);
    long[] c = hatModDst[j];
    // prepared values may exceed b_j: Shoup's product accepts any input below 2^63
    RingContext.mulScalar(prepared[0], c[0], out, bj);
    for (int i = 1; i < c.length; i++) {
      RingContext.mulScalarAdd(prepared[i], c[i], out, bj);
    }
    long q = bj.q;
    long h = halfModDst[j];
    for (int x = 0; x < out.length; x++) {
      long v = out[x] - h;
      out[x] = v + (q & (v >> 63));
    }
  }

  /** Both steps for every destination row; {@code in} is overwritten, {@code out} must not alias. */
  public void convert(long[][] in, long[][] out) {
    prepare(in);
    ring.parallelFor(dst.length, j -> convertRow(in, j, out[j]));
  }
}
