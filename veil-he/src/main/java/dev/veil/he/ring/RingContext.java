package dev.veil.he.ring;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The ring {@code Z_Q[X]/(X^N + 1)} in residue-number-system form: a list of word-sized primes,
 * their NTT tables, and an executor that runs independent limbs on several threads.
 *
 * <p>A polynomial is a {@code long[rows][N]}; which prime a row lives under is given by an
 * {@code int[]} of indices into {@link #modulus(int)}. Every kernel here works row by row, so the
 * result of a parallel run is bit-for-bit that of a single-threaded one.
 */
public final class RingContext implements AutoCloseable {
  /** Below this ring degree, limbs are processed on the calling thread only. */
  public static final int PARALLEL_MIN_N = 1 << 12;

  public final int logN;
  public final int n;
  private final Modulus[] moduli;
  private final NttTable[] ntt;
  private final int threads;
  private final ForkJoinPool pool;
  private final ConcurrentHashMap<Long, int[]> galoisPermutations = new ConcurrentHashMap<>();

  /**
   * @param primes all primes of the ring (data primes first, then special primes)
   * @param threads worker threads for limb-parallel loops; 1 runs everything on the caller
   */
  public RingContext(int logN, long[] primes, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.logN = logN;
    this.n = 1 << logN;
    this.moduli = new Modulus[primes.length];
    this.ntt = new NttTable[primes.length];
    for (int i = 0; i < primes.length; i++) {
      moduli[i] = new Modulus(primes[i]);
    }
    this.threads = threads;
    this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
    parallelFor(primes.length, i -> ntt[i] = new NttTable(moduli[i], logN));
  }

  public Modulus modulus(int i) {
    return moduli[i];
  }

  public NttTable ntt(int i) {
    return ntt[i];
  }

  public int moduliCount() {
    return moduli.length;
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code body(i)} for i in [0, count), on the worker threads when that pays off. */
  public void parallelFor(int count, IntConsumer body) {
    if (pool == null || count < 2 || n < PARALLEL_MIN_N) {
      for (int i = 0; i < count; i++) {
        body.accept(i);
      }
      return;
    }
    ForkJoinTask<?> task = pool.submit(() -> IntStream.range(0, count).parallel().forEach(body));
    task.join();
  }

  /** Indices {@code 0..count-1}: the first {@code count} primes. */
  public static int[] range(int from, int count) {
    int[] r = new int[count];
    for (int i = 0; i < count; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** Concatenation of two index lists. */
  public static int[] concat(int[] a, int[] b) {
    int[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  public long[][] newPoly(int rows) {
    return new long[rows][n];
  }

  // ---------------------------------------------------------------- transforms

  public void forwardNtt(long[][] p, int[] mods) {
    parallelFor(mods.length, i -> ntt[mods[i]].forward(p[i]));
  }

  public void inverseNtt(long[][] p, int[] mods) {
    parallelFor(mods.length, i -> ntt[mods[i]].inverse(p[i]));
  }

  // ---------------------------------------------------------------- coefficient-wise kernels
  // out may alias a or b in all of them.

  public void add(long[][] a, long[][] b, long[][] out, int[] mods) {
    parallelFor(mods.length, i -> add(a[i], b[i], out[i], moduli[mods[i]].q));
  }

  public void sub(long[][] a, long[][] b, long[][] out, int[] mods) {
    parallelFor(mods.length, i -> sub(a[i], b[i], out[i], moduli[mods[i]].q));
  }

  public void neg(long[][] a, long[][] out, int[] mods) {
    parallelFor(mods.length, i -> neg(a[i], out[i], moduli[mods[i]].q));
  }

  public void mul(long[][] a, long[][] b, long[][] out, int[] mods) {
    parallelFor(mods.length, i -> mul(a[i], b[i], out[i], moduli[mods[i]]));
  }

  public void mulAdd(long[][] a, long[][] b, long[][] acc, int[] mods) {
    parallelFor(mods.length, i -> mulAdd(a[i], b[i], acc[i], moduli[mods[i]]));
  }

  /** {@code out = a * c} where row i's constant is {@code constants[i] < q_i}. */
  public void mulScalar(long[][] a, long[] constants, long[][] out, int[] mods) {
    parallelFor(mods.length, i -> mulScalar(a[i], constants[i], out[i], moduli[mods[i]]));
  }

  public static void add(long[] a, long[] b, long[] out, long q) {
    for (int j = 0; j < out.length; j++) {
      long s = a[j] + b[j];
      out[j] = s - (q & ((q - 1 - s) >> 63));
    }
  }

  public static void sub(long[] a, long[] b, long[] out, long q) {
    for (int j = 0; j < out.length; j++) {
      long s = a[j] - b[j];
      out[j] = s + (q & (s >> 63));
    }
  }

  public static void neg(long[] a, long[] out, long q) {
    for (int j = 0; j < out.length; j++) {
      long x = a[j];
      out[j] = x == 0 ? 0 : q - x;
    }
  }

  public static void mul(long[] a, long[] b, long[] out, Modulus m) {
    final long q = m.q;
    final int bits = m.bits;
    final long mu = m.mu;
    final int s1 = 66 - bits;
    final int s2 = bits - 2;
    for (int j = 0; j < out.length; j++) {
      long x = a[j];
      long y = b[j];
      long lo = x * y;
      long hi = Math.multiplyHigh(x, y);
      long r = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      r -= q & ((q - 1 - r) >> 63);
      out[j] = r - (q & ((q - 1 - r) >> 63));
    }
  }

  public static void mulAdd(long[] a, long[] b, long[] acc, Modulus m) {
    final long q = m.q;
    final int bits = m.bits;
    final long mu = m.mu;
    final int s1 = 66 - bits;
    final int s2 = bits - 2;
    for (int j = 0; j < acc.length; j++) {
      long x = a[j];
      long y = b[j];
      long lo = x * y;
      long hi = Math.multiplyHigh(x, y);
      long r = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      r -= q & ((q - 1 - r) >> 63);
      r -= q & ((q - 1 - r) >> 63);
      r += acc[j];
      acc[j] = r - (q & ((q - 1 - r) >> 63));
    }
  }

  public static void mulScalar(long[] a, long c, long[] out, Modulus m) {
    final long q = m.q;
    final long cs = m.shoup(c);
    for (int j = 0; j < out.length; j++) {
      long x = a[j];
      long r = x * c - (Math.multiplyHigh(x, cs) + ((cs >> 63) & x)) * q;
      out[j] = r - (q & ((q - 1 - r) >> 63));
    }
  }

  public static void mulScalarAdd(long[] a, long c, long[] acc, Modulus m) {
    final long q = m.q;
    final long cs = m.shoup(c);
    for (int j = 0; j < acc.length; j++) {
      long x = a[j];
      long r = x * c - (Math.multiplyHigh(x, cs) + ((cs >> 63) & x)) * q;
      r -= q & ((q - 1 - r) >> 63);
      r += acc[j];
      acc[j] = r - (q & ((q - 1 - r) >> 63));
    }
  }

  // ---------------------------------------------------------------- automorphisms

  /**
   * Permutation that applies {@code X -> X^g} to a polynomial in NTT form: {@code out[k] =
   * in[perm[k]]}. NTT slot k evaluates at {@code psi^(2 bitrev(k) + 1)}, so the automorphism
   * moves the evaluation at exponent e to exponent e*g.
   */
  public int[] galoisPermutation(long galoisElement) {
    long twoN = 2L * n;
    if ((galoisElement & 1) == 0 || galoisElement <= 0 || galoisElement >= twoN) {
      throw new IllegalArgumentException(
          "Galois element must be odd and in (0, 2N): " + galoisElement);
    }
    return galoisPermutations.computeIfAbsent(
        galoisElement,
        g -> {
          int[] perm = new int[n];
          for (int k = 0; k < n; k++) {
            long e = 2L * NttTable.bitReverse(k, logN) + 1;
            long eg = (e * g) % twoN;
            perm[k] = NttTable.bitReverse((int) ((eg - 1) >> 1), logN);
          }
          return perm;
        });
  }

  public void automorphismNtt(long[][] in, long[][] out, int rows, int[] perm) {
    if (in == out) {
      throw new IllegalArgumentException("automorphism cannot run in place");
    }
    parallelFor(rows, i -> permute(in[i], out[i], perm));
  }

  public static void permute(long[] in, long[] out, int[] perm) {
    for (int k = 0; k < out.length; k++) {
      out[k] = in[perm[k]];
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdown();
    }
  }
}
