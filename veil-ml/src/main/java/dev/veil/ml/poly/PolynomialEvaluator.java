package dev.veil.ml.poly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.ckks.NoiseEstimator.Noise;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;

/**
 * Evaluates a {@link ChebyshevSeries} on a CKKS ciphertext whose slots lie in the series'
 * interval [a, b]: every slot x becomes p(x). Needs the relinearisation key only (no rotation).
 *
 * <h2>Algorithm</h2>
 *
 * <ol>
 *   <li><b>Affine map</b> {@code t = alpha x + beta}, {@code alpha = 2 / (b - a)}, {@code beta =
 *       -(a + b) / (b - a)}. A ciphertext of x at scale S is also a ciphertext of {@code alpha x}
 *       at scale {@code S / alpha}: when {@code alpha q / S} is close to an integer k >= 1 (q the
 *       prime the first product's rescale removes), {@code T_1} is x times the integer k (exact,
 *       {@link Evaluator#mulInt}) relabelled at scale {@code k S / alpha}, plus beta: no level,
 *       no rounding. This covers [-1, 1], [0, 1], [-1/2, 1/2], ... at the default scale. Otherwise
 *       (e.g. [-8, 8], whose {@code alpha = 1/8} would make every T_j's scale drift by 3 j bits)
 *       the map costs one level: {@code mulConst(alpha)} with the constant's scale chosen so
 *       that, after {@code addConst(beta)} and the rescale, T_1's scale is the next prime.
 *   <li><b>Powers</b> {@code T_j} by {@code T_2m = 2 T_m^2 - 1} and {@code T_j = 2 T_a T_b -
 *       T_(a-b)} with a the largest power of two below j: {@code T_j} has depth exactly
 *       {@code ceil(log2 j)}. Only the powers the plan uses are computed.
 *   <li><b>Baby-step giant-step</b> (Paterson-Stockmeyer in the Chebyshev basis): the series is
 *       split recursively at the largest power of two n not above its degree, {@code p = q T_n +
 *       r} (from {@code T_(n+j) = 2 T_n T_j - T_(n-j)}), until a part is a <em>leaf</em>: a linear
 *       combination of the baby steps {@code T_1..T_k} (k = 2^l) whose scalar products and one
 *       rescale still fit the part's level budget. The quotient q must be ready one level above
 *       the result; on the leading chain of the recursion (where the budget is tight) the leaves
 *       are split further down to degree 1, which keeps the total depth at the minimum
 *       {@code ceil(log2(d + 1))}. The baby-step bound k is chosen by planning every l and
 *       keeping the one with the fewest non-scalar multiplications (about {@code 2 sqrt(d)}).
 * </ol>
 *
 * <h2>Scales</h2>
 *
 * Every node of the recursion is evaluated to an exact target level and scale, fixed top-down:
 * a leaf for scale tau at level lambda multiplies each {@code T_j} (dropped to lambda + 1) by its
 * coefficient encoded at scale {@code tau q_(lambda+1) / scale(T_j)}, so that every term has the
 * same scale {@code tau q_(lambda+1)}, adds c_0 and rescales by {@code q_(lambda+1)}; a quotient
 * multiplied by {@code T_n} is evaluated for scale {@code tau q_(lambda+1) / scale(T_n)}. Rescales
 * divide by the actual primes (not 2^40) and every addition sees scales equal to the last bits
 * of a double; {@link Evaluator#setScale} is never used. The result has exactly the requested
 * scale (the input's by default) and level {@code input level - levelsNeeded}.
 *
 * <p>Slots outside [a, b] get the polynomial's extension, which may be huge: the caller keeps
 * its data in the interval. Thread-safe if ciphertexts are not shared between threads.
 */
public final class PolynomialEvaluator {
  /**
   * Coefficients at most this fraction of the series' l1 norm are skipped (they change the
   * result by less than 2^-50 relative, far below CKKS precision).
   */
  public static final double NEGLIGIBLE = 0x1p-50;

  /**
   * Largest total scale drift, in bits over the degree, accepted for folding the affine map into
   * the scale of T_1 for free (see the class comment).
   */
  public static final double MAX_FOLD_DRIFT_BITS = 0.5;

  private final Evaluator ev;
  private final Parameters params;

  /** @param evaluator an evaluator holding the relinearisation key */
  public PolynomialEvaluator(Evaluator evaluator) {
    this.ev = evaluator;
    this.params = evaluator.context().parameters();
  }

  // ------------------------------------------------------------------ planning, static

  /** Multiplicative depth of a degree-d polynomial in this evaluator: ceil(log2(d + 1)). */
  public static int depth(int degree) {
    if (degree < 0) {
      throw new IllegalArgumentException("degree must be >= 0, got " + degree);
    }
    return 32 - Integer.numberOfLeadingZeros(degree);
  }

  /**
   * Levels consumed by a degree-d polynomial on [a, b] for an input at the default scale when
   * the primes are the size of the scale (the usual layout, e.g. 40-bit primes and scale 2^40):
   * {@link #depth(int)}, plus one when the affine map cannot be folded, i.e. unless {@code 2 /
   * (b - a)} is (close to) a positive integer. For an actual ciphertext use {@link
   * #levelsNeeded(ChebyshevSeries, Ciphertext)}.
   */
  public static int levelsNeeded(int degree, double a, double b) {
    if (!(b > a)) {
      throw new IllegalArgumentException("interval must have a < b, got [" + a + ", " + b + "]");
    }
    if (degree == 0) {
      return 0;
    }
    return depth(degree) + (foldFactor(2 / (b - a), degree) > 0 ? 0 : 1);
  }

  /** Integer k with {@code k ~ ratio} close enough to fold the affine map, or 0 if none. */
  private static long foldFactor(double ratio, int degree) {
    double k = Math.rint(ratio);
    if (!(k >= 1) || k > 0x1p30) {
      return 0;
    }
    double drift = Math.abs(Math.log(ratio / k) / Math.log(2)) * Math.max(1, degree);
    return drift <= MAX_FOLD_DRIFT_BITS ? (long) k : 0;
  }

  // ------------------------------------------------------------------ noise

  /**
   * A bound on the noise of {@code p(x)} evaluated by this class for the output scale {@code
   * outputScale}, for the traced input {@code x} (its slots in [a, b]). Conservative, in
   * standard deviations added linearly (as for fully correlated errors): the input's error mapped
   * to [-1, 1] is multiplied by {@code L = sum_k |c_k| k^2}, which bounds |p'| on [-1, 1]
   * (Markov: {@code |T_k'| <= k^2}); each of the {@code depth + 1} levels adds its rescale and
   * key-switch noise, counted as if it entered at the input and again in the final combination
   * ({@code (L + sum_k |c_k|)} times); the result's values are bounded by {@code sum_k |c_k|}.
   *
   * @throws IllegalArgumentException if x lacks the levels the polynomial needs
   */
  public static Noise noise(NoiseEstimator est, Noise x, ChebyshevSeries p, double outputScale) {
    int levels = levelsNeeded(p.degree(), p.a(), p.b());
    if (x.level() < levels) {
      throw new IllegalArgumentException("a degree-" + p.degree() + " polynomial needs " + levels
          + " levels, the input is at level " + x.level());
    }
    double c = 0;
    double l = 0;
    double[] coeffs = p.coefficients();
    for (int k = 0; k < coeffs.length; k++) {
      c += Math.abs(coeffs[k]);
      l += Math.abs(coeffs[k]) * k * k;
    }
    double perLevel = est.rescale(est.keySwitch(x.level()), x.level());
    double n = est.parameters().n();
    double v = propagated(x.variance(), perLevel, x, p, l, c, levels, outputScale);
    double cn = propagated(x.covarianceNorm(), perLevel / n, x, p, l, c, levels, outputScale);
    double r = est.rounding(1, 1);
    // the products of the powers mix the coefficients: each one's variance is bounded by the
    // covariance norm, not by the input's per-coefficient variance
    return new Noise(x.level() - levels, outputScale, v + r, cn + r / n, cn + r / n, c);
  }

  /** The variance at {@code outputScale} of {@link #noise}'s error, for input variance v. */
  private static double propagated(double v, double perLevel, Noise x, ChebyshevSeries p,
      double l, double c, int levels, double outputScale) {
    double unit = Math.sqrt(v) / x.scale() * 2 / (p.b() - p.a());
    double fresh = Math.sqrt(perLevel) / x.scale();
    double sd = (l * unit + (l + c) * (levels + 1) * fresh) * outputScale;
    return sd * sd;
  }

  // ------------------------------------------------------------------ plans

  /**
   * What an evaluation does, known before any homomorphic operation.
   *
   * @param degree the series' degree once negligible trailing coefficients are dropped
   * @param polynomialDepth {@code ceil(log2(degree + 1))}: levels spent on the polynomial
   * @param affineLevels 0 when the affine map is folded into T_1's scale, else 1
   * @param inputLevel level of the input ciphertext
   * @param outputLevel level of the result: {@code inputLevel - levelsNeeded()}
   * @param babyStepBound k: leaves combine {@code T_1..T_k}
   * @param powers the indices j of the {@code T_j} computed (besides T_1)
   * @param nonScalarMultiplications ciphertext-ciphertext products (each relinearised)
   * @param scalarMultiplications products by encoded constants
   * @param foldFactor the integer x is multiplied by when the affine map is folded, else 0
   */
  public record Plan(int degree, int polynomialDepth, int affineLevels, int inputLevel,
      int outputLevel, int babyStepBound, int[] powers, int nonScalarMultiplications,
      int scalarMultiplications, long foldFactor) {
    public Plan {
      powers = powers.clone();
    }

    @Override
    public int[] powers() {
      return powers.clone();
    }

    /** Levels consumed: {@code polynomialDepth + affineLevels}. */
    public int levelsNeeded() {
      return polynomialDepth + affineLevels;
    }

    @Override
    public String toString() {
      return "Plan[degree " + degree + ", depth " + polynomialDepth + " + " + affineLevels
          + " (affine), level " + inputLevel + " -> " + outputLevel + ", baby steps T_1..T_"
          + babyStepBound + ", powers " + Arrays.toString(powers) + ", "
          + nonScalarMultiplications + " non-scalar and " + scalarMultiplications
          + " scalar multiplications]";
    }
  }

  /** An evaluated ciphertext with its plan and the multiplications actually performed. */
  public record Result(Ciphertext ciphertext, Plan plan, int nonScalarMultiplications,
      int scalarMultiplications) {}

  /** The plan for evaluating {@code p} on {@code ct} (no homomorphic work). */
  public Plan plan(ChebyshevSeries p, Ciphertext ct) {
    return prepare(p, ct).plan;
  }

  /** Levels the evaluation of {@code p} on {@code ct} consumes. */
  public int levelsNeeded(ChebyshevSeries p, Ciphertext ct) {
    return plan(p, ct).levelsNeeded();
  }

  // ------------------------------------------------------------------ evaluation

  /** p(x) in every slot, at the input's scale, {@link Plan#levelsNeeded()} levels lower. */
  public Ciphertext evaluate(Ciphertext ct, ChebyshevSeries p) {
    return evaluateWithReport(ct, p, ct.scale()).ciphertext();
  }

  /** p(x) in every slot at {@code outputScale}. */
  public Ciphertext evaluate(Ciphertext ct, ChebyshevSeries p, double outputScale) {
    return evaluateWithReport(ct, p, outputScale).ciphertext();
  }

  /**
   * p(x) in every slot at {@code outputScale}, with the plan and the multiplications done.
   *
   * @throws InsufficientLevelsException if the ciphertext's level is below what the plan needs,
   *     before any homomorphic operation
   * @throws MissingKeyException if a product is needed and the evaluator has no
   *     relinearisation key, before any homomorphic operation
   */
  public Result evaluateWithReport(Ciphertext ct, ChebyshevSeries p, double outputScale) {
    if (!(outputScale > 0) || Double.isInfinite(outputScale)) {
      throw new IllegalArgumentException("output scale must be positive, got " + outputScale);
    }
    if (ct.degree() != 1) {
      throw new IllegalArgumentException(
          "PolynomialEvaluator: needs a degree-1 ciphertext, got degree " + ct.degree()
              + " (relinearize first)");
    }
    Prepared prep = prepare(p, ct);
    Plan plan = prep.plan;
    if (plan.levelsNeeded() > ct.level()) {
      throw new InsufficientLevelsException(String.format(
          "polynomial of degree %d on [%s, %s] needs %d levels (depth %d%s) but the ciphertext"
              + " is at level %d: encrypt at a higher level or choose parameters with"
              + " ParameterSelector for depth %d",
          plan.degree(), p.a(), p.b(), plan.levelsNeeded(), plan.polynomialDepth(),
          plan.affineLevels() > 0 ? " + 1 for the affine map to [-1, 1]" : "", ct.level(),
          plan.levelsNeeded()), plan.levelsNeeded(), ct.level());
    }
    if (plan.nonScalarMultiplications() > 0 && !ev.keys().hasRelinearizationKey()) {
      throw new MissingKeyException("polynomial of degree " + plan.degree()
          + " needs the relinearisation key, which the evaluator does not hold");
    }
    Run run = new Run(prep);
    Ciphertext out;
    if (prep.root == null) { // constant polynomial: 0 * x + c_0 at the output scale
      out = Ciphertext.empty(params);
      ev.mulConst(ct, 0, 0, outputScale / ct.scale(), out);
      run.scalar++;
      ev.addConst(out, prep.constant, out);
    } else {
      run.powers[1] = run.t1(ct);
      out = run.eval(prep.root, outputScale);
    }
    if (Math.abs(out.scale() / outputScale - 1) < 1e-12) {
      out.setScale(outputScale); // remove the last-bit rounding of the scale bookkeeping
    }
    return new Result(out, plan, run.products, run.scalar);
  }

  // ------------------------------------------------------------------ plan construction

  /** A node of the evaluation tree. */
  private abstract static class Node {
    final int level; // level of the node's result

    Node(int level) {
      this.level = level;
    }
  }

  /** {@code sum c_j T_j + c_0}, terms at level+1, one rescale. */
  private static final class Leaf extends Node {
    final int[] idx;
    final double[] val;
    final double c0;

    Leaf(int level, int[] idx, double[] val, double c0) {
      super(level);
      this.idx = idx;
      this.val = val;
      this.c0 = c0;
    }
  }

  /** {@code q T_n + r}; q at level+1 (or a scalar multiple of T_n), r a node or a constant. */
  private static final class Split extends Node {
    final int n;
    final Node q; // evaluated at level + 1, then times T_n
    final Leaf scaledPower; // instead of q when q is a constant: c T_n
    final Node r; // null: constant rConst
    final double rConst;

    Split(int level, int n, Node q, Leaf scaledPower, Node r, double rConst) {
      super(level);
      this.n = n;
      this.q = q;
      this.scaledPower = scaledPower;
      this.r = r;
      this.rConst = rConst;
    }
  }

  private static final class Prepared {
    Plan plan;
    Node root; // null for a constant polynomial
    double constant;
    long foldFactor; // 0: affine map with one level
    double alpha;
    double beta;
  }

  private static boolean isPowerOfTwo(int j) {
    return j > 0 && (j & (j - 1)) == 0;
  }

  private static int ceilLog2(int j) {
    return j <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(j - 1);
  }

  /** Builds the tree for one baby-step bound and counts what it costs. */
  private static final class Planner {
    final int topLevel; // level of T_1
    final int babyBound;
    final double eps;
    final TreeSet<Integer> leafPowers = new TreeSet<>();
    int products;
    int scalars;

    Planner(int topLevel, int babyBound, double eps) {
      this.topLevel = topLevel;
      this.babyBound = babyBound;
      this.eps = eps;
    }

    int powerLevel(int j) {
      return topLevel - ceilLog2(j);
    }

    int degreeOf(double[] c) {
      int d = c.length - 1;
      while (d > 0 && Math.abs(c[d]) <= eps) {
        d--;
      }
      return d;
    }

    /** Node for the series c (degree >= 1) with its result at {@code level}. */
    Node plan(double[] c, int level) {
      int d = degreeOf(c);
      if (d == 0) {
        throw new IllegalStateException("constant handled by the caller");
      }
      Leaf leaf = tryLeaf(c, d, level);
      if (leaf != null) {
        return leaf;
      }
      int n = Integer.highestOneBit(d);
      if (n < 2 || powerLevel(n) < level + 1) {
        throw new IllegalStateException("no plan for degree " + d + " at level " + level
            + " from T_1 at level " + topLevel);
      }
      // p = q T_n + r with q_0 = c_n, q_j = 2 c_(n+j), r_(n-j) -= c_(n+j)
      double[] q = new double[d - n + 1];
      double[] r = Arrays.copyOf(c, n);
      q[0] = c[n];
      for (int j = 1; j <= d - n; j++) {
        q[j] = 2 * c[n + j];
        r[n - j] -= c[n + j];
      }
      Node qNode = null;
      Leaf scaled = null;
      if (degreeOf(q) == 0) {
        scaled = tryLeaf(oneTerm(n, q[0]), n, level);
        if (scaled == null) {
          throw new IllegalStateException("T_" + n + " not available at level " + (level + 1));
        }
      } else {
        qNode = plan(q, level + 1);
        products++;
      }
      Node rNode = null;
      double rConst = 0;
      if (degreeOf(r) == 0) {
        rConst = r[0];
      } else {
        rNode = plan(r, level);
      }
      return new Split(level, n, qNode, scaled, rNode, rConst);
    }

    private static double[] oneTerm(int n, double v) {
      double[] c = new double[n + 1];
      c[n] = v;
      return c;
    }

    /** A leaf when every significant T_j is a baby step (or a power of two) at level + 1. */
    Leaf tryLeaf(double[] c, int d, int level) {
      List<Integer> idx = new ArrayList<>();
      for (int j = 1; j <= d; j++) {
        if (Math.abs(c[j]) <= eps) {
          continue;
        }
        if (!(j <= babyBound || isPowerOfTwo(j)) || powerLevel(j) < level + 1) {
          return null;
        }
        idx.add(j);
      }
      int[] ix = idx.stream().mapToInt(Integer::intValue).toArray();
      double[] v = new double[ix.length];
      for (int i = 0; i < ix.length; i++) {
        v[i] = c[ix[i]];
        leafPowers.add(ix[i]);
      }
      scalars += ix.length;
      return new Leaf(level, ix, v, c[0]);
    }

    /** All powers needed (closure under the product formulas), T_1 excluded. */
    TreeSet<Integer> powerClosure(TreeSet<Integer> roots) {
      TreeSet<Integer> all = new TreeSet<>();
      List<Integer> stack = new ArrayList<>(roots);
      while (!stack.isEmpty()) {
        int j = stack.remove(stack.size() - 1);
        if (j <= 1 || !all.add(j)) {
          continue;
        }
        if (isPowerOfTwo(j)) {
          stack.add(j / 2);
        } else {
          int a = Integer.highestOneBit(j);
          stack.add(a);
          stack.add(j - a);
          stack.add(2 * a - j);
        }
      }
      return all;
    }
  }

  private Prepared prepare(ChebyshevSeries p, Ciphertext ct) {
    params.requireSame(ct.parameters(), "PolynomialEvaluator");
    Prepared prep = new Prepared();
    double[] c = p.coefficients();
    double eps = NEGLIGIBLE * p.l1Norm();
    int d = c.length - 1;
    while (d > 0 && Math.abs(c[d]) <= eps) {
      d--;
    }
    c = Arrays.copyOf(c, d + 1);
    int level = ct.level();
    prep.alpha = 2 / (p.b() - p.a());
    prep.beta = -(p.a() + p.b()) / (p.b() - p.a());
    if (d == 0) {
      prep.constant = c[0];
      prep.plan = new Plan(0, 0, 0, level, level, 0, new int[0], 0, 1, 0);
      return prep;
    }
    // fold the affine map into T_1's scale when alpha q_L / S is close to an integer
    prep.foldFactor = level >= 1
        ? foldFactor(prep.alpha * params.q(level) / ct.scale(), d) : 0;
    int affine = prep.foldFactor > 0 ? 0 : 1;
    int depth = depth(d);
    int topLevel = level - affine;
    int outLevel = topLevel - depth;
    if (outLevel < 0) { // not enough levels: a plan shape for the report, at a virtual offset
      Plan shape = planShape(c, depth, depth, eps, affine, prep); // as if T_1 were at level depth
      prep.plan = new Plan(d, depth, affine, level, outLevel, shape.babyStepBound(),
          shape.powers(), shape.nonScalarMultiplications(), shape.scalarMultiplications(),
          prep.foldFactor);
      prep.root = null;
      return prep;
    }
    Plan best = planShape(c, topLevel, depth, eps, affine, prep);
    prep.plan = new Plan(d, depth, affine, level, outLevel, best.babyStepBound(), best.powers(),
        best.nonScalarMultiplications(), best.scalarMultiplications(), prep.foldFactor);
    return prep;
  }

  /** Plans every baby-step bound 2^l and keeps the cheapest (sets prep.root). */
  private static Plan planShape(double[] c, int topLevel, int depth, double eps, int affine,
      Prepared prep) {
    Plan best = null;
    for (int l = 0; l <= depth; l++) {
      Planner pl = new Planner(topLevel, 1 << l, eps);
      Node root = pl.plan(c, topLevel - depth);
      TreeSet<Integer> powers = pl.powerClosure(pl.leafPowers);
      addSplitPowers(root, powers, pl);
      int nonScalar = pl.products + powers.size();
      int scalar = pl.scalars + affine;
      for (int j : powers) {
        if (!isPowerOfTwo(j)) {
          scalar++; // the T_(a-b) correction
        }
      }
      if (best == null || nonScalar < best.nonScalarMultiplications()) {
        best = new Plan(0, depth, affine, 0, 0, 1 << l,
            powers.stream().mapToInt(Integer::intValue).toArray(), nonScalar, scalar, 0);
        prep.root = root;
      }
    }
    return best;
  }

  private static void addSplitPowers(Node node, TreeSet<Integer> powers, Planner pl) {
    if (node instanceof Split s) {
      powers.addAll(pl.powerClosure(new TreeSet<>(List.of(s.n))));
      if (s.q != null) {
        addSplitPowers(s.q, powers, pl);
      }
      if (s.r != null) {
        addSplitPowers(s.r, powers, pl);
      }
    }
  }

  // ------------------------------------------------------------------ execution

  /** One evaluation: the cache of powers and the counters. */
  private final class Run {
    final Prepared prep;
    final Ciphertext[] powers;
    int products;
    int scalar;

    Run(Prepared prep) {
      this.prep = prep;
      int max = 2;
      for (int j : prep.plan.powers()) {
        max = Math.max(max, j);
      }
      this.powers = new Ciphertext[max + 1];
    }

    /** T_1 = alpha x + beta (see the class comment). */
    Ciphertext t1(Ciphertext x) {
      int level = x.level();
      Ciphertext t;
      if (prep.foldFactor > 0) {
        t = prep.foldFactor == 1 ? x.copy() : ev.mulIntNew(x, prep.foldFactor);
        t.setScale(x.scale() * prep.foldFactor / prep.alpha);
        if (prep.beta != 0) {
          ev.addConst(t, prep.beta, t);
        }
      } else {
        // constant at scale q_(L-1) q_L / S: after the rescale by q_L, T_1 has scale q_(L-1)
        double constScale = (double) params.q(level - 1) * params.q(level) / x.scale();
        t = Ciphertext.empty(params);
        ev.mulConst(x, prep.alpha, 0, constScale, t);
        scalar++;
        if (prep.beta != 0) {
          ev.addConst(t, prep.beta, t);
        }
        ev.rescale(t, t);
      }
      return t;
    }

    Ciphertext power(int j) {
      if (powers[j] != null) {
        return powers[j];
      }
      Ciphertext t;
      if (isPowerOfTwo(j)) {
        Ciphertext h = power(j / 2);
        t = ev.mulRelinNew(h, h);
        products++;
        ev.mulInt(t, 2, t);
        ev.addConst(t, -1, t);
      } else {
        int a = Integer.highestOneBit(j);
        Ciphertext ta = power(a);
        Ciphertext tb = power(j - a);
        Ciphertext td = power(2 * a - j);
        t = ev.mulRelinNew(ta, tb);
        products++;
        ev.mulInt(t, 2, t);
        // T_(a-b) brought to the product's level and scale by the constant 1 at the ratio
        Ciphertext src = td.level() > t.level() ? ev.dropToLevelNew(td, t.level()) : td;
        Ciphertext corr = Ciphertext.empty(params);
        ev.mulConst(src, 1, 0, t.scale() / src.scale(), corr);
        scalar++;
        ev.sub(t, corr, t);
      }
      ev.rescale(t, t);
      powers[j] = t;
      return t;
    }

    Ciphertext eval(Node node, double scale) {
      if (node instanceof Leaf leaf) {
        return evalLeaf(leaf, scale);
      }
      Split s = (Split) node;
      Ciphertext acc;
      if (s.scaledPower != null) {
        acc = evalLeaf(s.scaledPower, scale);
      } else {
        int up = s.level + 1;
        Ciphertext tn = power(s.n);
        Ciphertext q = eval(s.q, scale * params.q(up) / tn.scale());
        acc = ev.mulRelinNew(q, tn);
        products++;
        ev.rescale(acc, acc);
      }
      if (s.r != null) {
        ev.add(acc, eval(s.r, scale), acc);
      } else if (s.rConst != 0) {
        ev.addConst(acc, s.rConst, acc);
      }
      return acc;
    }

    Ciphertext evalLeaf(Leaf leaf, double scale) {
      int up = leaf.level + 1;
      double termScale = scale * params.q(up);
      Ciphertext acc = null;
      Ciphertext term = Ciphertext.empty(params);
      for (int i = 0; i < leaf.idx.length; i++) {
        Ciphertext tj = power(leaf.idx[i]);
        Ciphertext src = tj.level() > up ? ev.dropToLevelNew(tj, up) : tj;
        if (acc == null) {
          acc = Ciphertext.empty(params);
          ev.mulConst(src, leaf.val[i], 0, termScale / src.scale(), acc);
        } else {
          ev.mulConst(src, leaf.val[i], 0, termScale / src.scale(), term);
          ev.add(acc, term, acc);
        }
        scalar++;
      }
      if (leaf.c0 != 0) {
        ev.addConst(acc, leaf.c0, acc);
      }
      ev.rescale(acc, acc);
      return acc;
    }
  }
}
