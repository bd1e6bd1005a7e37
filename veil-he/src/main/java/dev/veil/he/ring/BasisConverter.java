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
  /** {@code A mod b_j}. */
  private final long[] aModDst;
  /** {@code 1 / a_i} as doubles, for the overflow estimate. */
  private final double[] srcInv;

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
    aModDst = new long[dst.length];
    for (int j = 0; j < dst.length; j++) {
      java.math.BigInteger bj = java.math.BigInteger.valueOf(ring.modulus(dst[j]).q);
      halfModDst[j] = half.mod(bj).longValue();
      aModDst[j] = bigA.mod(bj).longValue();
    }
    srcInv = new double[r];
    for (int i = 0; i < r; i++) {
      srcInv[i] = 1.0 / ring.modulus(src[i]).q;
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

  /** Scaled residues of the input and the per-coefficient overflow count (null for one prime). */
  public record Prepared(long[][] rows, long[] overflow) {}

  /**
   * First step of a conversion: adds {@code floor(A/2)} to row i of {@code in} (values in [0, a_i),
   * coefficient form) and multiplies it by {@code (A/a_i)^-1}, in place; with several source
   * primes also computes, per coefficient, the overflow {@code u = floor(sum_i y_i / a_i)} of the
   * fast conversion, so that {@link #convertRow} can remove it. Without that correction the
   * result would carry {@code u A} with u averaging (|A| - 1)/2: a constant bias that the secret
   * concentrates on the slots near the root 1. Floating-point rounding can misjudge u by one
   * only for values within about 2^-50 A of the edges, which adds a harmless multiple of A.
   */
  public Prepared prepare(long[][] in) {
    return prepare(in, src.length == 1 ? null : new long[in[0].length]);
  }

  /**
   * {@link #prepare(long[][])} with the caller's buffer for the overflow counts (N longs; unused,
   * and may be null, with one source prime): allocates nothing but the returned record. The
   * result refers to {@code in} and {@code overflow}, which must outlive its use.
   *
   * @throws IllegalArgumentException if several source primes meet a missing or short buffer
   */
  public Prepared prepare(long[][] in, long[] overflow) {
    if (src.length > 1 && (overflow == null || overflow.length < in[0].length)) {
      throw new IllegalArgumentException("overflow buffer of "
          + (overflow == null ? "null" : overflow.length + " longs") + " for rows of "
          + in[0].length + " coefficients");
    }
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
    if (src.length == 1) {
      return new Prepared(in, null);
    }
    int n = in[0].length;
    long[] u = overflow;
    double[] inv = srcInv;
    int chunks = Math.max(1, Math.min(ring.threads(), 8));
    int chunk = (n + chunks - 1) / chunks;
    ring.parallelFor(
        chunks,
        c -> {
          int end = Math.min(n, (c + 1) * chunk);
          for (int x = c * chunk; x < end; x++) {
            double v = 0;
            for (int i = 0; i < inv.length; i++) {
              v += in[i][x] * inv[i];
            }
            u[x] = (long) v; // floor: v >= 0
          }
        });
    return new Prepared(in, u);
  }

  /**
   * Second step: destination row {@code j} (under prime {@code dst[j]}) of the prepared input,
   * written to {@code out} in [0, b_j). Rows are independent: callers may run them in parallel.
   */
  public void convertRow(Prepared prepared, int j, long[] out) {
    Modulus bj = ring.modulus(dst[j]);
    long[][] rows = prepared.rows();
    if (rows.length == 1) {
      convertSingle(rows[0], ring.modulus(src[0]).q, bj, halfModDst[j], out);
      return;
    }
    long[] c = hatModDst[j];
    // prepared values may exceed b_j: Shoup's product accepts any input below 2^63
    RingContext.mulScalar(rows[0], c[0], out, bj);
    for (int i = 1; i < c.length; i++) {
      RingContext.mulScalarAdd(rows[i], c[i], out, bj);
    }
    long q = bj.q;
    long h = halfModDst[j];
    long[] u = prepared.overflow();
    if (u == null) {
      for (int x = 0; x < out.length; x++) {
        long v = out[x] - h;
        out[x] = v + (q & (v >> 63));
      }
    } else {
      long aModB = aModDst[j];
      long aShoup = bj.shoup(aModB);
      for (int x = 0; x < out.length; x++) {
        long ux = u[x]; // small: below the number of source primes
        long ua = ux * aModB - (Math.multiplyHigh(ux, aShoup) + ((aShoup >> 63) & ux)) * q;
        ua -= q & ((q - 1 - ua) >> 63);
        long v = out[x] - h;
        v += q & (v >> 63);
        v -= ua;
        out[x] = v + (q & (v >> 63));
      }
    }
  }

  /**
   * One source prime: the conversion is just the centered residue {@code y - floor(a/2)} reduced
   * modulo b, with no multiplication when the primes are of similar size.
   */
  private static void convertSingle(long[] y, long a, Modulus bj, long half, long[] out) {
    final long b = bj.q;
    if (a <= b) {
      for (int x = 0; x < out.length; x++) {
        long v = y[x] - half;
        out[x] = v + (b & (v >> 63));
      }
    } else if (a <= 2 * b) {
      for (int x = 0; x < out.length; x++) {
        long v = y[x];
        v -= b & ((b - 1 - v) >> 63);
        v -= half;
        out[x] = v + (b & (v >> 63));
      }
    } else {
      for (int x = 0; x < out.length; x++) {
        long v = bj.reduce(y[x]) - half;
        out[x] = v + (b & (v >> 63));
      }
    }
  }

  /** Both steps for every destination row; {@code in} is overwritten, {@code out} must not alias. */
  public void convert(long[][] in, long[][] out) {
    Prepared p = prepare(in);
    ring.parallelFor(dst.length, j -> convertRow(p, j, out[j]));
  }
}
