package dev.veil.he.ring;

/**
 * Negacyclic number-theoretic transform modulo one prime, for {@code Z_q[X]/(X^N + 1)}.
 *
 * <p>Harvey's butterflies with Shoup constants and lazy reduction: values stay in [0, 4q)
 * between stages and are reduced once at the end. The negacyclic twist (powers of a primitive
 * 2N-th root {@code psi}) is merged into the twiddles, stored in bit-reversed order. The forward
 * transform takes coefficients in natural order and returns evaluations in bit-reversed order:
 * slot {@code k} holds {@code a(psi^(2 * bitrev(k) + 1))}. The inverse undoes it exactly and folds
 * the factor {@code 1/N} into its last stage.
 */
public final class NttTable {
  public final Modulus modulus;
  public final int logN;
  public final int n;
  /** A primitive 2N-th root of unity modulo q (the smallest one). */
  public final long psi;

  private final long[] fwd;
  private final long[] fwdShoup;
  /** {@code floor(w * 2^63 / q)}: Shoup constants below 2^63, for the signed wide transform. */
  private final long[] fwdShoup63;
  private final long[] inv;
  private final long[] invShoup;
  private final long nInv;
  private final long nInvShoup;
  /** {@code psiInv[1] * nInv}: the last inverse stage's twiddle with 1/N folded in. */
  private final long lastInv;
  private final long lastInvShoup;
  /** Primes small enough that forward butterflies never need an intermediate reduction. */
  private final boolean wideForward;
  /** {@code 2q (logN + 1)}: a multiple of q above every magnitude of the signed wide transform. */
  private final long wideOffset;
  /** Whether {@link #forwardLazy} leaves its output unreduced (below {@link #lazyBound}). */
  private final boolean lazyOutput;
  /** Primes small enough that inverse butterflies never need an intermediate reduction. */
  private final boolean wideInverse;

  public NttTable(Modulus modulus, int logN) {
    this.modulus = modulus;
    this.logN = logN;
    this.n = 1 << logN;
    long q = modulus.q;
    this.psi = Primes.primitiveRoot2N(q, logN);
    long psiInv = modulus.inv(psi);
    fwd = new long[n];
    fwdShoup = new long[n];
    inv = new long[n];
    invShoup = new long[n];
    long pw = 1;
    long pwInv = 1;
    for (int i = 0; i < n; i++) {
      int r = bitReverse(i, logN);
      fwd[r] = pw;
      inv[r] = pwInv;
      pw = modulus.mul(pw, psi);
      pwInv = modulus.mul(pwInv, psiInv);
    }
    fwdShoup63 = new long[n];
    for (int i = 0; i < n; i++) {
      fwdShoup[i] = modulus.shoup(fwd[i]);
      invShoup[i] = modulus.shoup(inv[i]);
      fwdShoup63[i] = fwdShoup[i] >>> 1;
    }
    nInv = modulus.inv(n);
    nInvShoup = modulus.shoup(nInv);
    lastInv = modulus.mul(inv[1], nInv);
    lastInvShoup = modulus.shoup(lastInv);
    // forward: each stage adds at most 2q, so values stay below 2q (logN + 1) < 2^63;
    // inverse: each stage doubles the bound, so values stay below q 2^(logN + 1) < 2^63
    int stageBits = 32 - Integer.numberOfLeadingZeros(2 * (logN + 1));
    wideForward = modulus.bits + stageBits <= 62 && n >= 4;
    wideOffset = 2 * q * (logN + 1);
    // unreduced outputs lie in [0, 2 wideOffset); consumers (Barrett products with an operand
    // below q, differences offset by the bound) need them, plus q, below 2^61
    lazyOutput = wideForward && modulus.bits + stageBits + 1 <= 60;
    wideInverse = modulus.bits + logN + 1 <= 62 && n >= 8;
  }

  public static int bitReverse(int x, int bits) {
    return Integer.reverse(x) >>> (32 - bits);
  }

  /** In-place forward transform; input in [0, 2q), output in [0, q). */
  public void forward(long[] a) {
    if (n < 4) {
      forwardSmall(a);
      return;
    }
    if (wideForward) {
      forwardWide(a, fwd, fwdShoup63, modulus.q, n, 0);
      reduceAll(a, modulus.q, modulus.mu, modulus.bits - 2, wideOffset);
      return;
    }
    if (modulus.bits <= 60) {
      forwardHarvey63(a, fwd, fwdShoup63, modulus.q, n);
    } else {
      forwardHarvey(a, fwd, fwdShoup, modulus.q, n);
    }
    final long q = modulus.q;
    final long twoQ = q << 1;
    for (int j = 0; j < n; j++) {
      long x = a[j];
      x -= twoQ & ((twoQ - 1 - x) >> 63);
      a[j] = x - (q & ((q - 1 - x) >> 63));
    }
  }

  /**
   * Radix-4 forward passes with Harvey's lazy reduction for primes without spare bits: values in
   * [0, 4q) between stages, the additive inputs of each butterfly brought to [0, 2q) first.
   * Output in [0, 4q).
   */
  private static void forwardHarvey(long[] a, long[] w, long[] ws, long q, int n) {
    final long twoQ = q << 1;
    int t = n;
    int m = 1;
    if ((Integer.numberOfTrailingZeros(n) & 1) == 1) {
      t >>= 1;
      final long wi = w[1];
      final long wsi = ws[1];
      final long corr = wsi >> 63;
      for (int j = 0; j < t; j++) {
        long x = a[j];
        long y = a[j + t];
        long tt = y * wi - (Math.multiplyHigh(y, wsi) + (corr & y)) * q;
        a[j] = x + tt;
        a[j + t] = x - tt + twoQ;
      }
      m = 2;
    }
    for (; m < n; m <<= 2) {
      final int t2 = t >> 1;
      final int t4 = t >> 2;
      for (int i = 0; i < m; i++) {
        final int base = i * t;
        final long w1 = w[m + i];
        final long w1s = ws[m + i];
        final long c1 = w1s >> 63;
        final long w2 = w[2 * m + 2 * i];
        final long w2s = ws[2 * m + 2 * i];
        final long c2 = w2s >> 63;
        final long w3 = w[2 * m + 2 * i + 1];
        final long w3s = ws[2 * m + 2 * i + 1];
        final long c3 = w3s >> 63;
        for (int j = base; j < base + t4; j++) {
          long x0 = a[j];
          long x1 = a[j + t4];
          long x2 = a[j + t2];
          long x3 = a[j + t2 + t4];
          x0 -= twoQ & ((twoQ - 1 - x0) >> 63);
          x1 -= twoQ & ((twoQ - 1 - x1) >> 63);
          long u2 = x2 * w1 - (Math.multiplyHigh(x2, w1s) + (c1 & x2)) * q;
          long u3 = x3 * w1 - (Math.multiplyHigh(x3, w1s) + (c1 & x3)) * q;
          long y0 = x0 + u2;
          long y2 = x0 - u2 + twoQ;
          long y1 = x1 + u3;
          long y3 = x1 - u3 + twoQ;
          y0 -= twoQ & ((twoQ - 1 - y0) >> 63);
          y2 -= twoQ & ((twoQ - 1 - y2) >> 63);
          long v1 = y1 * w2 - (Math.multiplyHigh(y1, w2s) + (c2 & y1)) * q;
          long v3 = y3 * w3 - (Math.multiplyHigh(y3, w3s) + (c3 & y3)) * q;
          a[j] = y0 + v1;
          a[j + t4] = y0 - v1 + twoQ;
          a[j + t2] = y2 + v3;
          a[j + t2 + t4] = y2 - v3 + twoQ;
        }
      }
      t >>= 2;
    }
  }

  /**
   * {@link #forwardHarvey} for primes below 2^60: values below 4q < 2^62 can be doubled without
   * overflow, so the 2^63-scaled Shoup constants need no sign fix-up.
   */
  private static void forwardHarvey63(long[] a, long[] w, long[] ws, long q, int n) {
    final long twoQ = q << 1;
    int t = n;
    int m = 1;
    if ((Integer.numberOfTrailingZeros(n) & 1) == 1) {
      t >>= 1;
      final long wi = w[1];
      final long wsi = ws[1];
      for (int j = 0; j < t; j++) {
        long x = a[j];
        long y = a[j + t];
        long tt = y * wi - Math.multiplyHigh(y << 1, wsi) * q;
        a[j] = x + tt;
        a[j + t] = x - tt + twoQ;
      }
      m = 2;
    }
    for (; m < n; m <<= 2) {
      final int t2 = t >> 1;
      final int t4 = t >> 2;
      for (int i = 0; i < m; i++) {
        final int base = i * t;
        final long w1 = w[m + i];
        final long w1s = ws[m + i];
        final long w2 = w[2 * m + 2 * i];
        final long w2s = ws[2 * m + 2 * i];
        final long w3 = w[2 * m + 2 * i + 1];
        final long w3s = ws[2 * m + 2 * i + 1];
        for (int j = base; j < base + t4; j++) {
          long x0 = a[j];
          long x1 = a[j + t4];
          long x2 = a[j + t2];
          long x3 = a[j + t2 + t4];
          x0 -= twoQ & ((twoQ - 1 - x0) >> 63);
          x1 -= twoQ & ((twoQ - 1 - x1) >> 63);
          long u2 = x2 * w1 - Math.multiplyHigh(x2 << 1, w1s) * q;
          long u3 = x3 * w1 - Math.multiplyHigh(x3 << 1, w1s) * q;
          long y0 = x0 + u2;
          long y2 = x0 - u2 + twoQ;
          long y1 = x1 + u3;
          long y3 = x1 - u3 + twoQ;
          y0 -= twoQ & ((twoQ - 1 - y0) >> 63);
          y2 -= twoQ & ((twoQ - 1 - y2) >> 63);
          long v1 = y1 * w2 - Math.multiplyHigh(y1 << 1, w2s) * q;
          long v3 = y3 * w3 - Math.multiplyHigh(y3 << 1, w3s) * q;
          a[j] = y0 + v1;
          a[j + t4] = y0 - v1 + twoQ;
          a[j + t2] = y2 + v3;
          a[j + t2 + t4] = y2 - v3 + twoQ;
        }
      }
      t >>= 2;
    }
  }

  /** Barrett reduction of every value (below 2^63) into [0, q); its own method on purpose. */
  private static void reduceAll(long[] a, long q, long mu, int sh, long offset) {
    for (int j = 0; j < a.length; j++) {
      a[j] = barrett(a[j] + offset, q, mu, sh);
    }
  }

  /**
   * Forward transform for primes with spare high bits, in signed lazy form: radix-4 passes (two
   * stages per load and store), no reduction between stages. Each twiddle product is {@code x w
   * - floor(2x w' / 2^64) q} with {@code w' = floor(w 2^63 / q)}, which lies in (-q, 2q) for any
   * signed x of magnitude below 2^62, so no correction term and no offsets are needed; magnitudes
   * grow by at most 2q per stage, to below {@code 2q (logN + 1)} (below 2^62 by the choice of the
   * primes that take this path). {@code offset} (a multiple of q: 0, or that bound to make the
   * output non-negative) is added to the outputs of the last pass.
   */
  private static void forwardWide(long[] a, long[] w, long[] ws, long q, int n, long offset) {
    int t = n;
    int m = 1;
    if ((Integer.numberOfTrailingZeros(n) & 1) == 1) { // one radix-2 stage when logN is odd
      t >>= 1;
      final long wi = w[1];
      final long wsi = ws[1];
      for (int j = 0; j < t; j++) {
        long x = a[j];
        long y = a[j + t];
        long tt = y * wi - Math.multiplyHigh(y << 1, wsi) * q;
        a[j] = x + tt;
        a[j + t] = x - tt;
      }
      m = 2;
    }
    for (; m < n; m <<= 2) {
      final int t2 = t >> 1;
      final int t4 = t >> 2;
      final long off = t4 == 1 ? offset : 0;
      for (int i = 0; i < m; i++) {
        final int base = i * t;
        final long w1 = w[m + i];
        final long w1s = ws[m + i];
        final long w2 = w[2 * m + 2 * i];
        final long w2s = ws[2 * m + 2 * i];
        final long w3 = w[2 * m + 2 * i + 1];
        final long w3s = ws[2 * m + 2 * i + 1];
        for (int j = base; j < base + t4; j++) {
          long x0 = a[j];
          long x1 = a[j + t4];
          long x2 = a[j + t2];
          long x3 = a[j + t2 + t4];
          long u2 = x2 * w1 - Math.multiplyHigh(x2 << 1, w1s) * q;
          long u3 = x3 * w1 - Math.multiplyHigh(x3 << 1, w1s) * q;
          long y0 = x0 + u2;
          long y2 = x0 - u2;
          long y1 = x1 + u3;
          long y3 = x1 - u3;
          long v1 = y1 * w2 - Math.multiplyHigh(y1 << 1, w2s) * q;
          long v3 = y3 * w3 - Math.multiplyHigh(y3 << 1, w3s) * q;
          a[j] = y0 + v1 + off;
          a[j + t4] = y0 - v1 + off;
          a[j + t2] = y2 + v3 + off;
          a[j + t2 + t4] = y2 - v3 + off;
        }
      }
      t >>= 2;
    }
  }

  /** {@code x mod q} for {@code 0 <= x < 2^63} when q has at least 32 bits (x < q^2). */
  private static long barrett(long x, long q, long mu, int sh) {
    long r = x - Math.multiplyHigh(x >>> sh, mu) * q;
    r -= q & ((q - 1 - r) >> 63);
    return r - (q & ((q - 1 - r) >> 63));
  }

  /**
   * Inverse transform for primes with spare high bits: sums are not reduced between stages (the
   * bound doubles per stage); differences are offset by the current bound, a multiple of q.
   */
  private void inverseWide(long[] a) {
    final long q = modulus.q;
    final long[] w = inv;
    final long[] ws = invShoup;
    long bound = q << 1; // inputs below 2q
    int t = 1;
    int m = n >> 1;
    if (((logN - 1) & 1) == 1) { // one radix-2 stage first so the rest pairs up
      final long off = bound;
      for (int i = 0; i < m; i++) {
        final int j = i << 1;
        final long wi = w[m + i];
        final long wsi = ws[m + i];
        long x = a[j];
        long y = a[j + 1];
        long v = x - y + off;
        a[j] = x + y;
        a[j + 1] = v * wi - (Math.multiplyHigh(v, wsi) + ((wsi >> 63) & v)) * q;
      }
      bound <<= 1;
      t = 2;
      m >>= 1;
    }
    for (; m > 1; m >>= 2) {
      // stages of span t (m groups) and 2t (m/2 groups) on blocks of four elements
      final long offA = bound;
      final long offB = bound << 1;
      final int half = m >> 1;
      for (int i = 0; i < half; i++) {
        final int base = 4 * i * t;
        final long wa = w[m + 2 * i];
        final long was = ws[m + 2 * i];
        final long ca = was >> 63;
        final long wb = w[m + 2 * i + 1];
        final long wbs = ws[m + 2 * i + 1];
        final long cb = wbs >> 63;
        final long wc = w[half + i];
        final long wcs = ws[half + i];
        final long cc = wcs >> 63;
        for (int j = base; j < base + t; j++) {
          long x0 = a[j];
          long x1 = a[j + t];
          long x2 = a[j + 2 * t];
          long x3 = a[j + 3 * t];
          long d1 = x0 - x1 + offA;
          long d3 = x2 - x3 + offA;
          long u0 = x0 + x1;
          long u2 = x2 + x3;
          long u1 = d1 * wa - (Math.multiplyHigh(d1, was) + (ca & d1)) * q;
          long u3 = d3 * wb - (Math.multiplyHigh(d3, wbs) + (cb & d3)) * q;
          long e2 = u0 - u2 + offB;
          long e3 = u1 - u3 + offB;
          a[j] = u0 + u2;
          a[j + t] = u1 + u3;
          a[j + 2 * t] = e2 * wc - (Math.multiplyHigh(e2, wcs) + (cc & e2)) * q;
          a[j + 3 * t] = e3 * wc - (Math.multiplyHigh(e3, wcs) + (cc & e3)) * q;
        }
      }
      bound <<= 2;
      t <<= 2;
    }
    final int h = n >> 1;
    final long ni = nInv;
    final long nis = nInvShoup;
    final long li = lastInv;
    final long lis = lastInvShoup;
    final long off = bound;
    for (int j = 0; j < h; j++) {
      long x = a[j];
      long y = a[j + h];
      long u = x + y;
      long v = x - y + off;
      long r0 = u * ni - (Math.multiplyHigh(u, nis) + ((nis >> 63) & u)) * q;
      long r1 = v * li - (Math.multiplyHigh(v, lis) + ((lis >> 63) & v)) * q;
      r0 -= q & ((q - 1 - r0) >> 63);
      r1 -= q & ((q - 1 - r1) >> 63);
      a[j] = r0;
      a[j + h] = r1;
    }
  }

  /**
   * Forward transform whose output may be unreduced: non-negative, congruent to the NTT modulo
   * q and below {@link #lazyBound()} (itself below 2^60), for consumers that reduce anyway (key
   * switching's inner products, rescaling). Skips the final reduction pass on primes with spare
   * bits; on the others it is {@link #forward}.
   */
  public void forwardLazy(long[] a) {
    if (lazyOutput) {
      forwardWide(a, fwd, fwdShoup63, modulus.q, n, wideOffset);
    } else {
      forward(a);
    }
  }

  /**
   * A multiple of q above every output of {@link #forwardLazy}, below 2^60: {@code bound - x} is
   * a non-negative representative of {@code -x}. q itself when the output is reduced.
   */
  public long lazyBound() {
    return lazyOutput ? 2 * wideOffset : modulus.q;
  }

  /** Plain radix-2 forward transform for N < 4. */
  private void forwardSmall(long[] a) {
    final long q = modulus.q;
    int t = n;
    for (int m = 1; m < n; m <<= 1) {
      t >>= 1;
      for (int i = 0; i < m; i++) {
        long wi = fwd[m + i];
        for (int j = 2 * i * t; j < 2 * i * t + t; j++) {
          long y = modulus.mul(a[j + t] % q, wi);
          long x = a[j] % q;
          a[j] = modulus.add(x, y);
          a[j + t] = modulus.sub(x, y);
        }
      }
    }
  }

  /** In-place inverse transform; input in [0, 2q), output in [0, q). */
  public void inverse(long[] a) {
    final long q = modulus.q;
    final long twoQ = q << 1;
    final long[] w = inv;
    final long[] ws = invShoup;
    if (n < 8) {
      inverseSmall(a);
      return;
    }
    if (wideInverse) {
      inverseWide(a);
      return;
    }
    // the first two stages (spans 1 and 2) fused on blocks of four
    final int mh = n >> 1;
    final int mq = n >> 2;
    for (int i = 0; i < mq; i++) {
      final int j = i << 2;
      final long wa = w[mh + 2 * i];
      final long was = ws[mh + 2 * i];
      final long wb = w[mh + 2 * i + 1];
      final long wbs = ws[mh + 2 * i + 1];
      final long wc = w[mq + i];
      final long wcs = ws[mq + i];
      long x0 = a[j];
      long x1 = a[j + 1];
      long x2 = a[j + 2];
      long x3 = a[j + 3];
      long u0 = x0 + x1;
      u0 -= twoQ & ((twoQ - 1 - u0) >> 63);
      long d1 = x0 - x1 + twoQ;
      long u1 = d1 * wa - (Math.multiplyHigh(d1, was) + ((was >> 63) & d1)) * q;
      long u2 = x2 + x3;
      u2 -= twoQ & ((twoQ - 1 - u2) >> 63);
      long d3 = x2 - x3 + twoQ;
      long u3 = d3 * wb - (Math.multiplyHigh(d3, wbs) + ((wbs >> 63) & d3)) * q;
      long s0 = u0 + u2;
      s0 -= twoQ & ((twoQ - 1 - s0) >> 63);
      long e2 = u0 - u2 + twoQ;
      long s1 = u1 + u3;
      s1 -= twoQ & ((twoQ - 1 - s1) >> 63);
      long e3 = u1 - u3 + twoQ;
      a[j] = s0;
      a[j + 1] = s1;
      a[j + 2] = e2 * wc - (Math.multiplyHigh(e2, wcs) + ((wcs >> 63) & e2)) * q;
      a[j + 3] = e3 * wc - (Math.multiplyHigh(e3, wcs) + ((wcs >> 63) & e3)) * q;
    }
    int t = 4;
    for (int m = n >> 3; m > 1; m >>= 1) {
      int j1 = 0;
      for (int i = 0; i < m; i++) {
        final int j2 = j1 + t;
        final long wi = w[m + i];
        final long wsi = ws[m + i];
        final long corr = wsi >> 63;
        for (int j = j1; j < j2; j++) {
          long x = a[j];
          long y = a[j + t];
          long u = x + y;
          u -= twoQ & ((twoQ - 1 - u) >> 63);
          long v = x - y + twoQ;
          a[j] = u;
          a[j + t] = v * wi - (Math.multiplyHigh(v, wsi) + (corr & v)) * q;
        }
        j1 += t << 1;
      }
      t <<= 1;
    }
    lastInverseStage(a);
  }

  /** The last inverse stage (span N/2) with 1/N folded into both outputs. */
  private void lastInverseStage(long[] a) {
    final long q = modulus.q;
    final long twoQ = q << 1;
    final int h = n >> 1;
    final long ni = nInv;
    final long nis = nInvShoup;
    final long li = lastInv;
    final long lis = lastInvShoup;
    for (int j = 0; j < h; j++) {
      long x = a[j];
      long y = a[j + h];
      long u = x + y;
      long v = x - y + twoQ;
      long r0 = u * ni - (Math.multiplyHigh(u, nis) + ((nis >> 63) & u)) * q;
      long r1 = v * li - (Math.multiplyHigh(v, lis) + ((lis >> 63) & v)) * q;
      r0 -= q & ((q - 1 - r0) >> 63);
      r1 -= q & ((q - 1 - r1) >> 63);
      a[j] = r0;
      a[j + h] = r1;
    }
  }

  /** Plain radix-2 inverse transform for N < 8. */
  private void inverseSmall(long[] a) {
    int t = 1;
    for (int m = n >> 1; m >= 1; m >>= 1) {
      int j1 = 0;
      for (int i = 0; i < m; i++) {
        long wi = inv[m + i];
        for (int j = j1; j < j1 + t; j++) {
          long x = a[j] % modulus.q;
          long y = a[j + t] % modulus.q;
          a[j] = modulus.add(x, y);
          a[j + t] = modulus.mul(modulus.sub(x, y), wi);
        }
        j1 += t << 1;
      }
      t <<= 1;
    }
    for (int j = 0; j < n; j++) {
      a[j] = modulus.mul(a[j], nInv);
    }
  }

  /** Twiddle in bit-reversed order, for tests and diagnostics. */
  long forwardTwiddle(int i) {
    return fwd[i];
  }
}
