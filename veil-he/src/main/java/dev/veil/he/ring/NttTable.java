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
  private final long[] inv;
  private final long[] invShoup;
  private final long nInv;
  private final long nInvShoup;
  /** {@code psiInv[1] * nInv}: the last inverse stage's twiddle with 1/N folded in. */
  private final long lastInv;
  private final long lastInvShoup;

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
    for (int i = 0; i < n; i++) {
      fwdShoup[i] = modulus.shoup(fwd[i]);
      invShoup[i] = modulus.shoup(inv[i]);
    }
    nInv = modulus.inv(n);
    nInvShoup = modulus.shoup(nInv);
    lastInv = modulus.mul(inv[1], nInv);
    lastInvShoup = modulus.shoup(lastInv);
  }

  public static int bitReverse(int x, int bits) {
    return Integer.reverse(x) >>> (32 - bits);
  }

  /** In-place forward transform; input in [0, q) (or [0, 2q)), output in [0, q). */
  public void forward(long[] a) {
    final long q = modulus.q;
    final long twoQ = q << 1;
    final long[] w = fwd;
    final long[] ws = fwdShoup;
    int t = n;
    for (int m = 1; m < n; m <<= 1) {
      t >>= 1;
      if (t >= 4) {
        for (int i = 0; i < m; i++) {
          final int j1 = 2 * i * t;
          final int j2 = j1 + t;
          final long wi = w[m + i];
          final long wsi = ws[m + i];
          for (int j = j1; j < j2; j++) {
            long x = a[j];
            long y = a[j + t];
            x -= twoQ & ((twoQ - 1 - x) >> 63);
            long tt = y * wi - (Math.multiplyHigh(y, wsi) + ((wsi >> 63) & y)) * q;
            a[j] = x + tt;
            a[j + t] = x - tt + twoQ;
          }
        }
      } else {
        // short butterfly spans (t = 2, 1): one flat loop over groups
        for (int i = 0; i < m; i++) {
          final int j1 = 2 * i * t;
          final long wi = w[m + i];
          final long wsi = ws[m + i];
          for (int j = j1; j < j1 + t; j++) {
            long x = a[j];
            long y = a[j + t];
            x -= twoQ & ((twoQ - 1 - x) >> 63);
            long tt = y * wi - (Math.multiplyHigh(y, wsi) + ((wsi >> 63) & y)) * q;
            a[j] = x + tt;
            a[j + t] = x - tt + twoQ;
          }
        }
      }
    }
    for (int j = 0; j < n; j++) {
      long x = a[j];
      x -= twoQ & ((twoQ - 1 - x) >> 63);
      x -= q & ((q - 1 - x) >> 63);
      a[j] = x;
    }
  }

  /** In-place inverse transform; input in [0, 2q), output in [0, q). */
  public void inverse(long[] a) {
    final long q = modulus.q;
    final long twoQ = q << 1;
    final long[] w = inv;
    final long[] ws = invShoup;
    int t = 1;
    for (int m = n >> 1; m > 1; m >>= 1) {
      int j1 = 0;
      for (int i = 0; i < m; i++) {
        final int j2 = j1 + t;
        final long wi = w[m + i];
        final long wsi = ws[m + i];
        for (int j = j1; j < j2; j++) {
          long x = a[j];
          long y = a[j + t];
          long u = x + y;
          u -= twoQ & ((twoQ - 1 - u) >> 63);
          long v = x - y + twoQ;
          a[j] = u;
          a[j + t] = v * wi - (Math.multiplyHigh(v, wsi) + ((wsi >> 63) & v)) * q;
        }
        j1 += t << 1;
      }
      t <<= 1;
    }
    // last stage (m = 1, t = N/2) with 1/N folded into both outputs
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

  /** Twiddle in bit-reversed order, for tests and diagnostics. */
  long forwardTwiddle(int i) {
    return fwd[i];
  }
}
