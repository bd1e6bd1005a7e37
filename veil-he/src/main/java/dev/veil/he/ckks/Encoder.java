package dev.veil.he.ckks;

import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.RingContext;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * CKKS encoding: N/2 complex slots to a polynomial of {@code Z[X]/(X^N + 1)} through the inverse
 * canonical embedding, scaled and rounded, then reduced into each data prime and transformed to
 * NTT form. Slot j is the evaluation at {@code zeta^(5^j)} with {@code zeta = exp(i pi / N)}, so
 * the automorphism {@code X -> X^(5^k)} rotates the slots left by k and {@code X -> X^(2N-1)}
 * conjugates them.
 *
 * <p>The embedding is evaluated with the "special FFT" over the 2N-th roots indexed by powers of
 * 5 (Cheon, Kim, Kim, Song 2017), with precomputed root and rotation-group tables: O(N log N) and
 * no complex objects. Values whose scaled magnitude reaches 2^62 are reduced exactly from their
 * binary expansion. Thread-safe: holds only immutable tables.
 */
public final class Encoder {
  private final HeContext ctx;
  private final Parameters params;
  private final RingContext ring;
  private final int n;
  private final int slots;
  private final int logM;
  /** cos and sin of 2 pi k / M for k in [0, M), M = 2N. */
  private final double[] cosM;
  private final double[] sinM;
  /** 5^j mod M. */
  private final int[] rotGroup;

  public Encoder(HeContext ctx) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.ring = ctx.ring();
    this.n = params.n();
    this.slots = n / 2;
    this.logM = params.logN() + 1;
    int m = 2 * n;
    cosM = new double[m];
    sinM = new double[m];
    for (int k = 0; k < m; k++) {
      double angle = 2 * Math.PI * k / m;
      cosM[k] = Math.cos(angle);
      sinM[k] = Math.sin(angle);
    }
    rotGroup = new int[slots];
    long g = 1;
    for (int j = 0; j < slots; j++) {
      rotGroup[j] = (int) g;
      g = (g * 5) % m;
    }
  }

  public Parameters parameters() {
    return params;
  }

  /** Number of complex slots, N/2. */
  public int slots() {
    return slots;
  }

  /** Encodes real values (missing slots are 0) at the top level and the default scale. */
  public Plaintext encode(double[] values) {
    return encode(values, null, params.maxLevel(), params.defaultScale());
  }

  /** Encodes real values at a level and scale. */
  public Plaintext encode(double[] values, int level, double scale) {
    return encode(values, null, level, scale);
  }

  /**
   * Encodes complex values {@code re + i im} (either may be shorter than N/2, {@code im} may be
   * null) at a level and scale.
   *
   * @throws IllegalArgumentException if more than N/2 values are given, a value is not finite,
   *     or the scale is not positive
   */
  public Plaintext encode(double[] re, double[] im, int level, double scale) {
    Plaintext pt = new Plaintext(params, level, scale);
    encode(re, im, pt);
    return pt;
  }

  /** Encodes into {@code out} at its level and scale. */
  public void encode(double[] re, double[] im, Plaintext out) {
    params.requireSame(out.parameters(), "encode");
    double scale = out.scale();
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("encode: scale must be positive and finite, got " + scale);
    }
    double[] vr = new double[slots];
    double[] vi = new double[slots];
    copyChecked(re, vr, "real part");
    if (im != null) {
      copyChecked(im, vi, "imaginary part");
    }
    inverseEmbed(vr, vi);
    double[] coeffs = new double[n];
    for (int j = 0; j < slots; j++) {
      coeffs[j] = vr[j] * scale;
      coeffs[j + slots] = vi[j] * scale;
    }
    toNtt(coeffs, out.level(), out.poly());
  }

  /**
   * Rounds real coefficients (already scaled) into the rows of a plaintext, NTT form. Exact for
   * any finite magnitude.
   */
  void toNtt(double[] coeffs, int level, long[][] rows) {
    int[] q = ctx.qIndices(level);
    boolean small = true;
    for (double c : coeffs) {
      if (!(Math.abs(c) < 0x1p62)) {
        if (!Double.isFinite(c)) {
          throw new IllegalArgumentException("encode: scaled value is not finite (overflow)");
        }
        small = false;
      }
    }
    long[] rounded = new long[n];
    if (small) {
      for (int j = 0; j < n; j++) {
        rounded[j] = Math.round(coeffs[j]);
      }
    }
    final boolean allSmall = small;
    ring.parallelFor(
        q.length,
        i -> {
          Modulus m = ring.modulus(i);
          long[] row = rows[i];
          if (allSmall) {
            for (int j = 0; j < n; j++) {
              row[j] = m.reduceSigned(rounded[j]);
            }
          } else {
            for (int j = 0; j < n; j++) {
              row[j] = residue(coeffs[j], m);
            }
          }
          ring.ntt(i).forward(row);
        });
  }

  /** {@code round(v) mod q} for any finite v, exactly. */
  static long residue(double v, Modulus m) {
    double r = Math.rint(v);
    if (Math.abs(r) < 0x1p62) {
      return m.reduceSigned((long) r);
    }
    int e = Math.getExponent(r) - 52; // r = mant * 2^e exactly, |mant| < 2^53
    long mant = (long) Math.scalb(r, -e);
    return m.mul(m.reduceSigned(mant), m.pow(2, e));
  }

  private void copyChecked(double[] src, double[] dst, String what) {
    if (src == null) {
      throw new IllegalArgumentException("encode: " + what + " is null");
    }
    if (src.length > slots) {
      throw new IllegalArgumentException(
          "encode: " + src.length + " values exceed the " + slots + " slots of N = 2^"
              + params.logN());
    }
    for (int i = 0; i < src.length; i++) {
      if (!Double.isFinite(src[i])) {
        throw new IllegalArgumentException("encode: " + what + " of slot " + i + " is " + src[i]);
      }
      dst[i] = src[i];
    }
  }

  /** Decodes the real parts of all N/2 slots. */
  public double[] decode(Plaintext pt) {
    double[] re = new double[slots];
    decode(pt, re, null);
    return re;
  }

  /** Decodes all N/2 slots into {@code re} and (when not null) {@code im}. */
  public void decode(Plaintext pt, double[] re, double[] im) {
    params.requireSame(pt.parameters(), "decode");
    if (re.length < slots || (im != null && im.length < slots)) {
      throw new IllegalArgumentException("decode: output arrays need " + slots + " entries");
    }
    double[] coeffs = coefficients(pt);
    double inv = 1.0 / pt.scale();
    double[] vi = im != null ? im : new double[slots];
    for (int j = 0; j < slots; j++) {
      re[j] = coeffs[j] * inv;
      vi[j] = coeffs[j + slots] * inv;
    }
    embed(re, vi);
  }

  /**
   * The plaintext's coefficients as centered real numbers (CRT reconstruction with Garner's
   * mixed radix in centered digits, so small values come out exact at any level).
   */
  double[] coefficients(Plaintext pt) {
    int level = pt.level();
    long[][] rows = new long[level + 1][];
    ring.parallelFor(
        level + 1,
        i -> {
          rows[i] = pt.poly()[i].clone();
          ring.ntt(i).inverse(rows[i]);
        });
    double[] out = new double[n];
    if (level == 0) {
      long q = ring.modulus(0).q;
      long half = q >>> 1;
      long[] r = rows[0];
      for (int j = 0; j < n; j++) {
        long x = r[j];
        out[j] = x > half ? (double) (x - q) : (double) x;
      }
      return out;
    }
    Garner g = garner(level);
    int chunks = Math.min(ring.threads(), 8);
    int chunk = (n + chunks - 1) / chunks;
    ring.parallelFor(
        chunks,
        c -> {
          long[] digits = new long[level + 1];
          for (int j = c * chunk; j < Math.min(n, (c + 1) * chunk); j++) {
            out[j] = g.reconstruct(rows, j, digits);
          }
        });
    return out;
  }

  private Garner garner(int level) {
    return new Garner(ring, level);
  }

  /** Precomputed constants of centered mixed-radix reconstruction over q_0..q_level. */
  private static final class Garner {
    private final Modulus[] q;
    /** partial[k][j] = (q_0 ... q_{j-1}) mod q_k for j < k. */
    private final long[][] partial;
    /** (q_0 ... q_{k-1})^-1 mod q_k. */
    private final long[] prefixInv;
    /** q_0 ... q_{k-1} as a double (may be infinite for very long chains). */
    private final double[] prefix;

    Garner(RingContext ring, int level) {
      q = new Modulus[level + 1];
      for (int i = 0; i <= level; i++) {
        q[i] = ring.modulus(i);
      }
      partial = new long[level + 1][];
      prefixInv = new long[level + 1];
      prefix = new double[level + 1];
      double p = 1;
      for (int k = 0; k <= level; k++) {
        prefix[k] = p;
        p *= q[k].q;
        partial[k] = new long[k];
        long prod = 1;
        for (int j = 0; j < k; j++) {
          partial[k][j] = prod;
          prod = q[k].mul(prod, q[k].reduce(q[j].q));
        }
        prefixInv[k] = k == 0 ? 1 : q[k].inv(prod);
      }
    }

    double reconstruct(long[][] rows, int j, long[] v) {
      int level = q.length - 1;
      long q0 = q[0].q;
      long x0 = rows[0][j];
      long v0 = x0 > (q0 >>> 1) ? x0 - q0 : x0;
      // fast path: a value below q0/2 in magnitude has the same residue v0 under every prime
      boolean small = true;
      for (int k = 1; k <= level && small; k++) {
        small = rows[k][j] == q[k].reduceSigned(v0);
      }
      if (small) {
        return v0;
      }
      v[0] = v0;
      for (int k = 1; k <= level; k++) {
        Modulus mk = q[k];
        long qk = mk.q;
        long acc = 0;
        long[] pk = partial[k];
        for (int i = 0; i < k; i++) {
          long vi = v[i];
          if (vi != 0) {
            acc = mk.add(acc, mk.mul(mk.reduceSigned(vi), pk[i]));
          }
        }
        long t = mk.mul(mk.sub(rows[k][j], acc), prefixInv[k]);
        v[k] = t > (qk >>> 1) ? t - qk : t;
      }
      double sum = 0;
      for (int k = level; k >= 0; k--) {
        if (v[k] != 0) {
          sum += v[k] * prefix[k];
        }
      }
      return sum;
    }
  }

  // ------------------------------------------------------------------ special FFT

  /** Slots to coefficient pairs: the inverse canonical embedding, in place. */
  void inverseEmbed(double[] re, double[] im) {
    int size = slots;
    for (int len = size; len >= 2; len >>= 1) {
      int lenh = len >> 1;
      int lenq = len << 2;
      int shift = logM - Integer.numberOfTrailingZeros(lenq);
      for (int i = 0; i < size; i += len) {
        for (int j = 0; j < lenh; j++) {
          int idx = ((lenq - (rotGroup[j] & (lenq - 1))) & (lenq - 1)) << shift;
          int a = i + j;
          int b = a + lenh;
          double ur = re[a] + re[b];
          double ui = im[a] + im[b];
          double vr = re[a] - re[b];
          double vi = im[a] - im[b];
          double c = cosM[idx];
          double s = sinM[idx];
          re[a] = ur;
          im[a] = ui;
          re[b] = vr * c - vi * s;
          im[b] = vr * s + vi * c;
        }
      }
    }
    bitReverse(re, im);
    double inv = 1.0 / size;
    for (int i = 0; i < size; i++) {
      re[i] *= inv;
      im[i] *= inv;
    }
  }

  /** Coefficient pairs to slots: the canonical embedding, in place. */
  void embed(double[] re, double[] im) {
    int size = slots;
    bitReverse(re, im);
    for (int len = 2; len <= size; len <<= 1) {
      int lenh = len >> 1;
      int lenq = len << 2;
      int shift = logM - Integer.numberOfTrailingZeros(lenq);
      for (int i = 0; i < size; i += len) {
        for (int j = 0; j < lenh; j++) {
          int idx = (rotGroup[j] & (lenq - 1)) << shift;
          int a = i + j;
          int b = a + lenh;
          double c = cosM[idx];
          double s = sinM[idx];
          double vr = re[b] * c - im[b] * s;
          double vi = re[b] * s + im[b] * c;
          double ur = re[a];
          double ui = im[a];
          re[a] = ur + vr;
          im[a] = ui + vi;
          re[b] = ur - vr;
          im[b] = ui - vi;
        }
      }
    }
  }

  private void bitReverse(double[] re, double[] im) {
    int size = slots;
    int bits = Integer.numberOfTrailingZeros(size);
    if (bits == 0) {
      return;
    }
    for (int i = 0; i < size; i++) {
      int r = Integer.reverse(i) >>> (32 - bits);
      if (i < r) {
        double t = re[i];
        re[i] = re[r];
        re[r] = t;
        t = im[i];
        im[i] = im[r];
        im[r] = t;
      }
    }
  }
}
