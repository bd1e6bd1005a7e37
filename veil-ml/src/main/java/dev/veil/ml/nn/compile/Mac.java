package dev.veil.ml.nn.compile;

import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.RingContext;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;

/**
 * The throughput mode's multiply-accumulate: {@code out = sum_c k_c x_c + b} for ciphertexts
 * {@code x_c} and integer constants {@code k_c} (the weights at a chosen scale), with lazy
 * reduction: each product is a Shoup multiplication left in [0, 2q) and summed into a 64-bit
 * accumulator, reduced only when the next term could overflow and once at the end, instead of
 * one full modular multiplication, one modular addition and one pass over memory per term (what
 * {@code mulConst} then {@code add} cost). No level is consumed; the caller rescales once per
 * output. Stateless.
 */
final class Mac {
  private Mac() {}

  /** Residue of the integer nearest to v (any magnitude) modulo m. */
  static long residue(double v, Modulus m) {
    double r = Math.rint(v);
    if (Math.abs(r) < 0x1p62) {
      return m.reduceSigned((long) r);
    }
    int e = Math.getExponent(r) - 52;
    long mant = (long) Math.scalb(r, -e);
    return m.mul(m.reduceSigned(mant), m.pow(2, e));
  }

  /**
   * Constants of one output at {@code level}: {@code k[t][i]} (the residue of round(w[t]
   * constScale) modulo prime i) and their Shoup companions.
   */
  static long[][][] constants(RingContext ring, double[] w, double constScale, int level) {
    long[][] k = new long[w.length][level + 1];
    long[][] ks = new long[w.length][level + 1];
    for (int t = 0; t < w.length; t++) {
      for (int i = 0; i <= level; i++) {
        Modulus m = ring.modulus(i);
        k[t][i] = residue(w[t] * constScale, m);
        ks[t][i] = m.shoup(k[t][i]);
      }
    }
    return new long[][][] {k, ks};
  }

  /**
   * {@code out = sum_t k[t] in[idx[t]] + bias} at {@code level}, every input of {@code degree}
   * (1 or 2) at that level or above, {@code out} reset to that degree, level and {@code scale}.
   *
   * @param bias residues of the bias (already at the output's scale) per prime, or null
   */
  static void accumulate(Parameters params, RingContext ring, Ciphertext[] in, int[] idx,
      long[][] k, long[][] kShoup, long[] bias, int level, int degree, double scale,
      Ciphertext out) {
    int n = params.n();
    out.reset(degree, level, scale);
    long[] acc = new long[n];
    for (int p = 0; p <= degree; p++) {
      long[][] dst = out.poly(p);
      for (int i = 0; i <= level; i++) {
        long q = ring.modulus(i).q;
        long limit = Long.MAX_VALUE / (2 * q) - 1; // terms below 2q each before a reduction
        java.util.Arrays.fill(acc, 0);
        long pending = 0;
        for (int t = 0; t < idx.length; t++) {
          Ciphertext x = in[idx[t]];
          if (p > x.degree()) {
            continue;
          }
          long[] row = x.poly(p)[i];
          long w = k[t][i];
          long ws = kShoup[t][i];
          if (w == 0) {
            continue;
          }
          for (int j = 0; j < n; j++) {
            long xj = row[j];
            long hi = Math.multiplyHigh(xj, ws) + ((ws >> 63) & xj);
            acc[j] += xj * w - hi * q;
          }
          if (++pending >= limit) {
            for (int j = 0; j < n; j++) {
              acc[j] %= q;
            }
            pending = 1;
          }
        }
        long b = p == 0 && bias != null ? bias[i] : 0;
        long[] o = dst[i];
        for (int j = 0; j < n; j++) {
          long r = acc[j] % q + b;
          o[j] = r >= q ? r - q : r;
        }
      }
    }
  }

  /** Coefficients per task of {@link #accumulateLayer}: the inputs' tiles stay in cache. */
  static final int TILE = 128;

  /**
   * Every output of a layer at once: {@code out[r] = sum_t k[r][t] in[idx[r][t]] + bias[r]},
   * split into tasks of one polynomial, one prime and {@value #TILE} coefficients, so that a
   * task reads each input's tile once from memory for all the outputs (a row-at-a-time loop
   * would stream every input ciphertext once per output: for CryptoNets' 845 x 100 layer, a
   * hundred passes over 845 ciphertexts). Outputs are reset to {@code degree}, {@code level},
   * {@code scale}; parallel over the tasks.
   */
  static void accumulateLayer(Parameters params, RingContext ring, Ciphertext[] in,
      int[][] idx, long[][][] k, long[][][] kShoup, long[][] bias, int level, int degree,
      double scale, Ciphertext[] out) {
    int n = params.n();
    for (Ciphertext o : out) {
      o.reset(degree, level, scale);
    }
    int tiles = (n + TILE - 1) / TILE;
    int tasks = (degree + 1) * (level + 1) * tiles;
    ring.parallelFor(tasks, task -> {
      int tile = task % tiles;
      int i = (task / tiles) % (level + 1);
      int p = task / tiles / (level + 1);
      int from = tile * TILE;
      int to = Math.min(n, from + TILE);
      long q = ring.modulus(i).q;
      long limit = Long.MAX_VALUE / (2 * q) - 1;
      long[] acc = new long[to - from];
      for (int r = 0; r < out.length; r++) {
        java.util.Arrays.fill(acc, 0);
        int[] ir = idx[r];
        long[][] kr = k[r];
        long[][] ksr = kShoup[r];
        long pending = 0;
        for (int t = 0; t < ir.length; t++) {
          Ciphertext x = in[ir[t]];
          long w = kr[t][i];
          if (p > x.degree() || w == 0) {
            continue;
          }
          long ws = ksr[t][i];
          long[] row = x.poly(p)[i];
          for (int j = from; j < to; j++) {
            long xj = row[j];
            long hi = Math.multiplyHigh(xj, ws) + ((ws >> 63) & xj);
            acc[j - from] += xj * w - hi * q;
          }
          if (++pending >= limit) {
            for (int j = 0; j < acc.length; j++) {
              acc[j] %= q;
            }
            pending = 1;
          }
        }
        long b = p == 0 && bias != null ? bias[r][i] : 0;
        long[] o = out[r].poly(p)[i];
        for (int j = from; j < to; j++) {
          long v = acc[j - from] % q + b;
          o[j] = v >= q ? v - q : v;
        }
      }
    });
  }
}
