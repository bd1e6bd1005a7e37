package dev.veil.he.ring;

/**
 * Fast basis conversion (Bajard, Eynard, Hasan, Zucca 2016) from the primes {@code A = {a_i}} to
 * the primes {@code B = {b_j}}: {@code x mod b_j = sum_i [x_i (A/a_i)^-1]_{a_i} (A/a_i) mod b_j}
 * up to an added multiple {@code u A} with {@code 0 <= u < |A|}. Key switching tolerates that
 * multiple: in ModUp it vanishes against the gadget, in ModDown it becomes an error of at most
 * |A| after the division.
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
   * First step of a conversion: multiplies row i of {@code in} (values in [0, a_i), coefficient
   * form) by {@code (A/a_i)^-1} in place.
   */
  public void prepare(long[][] in) {
    ring.parallelFor(
        src.length,
        i -> {
          if (hatInv[i] != 1) {
            RingContext.mulScalar(in[i], hatInv[i], in[i], ring.modulus(src[i]));
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
  }

  /** Both steps for every destination row; {@code in} is overwritten, {@code out} must not alias. */
  public void convert(long[][] in, long[][] out) {
    prepare(in);
    ring.parallelFor(dst.length, j -> convertRow(in, j, out[j]));
  }
}
