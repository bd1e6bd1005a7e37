package dev.veil.he.rlwe;

import java.lang.ref.WeakReference;
import java.util.Arrays;

import dev.veil.he.ring.BasisConverter;
import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.NttTable;
import dev.veil.he.ring.RingContext;
import dev.veil.he.ring.ScratchPool;

/**
 * Hybrid key switching (Han-Ki): a polynomial {@code c} over {@code Q_l} is split into digits,
 * each digit raised to {@code Q_l P} by fast basis conversion (ModUp), multiplied by the key's
 * digit and summed, and the sum divided by {@code P} (ModDown). Returns {@code (k0, k1)} with
 * {@code k0 + k1 s ~ c s'}.
 *
 * <p>{@link #decompose} and {@link #apply} expose the split so that one decomposition serves many
 * automorphism keys (hoisted rotations, Halevi-Shoup): an automorphism permutes the NTT slots of
 * each digit, which commutes with the decomposition up to multiples that the gadget cancels.
 *
 * <p>Thread-safe: several threads may switch keys with one instance at once. Each call works in a
 * workspace of the instance (the input in coefficient form and two accumulators over {@code Q P},
 * about {@code 3 (qCount + pCount) N} longs) taken from a pool and handed back at its end, so
 * {@link #switchKey}, {@link #apply} and {@link #modDown} allocate no polynomial after the first
 * call of each concurrent caller; the pool keeps one workspace per caller there has been at once,
 * for the life of the instance. {@link #decompose} returns new rows by design.
 *
 * <p>A {@linkplain SwitchingKey#isCompact() compact} key's {@code a_j} are expanded from its seed
 * at each switch into a further buffer of the workspace ({@code dnum (qCount + pCount) N} longs,
 * allocated on the first compact key): the digits in parallel, each the AES-CTR stream it was
 * generated from. A workspace remembers the key it expanded last, so consecutive switches with one
 * key expand it once.
 */
public final class KeySwitcher {
  private final HeContext ctx;
  private final RingContext ring;
  private final Parameters params;
  private final ScratchPool<Workspace> workspaces;
  /** Overflow buffers of ModDown on its own (N longs each), for {@link #modDown}. */
  private final ScratchPool<long[]> overflows;

  /** A key switcher under the context's parameters; see the class comment on threads. */
  public KeySwitcher(HeContext ctx) {
    this.ctx = ctx;
    this.ring = ctx.ring();
    this.params = ctx.parameters();
    this.workspaces = new ScratchPool<>(Workspace::new);
    this.overflows = new ScratchPool<>(() -> new long[params.n()]);
  }

  /**
   * The buffers of one key switch, sized once for the top level: the input rows in coefficient
   * form, the two accumulators over {@code Q P}, and the overflow counts of each digit's and of
   * ModDown's basis conversion (only where a conversion has several source primes).
   */
  private final class Workspace {
    final long[][] coeff;
    final long[][] acc0;
    final long[][] acc1;
    final long[][] digitOverflow;
    final long[] modDownOverflow;

    Workspace() {
      int n = params.n();
      int all = params.qCount() + params.pCount();
      coeff = new long[params.qCount()][n];
      acc0 = new long[all][n];
      acc1 = new long[all][n];
      digitOverflow = params.alpha() > 1 ? new long[params.dnum()][n] : null;
      modDownOverflow = params.pCount() > 1 ? new long[n] : null;
    }

    /** The a parts of the last compact key expanded here ([digit][ring row][N]), or null. */
    long[][][] keyA;
    /** The compact key whose first {@code keyADigits} a parts {@link #keyA} holds (weakly). */
    WeakReference<SwitchingKey> keyAOf = new WeakReference<>(null);
    int keyADigits;

    long[] digitOverflow(int j) {
      return digitOverflow == null ? null : digitOverflow[j];
    }
  }

  /**
   * The key's a parts of the first {@code digits} digits, ring-indexed: the key's own rows when it
   * is expanded, else its seed's expansion into the workspace.
   */
  private long[][][] keyA(SwitchingKey key, int digits, Workspace ws) {
    long[][][] out = new long[digits][][];
    if (!key.isCompact()) {
      for (int j = 0; j < digits; j++) {
        out[j] = key.a(j);
      }
      return out;
    }
    if (ws.keyA == null) {
      ws.keyA = new long[params.dnum()][params.qCount() + params.pCount()][params.n()];
    }
    if (ws.keyAOf.get() != key || ws.keyADigits < digits) {
      ws.keyAOf = new WeakReference<>(null);
      long[][][] buf = ws.keyA;
      ring.parallelFor(digits, j -> key.expandA(j, buf[j]));
      ws.keyAOf = new WeakReference<>(key);
      ws.keyADigits = digits;
    }
    System.arraycopy(ws.keyA, 0, out, 0, digits);
    return out;
  }

  /** The digits of a polynomial raised to {@code Q_l P}, NTT form; reusable across keys. */
  public static final class Decomposition {
    final int level;
    /** [digit][row of Q_l then P][N]. */
    final long[][][] digits;

    Decomposition(int level, long[][][] digits) {
      this.level = level;
      this.digits = digits;
    }

    public int level() {
      return level;
    }
  }

  /** Ring index of row r of a polynomial over {@code Q_l P}. */
  private int ringIndex(int r, int level) {
    return r <= level ? r : params.qCount() + (r - level - 1);
  }

  /**
   * The inputs of every digit's conversion: all rows of {@code c} in coefficient form (one
   * inverse NTT per row, in parallel, into the workspace), each digit's rows then scaled in place
   * for its converter. Returns {@code y[j]} = the prepared rows of digit j.
   */
  private BasisConverter.Prepared[] digitInputs(long[][] c, int level, BasisConverter[] conv,
      Workspace ws) {
    long[][] coeff = ws.coeff;
    ring.parallelFor(
        level + 1,
        i -> {
          System.arraycopy(c[i], 0, coeff[i], 0, coeff[i].length);
          ring.ntt(i).inverse(coeff[i]);
        });
    BasisConverter.Prepared[] y = new BasisConverter.Prepared[conv.length];
    for (int j = 0; j < conv.length; j++) {
      int[] src = ctx.digitIndices(j, level);
      long[][] rows = new long[src.length][];
      for (int i = 0; i < src.length; i++) {
        rows[i] = coeff[src[i]];
      }
      y[j] = conv[j].prepare(rows, ws.digitOverflow(j));
    }
    return y;
  }

  private BasisConverter[] converters(int level) {
    BasisConverter[] conv = new BasisConverter[params.digitsAt(level)];
    for (int j = 0; j < conv.length; j++) {
      conv[j] = ctx.modUpConverter(j, level);
    }
    return conv;
  }

  /**
   * Row r of digit j over {@code Q_l P}, NTT form, into {@code out}: the input row itself when it
   * belongs to the digit, else its conversion.
   */
  private long[] digitRow(long[][] c, BasisConverter.Prepared y, int j, int level, int r,
      BasisConverter conv, long[] out) {
    int from = j * params.alpha();
    int size = y.rows().length;
    if (r <= level && r >= from && r < from + size) {
      return c[r];
    }
    int dstRow = r <= level ? (r < from ? r : r - size) : r - size;
    conv.convertRow(y, dstRow, out);
    // unreduced output (below 2^62) is fine: it only meets mulAdd2, whose Barrett product
    // accepts one operand up to 2^62 when the other (the key) is below q
    ring.ntt(ringIndex(r, level)).forwardLazy(out);
    return out;
  }

  /**
   * Whether a row's inner products can be summed unreduced in 128 bits and reduced once. A digit
   * row is below the transform's {@link NttTable#lazyBound()} (a lazily transformed conversion,
   * or a reduced input row) and the key below q, so the sum of {@code digits} products stays
   * below {@code 2^(bitlen(bound) + bitlen(digits) + bits)}; the final Barrett reduction takes
   * sums below {@code 2^(61 + bits)}.
   */
  private static boolean lazyRow(NttTable nt, int digits) {
    long bound = Math.max(nt.lazyBound(), nt.modulus.q);
    return (64 - Long.numberOfLeadingZeros(bound)) + (32 - Integer.numberOfLeadingZeros(digits))
        <= 61;
  }

  /** 128-bit accumulators of two inner products over one row. */
  private static final class Accumulators {
    final long[] lo0;
    final long[] hi0;
    final long[] lo1;
    final long[] hi1;

    Accumulators(int n) {
      lo0 = new long[n];
      hi0 = new long[n];
      lo1 = new long[n];
      hi1 = new long[n];
    }

    /** Starts both sums with {@code d * kb} and {@code d * ka}. */
    void set(long[] d, long[] kb, long[] ka) {
      final long[] l0 = lo0;
      final long[] h0 = hi0;
      final long[] l1 = lo1;
      final long[] h1 = hi1;
      for (int x = 0; x < d.length; x++) {
        long v = d[x];
        long b = kb[x];
        l0[x] = v * b;
        h0[x] = Math.multiplyHigh(v, b);
        long a = ka[x];
        l1[x] = v * a;
        h1[x] = Math.multiplyHigh(v, a);
      }
    }

    /** Adds {@code d * kb} and {@code d * ka} without reduction (all operands below 2^63). */
    void add(long[] d, long[] kb, long[] ka) {
      final long[] l0 = lo0;
      final long[] h0 = hi0;
      final long[] l1 = lo1;
      final long[] h1 = hi1;
      for (int x = 0; x < d.length; x++) {
        long v = d[x];
        long b = kb[x];
        long pl = v * b;
        long s = l0[x] + pl;
        h0[x] += Math.multiplyHigh(v, b) + ((s ^ Long.MIN_VALUE) < (pl ^ Long.MIN_VALUE) ? 1 : 0);
        l0[x] = s;
        long a = ka[x];
        pl = v * a;
        s = l1[x] + pl;
        h1[x] += Math.multiplyHigh(v, a) + ((s ^ Long.MIN_VALUE) < (pl ^ Long.MIN_VALUE) ? 1 : 0);
        l1[x] = s;
      }
    }

    /** Barrett-reduces both sums into {@code out0, out1}. */
    void reduceInto(long[] out0, long[] out1, Modulus m) {
      reduce(lo0, hi0, out0, m);
      reduce(lo1, hi1, out1, m);
    }

    private static void reduce(long[] lo, long[] hi, long[] out, Modulus m) {
      final long q = m.q;
      final long mu = m.mu;
      final int s1 = 66 - m.bits;
      final int s2 = m.bits - 2;
      for (int x = 0; x < out.length; x++) {
        long l = lo[x];
        long r = l - Math.multiplyHigh((hi[x] << s1) | (l >>> s2), mu) * q;
        r -= q & ((q - 1 - r) >> 63);
        out[x] = r - (q & ((q - 1 - r) >> 63));
      }
    }
  }

  private final ThreadLocal<Accumulators> accumulators = new ThreadLocal<>();

  private Accumulators accumulators() {
    Accumulators a = accumulators.get();
    if (a == null) {
      a = new Accumulators(params.n());
      accumulators.set(a);
    }
    return a;
  }

  /** Per-thread scratch row, reused across calls to avoid allocating (and zeroing) N longs. */
  private final ThreadLocal<long[]> scratch = new ThreadLocal<>();

  long[] scratch() {
    long[] b = scratch.get();
    if (b == null) {
      b = new long[params.n()];
      scratch.set(b);
    }
    return b;
  }

  /**
   * Switches {@code c} (NTT form, rows 0..level) with {@code key}; writes {@code k0, k1} (rows
   * 0..level, NTT form). {@code c} is not modified and may not alias the outputs.
   *
   * <p>Loop order: output rows in parallel, digits inside, so each row's two accumulators stay in
   * cache while the key rows stream through once.
   */
  public void switchKey(long[][] c, int level, SwitchingKey key, long[][] k0, long[][] k1) {
    Workspace ws = workspaces.take();
    try {
      BasisConverter[] conv = converters(level);
      BasisConverter.Prepared[] y = digitInputs(c, level, conv, ws);
      innerProducts(level, conv.length, key, keyA(key, conv.length, ws), k0, k1, ws,
          (j, r, buf) -> digitRow(c, y[j], j, level, r, conv[j], buf));
    } finally {
      workspaces.give(ws);
    }
  }

  /** Row r of digit j over {@code Q_l P}, NTT form; may use {@code buf} for it. */
  private interface DigitRows {
    long[] row(int j, int r, long[] buf);
  }

  /**
   * {@code k0, k1 = ModDown(sum_j digit_j * key_j)}: output rows in parallel, digits inside, so
   * each row's accumulators stay in cache while the key rows stream through once; on rows with
   * spare bits the sums are kept unreduced in 128 bits and reduced once.
   */
  private void innerProducts(int level, int digits, SwitchingKey key, long[][][] ka,
      long[][] k0, long[][] k1, Workspace ws, DigitRows digit) {
    int rows = level + 1 + params.pCount();
    long[][] acc0 = ws.acc0;
    long[][] acc1 = ws.acc1;
    ring.parallelFor(
        rows,
        r -> {
          int ri = ringIndex(r, level);
          Modulus m = ring.modulus(ri);
          long[] a0 = acc0[r];
          long[] a1 = acc1[r];
          long[] buf = scratch();
          if (lazyRow(ring.ntt(ri), digits)) {
            Accumulators acc = accumulators();
            for (int j = 0; j < digits; j++) {
              long[] d = digit.row(j, r, buf);
              if (j == 0) {
                acc.set(d, key.b(j)[ri], ka[j][ri]);
              } else {
                acc.add(d, key.b(j)[ri], ka[j][ri]);
              }
            }
            acc.reduceInto(a0, a1, m);
          } else {
            Arrays.fill(a0, 0);
            Arrays.fill(a1, 0);
            for (int j = 0; j < digits; j++) {
              mulAdd2(digit.row(j, r, buf), key.b(j)[ri], ka[j][ri], a0, a1, m);
            }
          }
        });
    modDown(acc0, level, k0, ws.modDownOverflow);
    modDown(acc1, level, k1, ws.modDownOverflow);
  }

  /** Decomposes {@code c} (NTT form, rows 0..level) once for several {@link #apply} calls. */
  public Decomposition decompose(long[][] c, int level) {
    int rows = level + 1 + params.pCount();
    Workspace ws = workspaces.take();
    try {
      BasisConverter[] conv = converters(level);
      BasisConverter.Prepared[] y = digitInputs(c, level, conv, ws);
      long[][][] out = new long[conv.length][rows][];
      ring.parallelFor(
          rows,
          r -> {
            for (int j = 0; j < conv.length; j++) {
              long[] buf = new long[params.n()];
              long[] d = digitRow(c, y[j], j, level, r, conv[j], buf);
              out[j][r] = d == buf ? buf : d.clone();
            }
          });
      return new Decomposition(level, out);
    } finally {
      workspaces.give(ws);
    }
  }

  /**
   * Key switching of {@code sigma(c)} from a decomposition of {@code c}, where {@code sigma} is the
   * NTT-slot permutation {@code perm} (null for none): {@code k0, k1} rows 0..level.
   */
  public void apply(Decomposition dec, SwitchingKey key, int[] perm, long[][] k0, long[][] k1) {
    Workspace ws = workspaces.take();
    try {
      innerProducts(dec.level, dec.digits.length, key, keyA(key, dec.digits.length, ws), k0, k1,
          ws, (j, r, buf) -> {
        if (perm == null) {
          return dec.digits[j][r];
        }
        RingContext.permute(dec.digits[j][r], buf, perm);
        return buf;
      });
    } finally {
      workspaces.give(ws);
    }
  }

  /**
   * {@code out = round(acc / P)} over the data primes up to {@code level}: {@code acc} has rows
   * Q_l then P (NTT form); its P rows are consumed. Rounding (rather than flooring) matters: a
   * floor leaves a bias of 1/2 on every coefficient, which the secret multiplies into an error
   * concentrated on a few slots.
   */
  public void modDown(long[][] acc, int level, long[][] out) {
    if (params.pCount() == 1) {
      modDown(acc, level, out, null);
      return;
    }
    long[] overflow = overflows.take();
    try {
      modDown(acc, level, out, overflow);
    } finally {
      overflows.give(overflow);
    }
  }

  /** {@link #modDown(long[][], int, long[][])} with the conversion's overflow buffer. */
  private void modDown(long[][] acc, int level, long[][] out, long[] overflow) {
    int k = params.pCount();
    BasisConverter conv = ctx.modDownConverter(level);
    long[][] pRows = new long[k][];
    ring.parallelFor(
        k,
        i -> {
          long[] r = acc[level + 1 + i];
          NttTable nt = ring.ntt(params.qCount() + i);
          nt.inverse(r);
          pRows[i] = r;
        });
    BasisConverter.Prepared prepared = conv.prepare(pRows, overflow);
    ring.parallelFor(
        level + 1,
        i -> {
          long[] t = scratch();
          conv.convertRow(prepared, i, t);
          NttTable nt = ring.ntt(i);
          Modulus m = nt.modulus;
          long q = m.q;
          nt.forwardLazy(t); // the centered conversion makes this a rounded division
          long bound = nt.lazyBound();
          long pInv = ctx.pInvModQ(i);
          long pInvShoup = m.shoup(pInv);
          long[] a = acc[i];
          long[] o = out[i];
          for (int x = 0; x < o.length; x++) {
            long d = a[x] + (bound - t[x]); // non-negative, below 2^63
            long r = d * pInv - (Math.multiplyHigh(d, pInvShoup) + ((pInvShoup >> 63) & d)) * q;
            o[x] = r - (q & ((q - 1 - r) >> 63));
          }
        });
  }

  /**
   * {@code acc0 += d * kb, acc1 += d * ka} modulo m: kb, ka and the accumulators in [0, q), d
   * below 2^61 (the Barrett reduction takes products below {@code 2^(61 + bits)}).
   */
  static void mulAdd2(long[] d, long[] kb, long[] ka, long[] acc0, long[] acc1, Modulus m) {
    final long q = m.q;
    final int bits = m.bits;
    final long mu = m.mu;
    final int s1 = 66 - bits;
    final int s2 = bits - 2;
    for (int x = 0; x < d.length; x++) {
      long v = d[x];
      long y = kb[x];
      long lo = v * y;
      long hi = Math.multiplyHigh(v, y);
      long r = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      r -= q & ((q - 1 - r) >> 63);
      r -= q & ((q - 1 - r) >> 63);
      r += acc0[x];
      acc0[x] = r - (q & ((q - 1 - r) >> 63));
      y = ka[x];
      lo = v * y;
      hi = Math.multiplyHigh(v, y);
      r = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      r -= q & ((q - 1 - r) >> 63);
      r -= q & ((q - 1 - r) >> 63);
      r += acc1[x];
      acc1[x] = r - (q & ((q - 1 - r) >> 63));
    }
  }
}
