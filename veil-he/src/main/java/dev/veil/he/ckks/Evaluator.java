package dev.veil.he.ckks;

import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.NttTable;
import dev.veil.he.ring.RingContext;
import dev.veil.he.ring.ScratchPool;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeySwitcher;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Homomorphic operations on CKKS ciphertexts.
 *
 * <p>Each operation comes as {@code op(a, b, out)}, which writes into {@code out} (reusing its
 * arrays; {@code out} may be one of the inputs), and {@code opNew(a, b)}, which returns a new
 * ciphertext. Every operation checks on entry that its operands were made under this evaluator's
 * parameters ({@link dev.veil.he.rlwe.ParameterMismatchException}), that levels and scales are
 * compatible ({@link LevelException}, {@link ScaleMismatchException}) and that the ciphertext has
 * the right degree ({@link IllegalArgumentException}); evaluation keys are passed in at
 * construction and a missing one raises {@link dev.veil.he.rlwe.MissingKeyException} naming the
 * rotation.
 *
 * <p>Binary operations on operands at different levels work at the lower level. Scales are
 * tracked exactly: a product has scale {@code a.scale * b.scale}, a rescale divides by the prime
 * it removes. Additions require scales equal to within a relative {@value #SCALE_TOLERANCE}; use
 * {@link #setScale} to bring one ciphertext to another's scale.
 *
 * <p>Thread-safe if the ciphertexts passed are not shared between threads. Operations that write
 * into a given {@code out} ({@link #relinearize}, {@link #rescale}, {@link #rotate}, {@link
 * #conjugate}, {@link #mul} and the other element-wise ones) allocate no polynomial: their
 * temporaries live in a workspace of this evaluator, taken from a pool for the length of one call
 * and handed back, one workspace per thread calling at once (up to four polynomials of {@code
 * qCount} rows, made as an operation first needs them), kept for the life of the evaluator.
 */
public final class Evaluator {
  /** Relative difference under which two scales count as equal. */
  public static final double SCALE_TOLERANCE = 1e-9;

  private final HeContext ctx;
  private final Parameters params;
  private final RingContext ring;
  private final EvaluationKeys keys;
  private final KeySwitcher switcher;
  private final int n;
  private final ScratchPool<Workspace> workspaces = new ScratchPool<>(Workspace::new);

  /**
   * Temporaries of one operation: up to four polynomials over every data prime and one row,
   * each made the first time an operation asks for it.
   */
  private final class Workspace {
    private final long[][][] polys = new long[4][][];
    private long[] row;

    /** Polynomial {@code i} (0..3), qCount rows of N. */
    long[][] poly(int i) {
      if (polys[i] == null) {
        polys[i] = new long[params.qCount()][n];
      }
      return polys[i];
    }

    long[] row() {
      if (row == null) {
        row = new long[n];
      }
      return row;
    }
  }

  public Evaluator(HeContext ctx, EvaluationKeys keys) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    params.requireSame(keys.parameters(), "evaluator keys");
    this.ring = ctx.ring();
    this.keys = keys;
    this.switcher = new KeySwitcher(ctx);
    this.n = params.n();
  }

  /** An evaluator without evaluation keys: everything but relinearisation and rotations. */
  public Evaluator(HeContext ctx) {
    this(ctx, EvaluationKeys.empty(ctx.parameters()));
  }

  public HeContext context() {
    return ctx;
  }

  public EvaluationKeys keys() {
    return keys;
  }

  // ------------------------------------------------------------------ checks

  private void check(Ciphertext ct, String op) {
    params.requireSame(ct.parameters(), op);
  }

  private void check(Plaintext pt, String op) {
    params.requireSame(pt.parameters(), op);
  }

  private static void requireDegree1(Ciphertext ct, String op) {
    if (ct.degree() != 1) {
      throw new IllegalArgumentException(
          op + ": needs a degree-1 ciphertext, got degree " + ct.degree() + " (relinearize first)");
    }
  }

  static void requireSameScale(double a, double b, String op) {
    if (Math.abs(a - b) > SCALE_TOLERANCE * Math.max(a, b)) {
      throw new ScaleMismatchException(
          String.format(
              "%s: scales differ (2^%.6f vs 2^%.6f); bring one to the other with setScale",
              op, log2(a), log2(b)));
    }
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** log2 of Q_level. */
  private double logQ(int level) {
    double s = 0;
    for (int i = 0; i <= level; i++) {
      s += log2(params.q(i));
    }
    return s;
  }

  private void checkScaleFits(double scale, int level, String op) {
    if (!(log2(scale) < logQ(level) - 1)) {
      if (level == 0) {
        throw new LevelException(String.format(
            "%s: result scale 2^%.1f does not fit the last prime (2^%.1f) and no level is left to"
                + " rescale: the computation is deeper than the parameters allow (choose them"
                + " with ParameterSelector for the depth you need)",
            op, log2(scale), logQ(0)));
      }
      throw new ScaleMismatchException(
          String.format(
              "%s: result scale 2^%.1f does not fit the modulus at level %d (2^%.1f): rescale"
                  + " the operands first",
              op, log2(scale), level, logQ(level)));
    }
  }

  // ------------------------------------------------------------------ add, sub, negate

  /** {@code out = a + b}, at the lower level of the two; scales must match. */
  public void add(Ciphertext a, Ciphertext b, Ciphertext out) {
    addSub(a, b, out, false, "add");
  }

  public Ciphertext addNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = Ciphertext.empty(params);
    add(a, b, out);
    return out;
  }

  /** {@code out = a - b}, at the lower level of the two; scales must match. */
  public void sub(Ciphertext a, Ciphertext b, Ciphertext out) {
    addSub(a, b, out, true, "sub");
  }

  public Ciphertext subNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = Ciphertext.empty(params);
    sub(a, b, out);
    return out;
  }

  private void addSub(Ciphertext a, Ciphertext b, Ciphertext out, boolean subtract, String op) {
    check(a, op);
    check(b, op);
    check(out, op);
    requireSameScale(a.scale(), b.scale(), op);
    int level = Math.min(a.level(), b.level());
    int degree = Math.max(a.degree(), b.degree());
    int da = a.degree();
    int db = b.degree();
    out.reset(degree, level, a.scale());
    for (int p = 0; p <= degree; p++) {
      final int pp = p;
      long[][] o = out.poly(p);
      ring.parallelFor(
          level + 1,
          i -> {
            long q = ring.modulus(i).q;
            if (pp <= da && pp <= db) {
              if (subtract) {
                RingContext.sub(a.poly(pp)[i], b.poly(pp)[i], o[i], q);
              } else {
                RingContext.add(a.poly(pp)[i], b.poly(pp)[i], o[i], q);
              }
            } else if (pp <= da) {
              System.arraycopy(a.poly(pp)[i], 0, o[i], 0, n);
            } else if (subtract) {
              RingContext.neg(b.poly(pp)[i], o[i], q);
            } else {
              System.arraycopy(b.poly(pp)[i], 0, o[i], 0, n);
            }
          });
    }
  }

  /** {@code out = -a}. */
  public void negate(Ciphertext a, Ciphertext out) {
    check(a, "negate");
    check(out, "negate");
    out.reset(a.degree(), a.level(), a.scale());
    for (int p = 0; p <= a.degree(); p++) {
      ring.neg(a.poly(p), out.poly(p), ctx.qIndices(a.level()));
    }
  }

  public Ciphertext negateNew(Ciphertext a) {
    Ciphertext out = Ciphertext.empty(params);
    negate(a, out);
    return out;
  }

  // ------------------------------------------------------------------ plaintext operands

  /** {@code out = ct + pt}; the plaintext must cover the ciphertext's level and share its scale. */
  public void addPlain(Ciphertext ct, Plaintext pt, Ciphertext out) {
    plainAddSub(ct, pt, out, false, "addPlain");
  }

  public Ciphertext addPlainNew(Ciphertext ct, Plaintext pt) {
    Ciphertext out = Ciphertext.empty(params);
    addPlain(ct, pt, out);
    return out;
  }

  /** {@code out = ct - pt}. */
  public void subPlain(Ciphertext ct, Plaintext pt, Ciphertext out) {
    plainAddSub(ct, pt, out, true, "subPlain");
  }

  public Ciphertext subPlainNew(Ciphertext ct, Plaintext pt) {
    Ciphertext out = Ciphertext.empty(params);
    subPlain(ct, pt, out);
    return out;
  }

  private void requirePlainLevel(Ciphertext ct, Plaintext pt, String op) {
    if (pt.level() < ct.level()) {
      throw new LevelException(
          op + ": plaintext at level " + pt.level() + " is below the ciphertext's level "
              + ct.level() + "; encode it at level " + ct.level());
    }
  }

  private void plainAddSub(Ciphertext ct, Plaintext pt, Ciphertext out, boolean sub, String op) {
    check(ct, op);
    check(pt, op);
    check(out, op);
    requirePlainLevel(ct, pt, op);
    requireSameScale(ct.scale(), pt.scale(), op);
    int level = ct.level();
    copyInto(ct, out, level);
    int[] q = ctx.qIndices(level);
    if (sub) {
      ring.sub(out.poly(0), pt.poly(), out.poly(0), q);
    } else {
      ring.add(out.poly(0), pt.poly(), out.poly(0), q);
    }
  }

  /** {@code out = ct * pt}; scale becomes the product of the scales. */
  public void mulPlain(Ciphertext ct, Plaintext pt, Ciphertext out) {
    check(ct, "mulPlain");
    check(pt, "mulPlain");
    check(out, "mulPlain");
    requirePlainLevel(ct, pt, "mulPlain");
    int level = ct.level();
    double scale = ct.scale() * pt.scale();
    checkScaleFits(scale, level, "mulPlain");
    int degree = ct.degree();
    out.reset(degree, level, scale);
    int[] q = ctx.qIndices(level);
    for (int p = 0; p <= degree; p++) {
      ring.mul(ct.poly(p), pt.poly(), out.poly(p), q);
    }
  }

  public Ciphertext mulPlainNew(Ciphertext ct, Plaintext pt) {
    Ciphertext out = Ciphertext.empty(params);
    mulPlain(ct, pt, out);
    return out;
  }

  // ------------------------------------------------------------------ constants

  /** {@code out = ct + c} in every slot. */
  public void addConst(Ciphertext ct, double c, Ciphertext out) {
    addConst(ct, c, 0, out);
  }

  /** {@code out = ct + (re + i im)} in every slot. */
  public void addConst(Ciphertext ct, double re, double im, Ciphertext out) {
    check(ct, "addConst");
    check(out, "addConst");
    requireFinite(re, "addConst");
    requireFinite(im, "addConst");
    int level = ct.level();
    long[][] cp = constantPoly(re * ct.scale(), im * ct.scale(), level);
    copyInto(ct, out, level);
    ring.add(out.poly(0), cp, out.poly(0), ctx.qIndices(level));
  }

  public Ciphertext addConstNew(Ciphertext ct, double c) {
    Ciphertext out = Ciphertext.empty(params);
    addConst(ct, c, out);
    return out;
  }

  /**
   * {@code out = ct * k} for an integer k: exact, scale unchanged, no level consumed.
   */
  public void mulInt(Ciphertext ct, long k, Ciphertext out) {
    check(ct, "mulInt");
    check(out, "mulInt");
    int level = ct.level();
    long[] ks = new long[level + 1];
    for (int i = 0; i <= level; i++) {
      ks[i] = ring.modulus(i).reduceSigned(k);
    }
    copyInto(ct, out, level);
    for (int p = 0; p <= out.degree(); p++) {
      ring.mulScalar(out.poly(p), ks, out.poly(p), ctx.qIndices(level));
    }
  }

  public Ciphertext mulIntNew(Ciphertext ct, long k) {
    Ciphertext out = Ciphertext.empty(params);
    mulInt(ct, k, out);
    return out;
  }

  /**
   * {@code out = ct * c} for a real constant, encoded at the scale of the prime the next rescale
   * removes ({@code q_level}), so that after {@link #rescale} the scale is exactly the input's.
   *
   * @throws LevelException at level 0, where no rescale can follow
   */
  public void mulConst(Ciphertext ct, double c, Ciphertext out) {
    mulConst(ct, c, 0, out);
  }

  /** {@code out = ct * (re + i im)}, constant at scale {@code q_level} (see the real version). */
  public void mulConst(Ciphertext ct, double re, double im, Ciphertext out) {
    check(ct, "mulConst");
    if (ct.level() == 0) {
      throw new LevelException(
          "mulConst: ciphertext is at level 0, no prime is left to rescale the product; use"
              + " mulConst with an explicit scale or mulInt");
    }
    mulConst(ct, re, im, (double) params.q(ct.level()), out);
  }

  /** {@code out = ct * (re + i im)} with the constant encoded at {@code constScale}. */
  public void mulConst(Ciphertext ct, double re, double im, double constScale, Ciphertext out) {
    check(ct, "mulConst");
    check(out, "mulConst");
    requireFinite(re, "mulConst");
    requireFinite(im, "mulConst");
    int level = ct.level();
    double scale = ct.scale() * constScale;
    checkScaleFits(scale, level, "mulConst");
    copyInto(ct, out, level);
    int[] q = ctx.qIndices(level);
    if (im == 0) {
      long[] ks = new long[level + 1];
      for (int i = 0; i <= level; i++) {
        ks[i] = Encoder.residue(re * constScale, ring.modulus(i));
      }
      for (int p = 0; p <= out.degree(); p++) {
        ring.mulScalar(out.poly(p), ks, out.poly(p), q);
      }
    } else {
      long[][] cp = constantPoly(re * constScale, im * constScale, level);
      for (int p = 0; p <= out.degree(); p++) {
        ring.mul(out.poly(p), cp, out.poly(p), q);
      }
    }
    out.setScale(scale);
  }

  public Ciphertext mulConstNew(Ciphertext ct, double c) {
    Ciphertext out = Ciphertext.empty(params);
    mulConst(ct, c, out);
    return out;
  }

  private static void requireFinite(double v, String op) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(op + ": constant is " + v);
    }
  }

  /**
   * NTT form of the constant {@code re + i im} already multiplied by its scale: the polynomial
   * {@code re + im X^(N/2)}, since {@code X^(N/2)} is i in every slot.
   */
  private long[][] constantPoly(double re, double im, int level) {
    long[][] p = new long[level + 1][n];
    ring.parallelFor(
        level + 1,
        i -> {
          Modulus m = ring.modulus(i);
          long[] row = p[i];
          row[0] = Encoder.residue(re, m);
          row[n / 2] = Encoder.residue(im, m);
          ring.ntt(i).forward(row);
        });
    return p;
  }

  // ------------------------------------------------------------------ multiplication

  /**
   * {@code out = a * b} without relinearisation: a degree-2 ciphertext at the lower level, scale
   * {@code a.scale * b.scale}.
   */
  public void mul(Ciphertext a, Ciphertext b, Ciphertext out) {
    check(a, "mul");
    check(b, "mul");
    check(out, "mul");
    requireDegree1(a, "mul");
    requireDegree1(b, "mul");
    int level = Math.min(a.level(), b.level());
    double scale = a.scale() * b.scale();
    checkScaleFits(scale, level, "mul");
    long[][] a0 = a.poly(0);
    long[][] a1 = a.poly(1);
    long[][] b0 = b.poly(0);
    long[][] b1 = b.poly(1);
    out.reset(2, level, scale);
    long[][] o0 = out.poly(0);
    long[][] o1 = out.poly(1);
    long[][] o2 = out.poly(2);
    ring.parallelFor(level + 1, i -> tensor(a0[i], a1[i], b0[i], b1[i], o0[i], o1[i], o2[i],
        ring.modulus(i)));
  }

  public Ciphertext mulNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = Ciphertext.empty(params);
    mul(a, b, out);
    return out;
  }

  /** Tensor product of one row; outputs may alias inputs (each element is read before written). */
  private static void tensor(long[] x0, long[] x1, long[] y0, long[] y1, long[] d0, long[] d1,
      long[] d2, Modulus m) {
    final long q = m.q;
    final int bits = m.bits;
    final long mu = m.mu;
    final int s1 = 66 - bits;
    final int s2 = bits - 2;
    for (int j = 0; j < d0.length; j++) {
      long a0 = x0[j];
      long a1 = x1[j];
      long b0 = y0[j];
      long b1 = y1[j];
      long lo = a0 * b0;
      long hi = Math.multiplyHigh(a0, b0);
      long r0 = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      lo = a1 * b1;
      hi = Math.multiplyHigh(a1, b1);
      long r2 = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      // (a0 + a1)(b0 + b1) - a0 b0 - a1 b1, with the sums reduced first
      long sa = a0 + a1;
      sa -= q & ((q - 1 - sa) >> 63);
      long sb = b0 + b1;
      sb -= q & ((q - 1 - sb) >> 63);
      lo = sa * sb;
      hi = Math.multiplyHigh(sa, sb);
      long r1 = lo - Math.multiplyHigh((hi << s1) | (lo >>> s2), mu) * q;
      r0 -= q & ((q - 1 - r0) >> 63);
      r0 -= q & ((q - 1 - r0) >> 63);
      r2 -= q & ((q - 1 - r2) >> 63);
      r2 -= q & ((q - 1 - r2) >> 63);
      r1 -= q & ((q - 1 - r1) >> 63);
      r1 -= q & ((q - 1 - r1) >> 63);
      r1 -= r0;
      r1 += q & (r1 >> 63);
      r1 -= r2;
      r1 += q & (r1 >> 63);
      d0[j] = r0;
      d1[j] = r1;
      d2[j] = r2;
    }
  }

  /** Relinearises a degree-2 ciphertext to degree 1 with the relinearisation key. */
  public void relinearize(Ciphertext ct, Ciphertext out) {
    check(ct, "relinearize");
    check(out, "relinearize");
    if (ct.degree() != 2) {
      if (ct != out) {
        out.copyFrom(ct);
      }
      return;
    }
    SwitchingKey rlk = keys.relinearizationKey();
    int level = ct.level();
    Workspace ws = workspaces.take();
    try {
      switchInto(ct.poly(2), level, rlk, ct.poly(0), ct.poly(1), ct.scale(), out, ws);
    } finally {
      workspaces.give(ws);
    }
  }

  /**
   * {@code out = (d0 + k0, d1 + k1)} (just {@code k1} when {@code d1} is null) at {@code level}
   * and {@code scale}, where {@code (k0, k1)} is {@code c} switched with {@code key} into
   * polynomials 2 and 3 of the workspace. {@code d0} and {@code d1} may be rows of {@code out}.
   */
  private void switchInto(long[][] c, int level, SwitchingKey key, long[][] d0, long[][] d1,
      double scale, Ciphertext out, Workspace ws) {
    long[][] k0 = ws.poly(2);
    long[][] k1 = ws.poly(3);
    switcher.switchKey(c, level, key, k0, k1);
    out.reset(1, level, scale);
    long[][] o0 = out.poly(0);
    long[][] o1 = out.poly(1);
    ring.parallelFor(
        level + 1,
        i -> {
          long q = ring.modulus(i).q;
          RingContext.add(d0[i], k0[i], o0[i], q);
          if (d1 == null) {
            System.arraycopy(k1[i], 0, o1[i], 0, n);
          } else {
            RingContext.add(d1[i], k1[i], o1[i], q);
          }
        });
  }

  public Ciphertext relinearizeNew(Ciphertext ct) {
    Ciphertext out = Ciphertext.empty(params);
    relinearize(ct, out);
    return out;
  }

  /** {@code out = relinearize(a * b)}. */
  public void mulRelin(Ciphertext a, Ciphertext b, Ciphertext out) {
    mul(a, b, out);
    relinearize(out, out);
  }

  public Ciphertext mulRelinNew(Ciphertext a, Ciphertext b) {
    Ciphertext out = Ciphertext.empty(params);
    mulRelin(a, b, out);
    return out;
  }

  /** {@code out = a^2}, relinearised. */
  public Ciphertext squareRelinNew(Ciphertext a) {
    return mulRelinNew(a, a);
  }

  // ------------------------------------------------------------------ levels and scales

  /**
   * Divides by the last prime {@code q_level} with rounding: level drops by one, the scale is
   * divided by that prime.
   *
   * @throws LevelException at level 0
   */
  public void rescale(Ciphertext ct, Ciphertext out) {
    check(ct, "rescale");
    check(out, "rescale");
    int level = ct.level();
    if (level == 0) {
      throw new LevelException(
          "rescale: ciphertext is at level 0, no prime left to divide by (the computation is"
              + " deeper than the parameters allow)");
    }
    double scale = ct.scale() / params.q(level);
    int degree = ct.degree();
    copyInto(ct, out, level);
    Workspace ws = workspaces.take();
    try {
      for (int p = 0; p <= degree; p++) {
        divideRoundByLast(out.poly(p), level, ws.row(), ws.poly(0));
      }
    } finally {
      workspaces.give(ws);
    }
    out.reset(degree, level - 1, scale);
  }

  public Ciphertext rescaleNew(Ciphertext ct) {
    Ciphertext out = Ciphertext.empty(params);
    rescale(ct, out);
    return out;
  }

  /**
   * {@code p <- round(p / q_level)} over rows 0..level-1, NTT form in and out; {@code last} (N
   * longs) and rows 0..level-1 of {@code tmp} are scratch.
   */
  private void divideRoundByLast(long[][] p, int level, long[] last, long[][] tmp) {
    NttTable lastNtt = ring.ntt(level);
    long ql = lastNtt.modulus.q;
    long half = ql >>> 1;
    System.arraycopy(p[level], 0, last, 0, n);
    lastNtt.inverse(last);
    for (int j = 0; j < n; j++) {
      long x = last[j] + half; // round: divide (x + q_l/2) and subtract the half back
      last[j] = x >= ql ? x - ql : x;
    }
    ring.parallelFor(
        level,
        i -> {
          Modulus m = ring.modulus(i);
          long q = m.q;
          long[] t = tmp[i];
          long halfModQ = m.reduce(half);
          for (int j = 0; j < n; j++) {
            long r = (ql < q ? last[j] : m.reduce(last[j])) - halfModQ;
            t[j] = r + (q & (r >> 63));
          }
          NttTable nt = ring.ntt(i);
          nt.forwardLazy(t);
          long bound = nt.lazyBound();
          long inv = m.inv(m.reduce(ql));
          long invShoup = m.shoup(inv);
          long[] row = p[i];
          for (int j = 0; j < n; j++) {
            long d = row[j] + (bound - t[j]); // non-negative, below 2^63
            long r = d * inv - (Math.multiplyHigh(d, invShoup) + ((invShoup >> 63) & d)) * q;
            row[j] = r - (q & ((q - 1 - r) >> 63));
          }
        });
  }

  /** Drops rows above {@code level} (no division): value and scale unchanged. */
  public void dropToLevel(Ciphertext ct, int level, Ciphertext out) {
    check(ct, "dropToLevel");
    check(out, "dropToLevel");
    if (level < 0 || level > ct.level()) {
      throw new LevelException(
          "dropToLevel: cannot go from level " + ct.level() + " to level " + level);
    }
    if (!(log2(ct.scale()) < logQ(level) - 1)) {
      throw new ScaleMismatchException(String.format(
          "dropToLevel: scale 2^%.1f does not fit the modulus at level %d (2^%.1f)",
          log2(ct.scale()), level, logQ(level)));
    }
    copyInto(ct, out, level);
  }

  public Ciphertext dropToLevelNew(Ciphertext ct, int level) {
    Ciphertext out = Ciphertext.empty(params);
    dropToLevel(ct, level, out);
    return out;
  }

  /**
   * Brings {@code ct} to exactly {@code targetScale}, consuming one level: multiplies by the
   * integer {@code round(targetScale * q_level / scale)} and rescales. The relative error of the
   * new scale is below 2^-40 for 40-bit primes.
   */
  public void setScale(Ciphertext ct, double targetScale, Ciphertext out) {
    check(ct, "setScale");
    if (ct.level() == 0) {
      throw new LevelException("setScale: needs one level, the ciphertext is at level 0");
    }
    if (!(targetScale > 0)) {
      throw new ScaleMismatchException("setScale: target scale must be positive: " + targetScale);
    }
    checkScaleFits(targetScale, ct.level() - 1, "setScale");
    double ql = params.q(ct.level());
    double factor = Math.rint(targetScale * ql / ct.scale());
    if (!(factor >= 1) || factor >= 0x1p62) {
      throw new ScaleMismatchException(
          String.format("setScale: cannot move from 2^%.3f to 2^%.3f in one step",
              log2(ct.scale()), log2(targetScale)));
    }
    mulInt(ct, (long) factor, out);
    out.setScale(ct.scale() * factor);
    rescale(out, out);
    // the integer factor makes the new scale exact up to its rounding
    out.setScale(targetScale);
  }

  // ------------------------------------------------------------------ rotations

  /** Galois element of a left rotation by {@code k} slots (k may be negative). */
  public static long galoisElement(Parameters params, int k) {
    int slots = params.slots();
    int r = Math.floorMod(k, slots);
    long m = 2L * params.n();
    long g = 1;
    long base = 5;
    int e = r;
    while (e > 0) {
      if ((e & 1) == 1) {
        g = (g * base) % m;
      }
      base = (base * base) % m;
      e >>= 1;
    }
    return g;
  }

  /** Galois element of complex conjugation, {@code 2N - 1}. */
  public static long conjugationElement(Parameters params) {
    return 2L * params.n() - 1;
  }

  /** Galois elements for the given rotations (duplicates and rotation 0 removed). */
  public static long[] galoisElements(Parameters params, int... rotations) {
    return java.util.Arrays.stream(rotations)
        .filter(k -> Math.floorMod(k, params.slots()) != 0)
        .mapToLong(k -> galoisElement(params, k))
        .distinct()
        .toArray();
  }

  /** Rotations used by {@link #rotateAndSum} over {@code count} slots: 1, 2, 4, ... */
  public static int[] rotateAndSumRotations(int count) {
    requirePowerOfTwo(count);
    int steps = Integer.numberOfTrailingZeros(count);
    int[] r = new int[steps];
    for (int i = 0; i < steps; i++) {
      r[i] = 1 << i;
    }
    return r;
  }

  private static void requirePowerOfTwo(int count) {
    if (count < 1 || Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException(
          "rotateAndSum: count must be a power of two, got " + count);
    }
  }

  /** Rotates the slots left by {@code k} (negative: right). */
  public void rotate(Ciphertext ct, int k, Ciphertext out) {
    check(ct, "rotate");
    if (Math.floorMod(k, params.slots()) == 0) {
      if (ct != out) {
        out.copyFrom(ct);
      }
      return;
    }
    long g = galoisElement(params, k);
    automorphism(ct, g, keys.galoisKey(g, "rotation by " + k), out, "rotate");
  }

  public Ciphertext rotateNew(Ciphertext ct, int k) {
    Ciphertext out = Ciphertext.empty(params);
    rotate(ct, k, out);
    return out;
  }

  /** Complex conjugation of every slot. */
  public void conjugate(Ciphertext ct, Ciphertext out) {
    check(ct, "conjugate");
    long g = conjugationElement(params);
    automorphism(ct, g, keys.galoisKey(g, "conjugation"), out, "conjugate");
  }

  public Ciphertext conjugateNew(Ciphertext ct) {
    Ciphertext out = Ciphertext.empty(params);
    conjugate(ct, out);
    return out;
  }

  private void automorphism(Ciphertext ct, long g, SwitchingKey key, Ciphertext out, String op) {
    check(out, op);
    requireDegree1(ct, op);
    int level = ct.level();
    int[] perm = ring.galoisPermutation(g);
    Workspace ws = workspaces.take();
    try {
      long[][] c0 = ws.poly(0);
      long[][] c1 = ws.poly(1);
      ring.automorphismNtt(ct.poly(0), c0, level + 1, perm);
      ring.automorphismNtt(ct.poly(1), c1, level + 1, perm);
      switchInto(c1, level, key, c0, null, ct.scale(), out, ws);
    } finally {
      workspaces.give(ws);
    }
  }

  /**
   * Several rotations of one ciphertext sharing a single key-switching decomposition (Halevi-
   * Shoup hoisting): about one key switch's ModUp for all of them.
   *
   * @return one ciphertext per entry of {@code rotations}, in order
   */
  public Ciphertext[] rotateHoisted(Ciphertext ct, int... rotations) {
    check(ct, "rotateHoisted");
    requireDegree1(ct, "rotateHoisted");
    SwitchingKey[] ks = new SwitchingKey[rotations.length];
    for (int r = 0; r < rotations.length; r++) { // fail before any work if a key is missing
      if (Math.floorMod(rotations[r], params.slots()) != 0) {
        long g = galoisElement(params, rotations[r]);
        ks[r] = keys.galoisKey(g, "rotation by " + rotations[r]);
      }
    }
    int level = ct.level();
    KeySwitcher.Decomposition dec = switcher.decompose(ct.poly(1), level);
    Ciphertext[] out = new Ciphertext[rotations.length];
    for (int r = 0; r < rotations.length; r++) {
      if (ks[r] == null) {
        out[r] = ct.copy();
        continue;
      }
      int[] perm = ring.galoisPermutation(ks[r].galoisElement());
      Ciphertext res = new Ciphertext(params, 1, level, ct.scale());
      long[][] k0 = res.poly(0);
      long[][] k1 = res.poly(1);
      switcher.apply(dec, ks[r], perm, k0, k1);
      long[][] c0 = ct.poly(0);
      ring.parallelFor(
          level + 1,
          i -> {
            long[] t = new long[n];
            RingContext.permute(c0[i], t, perm);
            RingContext.add(k0[i], t, k0[i], ring.modulus(i).q);
          });
      out[r] = res;
    }
    return out;
  }

  /**
   * Slot j becomes the sum of slots j, j+1, ..., j+count-1 (cyclically), by log2(count) rotations
   * by 1, 2, 4, ...; needs the keys of {@link #rotateAndSumRotations(int)}.
   */
  public void rotateAndSum(Ciphertext ct, int count, Ciphertext out) {
    check(ct, "rotateAndSum");
    requirePowerOfTwo(count);
    if (count > params.slots()) {
      throw new IllegalArgumentException(
          "rotateAndSum: count " + count + " exceeds the " + params.slots() + " slots");
    }
    for (int k : rotateAndSumRotations(count)) { // fail before any work if a key is missing
      keys.galoisKey(galoisElement(params, k), "rotation by " + k + " (rotateAndSum)");
    }
    Ciphertext acc = ct.copy();
    Ciphertext tmp = Ciphertext.empty(params);
    for (int k : rotateAndSumRotations(count)) {
      rotate(acc, k, tmp);
      add(acc, tmp, acc);
    }
    out.copyFrom(acc);
  }

  public Ciphertext rotateAndSumNew(Ciphertext ct, int count) {
    Ciphertext out = Ciphertext.empty(params);
    rotateAndSum(ct, count, out);
    return out;
  }

  // ------------------------------------------------------------------ helpers

  /** Makes {@code out} a copy of {@code ct} restricted to rows 0..level (no-op if same object). */
  private void copyInto(Ciphertext ct, Ciphertext out, int level) {
    int degree = ct.degree();
    double scale = ct.scale();
    if (ct == out) {
      if (level != ct.level()) {
        out.dropToLevel(level);
      }
      out.setSeed(null);
      return;
    }
    out.reset(degree, level, scale);
    for (int p = 0; p <= degree; p++) {
      long[][] src = ct.poly(p);
      long[][] dst = out.poly(p);
      for (int i = 0; i <= level; i++) {
        System.arraycopy(src[i], 0, dst[i], 0, n);
      }
    }
  }
}
