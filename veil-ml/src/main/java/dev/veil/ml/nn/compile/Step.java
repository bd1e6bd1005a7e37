package dev.veil.ml.nn.compile;

import java.util.Map;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.ckks.NoiseEstimator.Noise;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.linalg.MatrixVector;
import dev.veil.ml.nn.Network;
import dev.veil.ml.poly.ChebyshevSeries;
import dev.veil.ml.poly.PolynomialEvaluator;

/**
 * One compiled node. The plan (fields set by {@link NetworkCompiler}) is independent of the
 * primes: levels are counted as depth from the input, scales as "exactly the default scale" or
 * not. {@link #schedule} turns them into actual levels and scales for one parameter set, {@link
 * #trace} follows the noise through the node, {@link Prepared} holds what a server needs
 * (encoded plaintexts, constants) and runs it.
 */
abstract class Step {
  final int node;
  final String name;
  final String kind;
  final int[] inputs;
  /** Levels consumed from the input to this output, pending rescales included. */
  int depth;
  /** Rescales this output still owes (throughput: a square whose rescale the next MAC does). */
  int pending;
  /** 1, or 2 for an unrelinearised product. */
  int degree = 1;
  /** Whether the output's scale is exactly the default scale. */
  boolean exact = true;
  /** Latency mode: the output's slot layout. */
  SlotLayout layout;
  /** Bound on |value| of the output. */
  double bound;
  String lowering = "";
  int[] rotations = new int[0];
  long keySwitches;
  long hoisted;
  long ctMults;
  long ptMults;
  long rescales;
  /** Plaintexts (latency) or constants (throughput) to hold, per level-row of N longs. */
  long plaintextRows;

  Step(int node, String name, String kind, int[] inputs) {
    this.node = node;
    this.name = name;
    this.kind = kind;
    this.inputs = inputs;
  }

  /** Actual level and scale of every node's output for one parameter set. */
  static final class Schedule {
    final Parameters params;
    final double delta;
    final int top;
    final int[] level;
    final double[] scale;

    Schedule(Parameters params, int nodes) {
      this.params = params;
      this.delta = params.defaultScale();
      this.top = params.maxLevel();
      this.level = new int[nodes];
      this.scale = new double[nodes];
    }

    int level(int i) {
      return i == Network.INPUT ? top : level[i];
    }

    double scale(int i) {
      return i == Network.INPUT ? delta : scale[i];
    }
  }

  /** Sets this node's level and scale in {@code s} from its inputs'. */
  void schedule(Schedule s) {
    s.level[node] = s.top - depth + pending;
    s.scale[node] = s.delta;
  }

  /** The noise of this node's output from its inputs' (NoiseEstimator trace). */
  abstract Noise trace(NoiseEstimator est, Schedule s, Noise[] in);

  /** What a server holds to run the node under one context. */
  abstract Prepared prepare(Env env);

  /** The server's objects for one context. */
  static final class Env {
    final HeContext ctx;
    final Parameters params;
    final Encoder encoder;
    final Schedule schedule;

    Env(HeContext ctx, Schedule schedule) {
      this.ctx = ctx;
      this.params = ctx.parameters();
      this.encoder = new Encoder(ctx);
      this.schedule = schedule;
    }
  }

  /** A prepared node: runs on ciphertexts. */
  interface Prepared {
    /** The node's output from its inputs' (each one ciphertext per value, or one in latency). */
    Ciphertext[] run(Evaluator ev, Ciphertext[][] in);
  }

  // ================================================================ shared helpers

  /** Multiplies by 1 at the scale that brings ct to exactly delta after one rescale. */
  static Ciphertext align(Evaluator ev, Ciphertext ct, double delta) {
    Parameters p = ev.context().parameters();
    if (ct.level() == 0) {
      throw new LevelException("aligning a scale needs one level; the ciphertext is at level 0");
    }
    double constScale = delta * p.q(ct.level()) / ct.scale();
    Ciphertext out = Ciphertext.empty(p);
    ev.mulConst(ct, 1, 0, constScale, out);
    ev.rescale(out, out);
    out.setScale(delta);
    return out;
  }

  static Noise alignNoise(NoiseEstimator est, Noise x, double delta) {
    double constScale = delta * est.parameters().q(x.level()) / x.scale();
    return est.rescale(est.mulConst(x, 1, constScale)).withScale(delta);
  }

  /** Relinearises and does the pending rescales of every ciphertext (in place). */
  static void materialize(Evaluator ev, Ciphertext[] cts, int pending) {
    for (Ciphertext ct : cts) {
      if (ct.degree() == 2) {
        ev.relinearize(ct, ct);
      }
      for (int r = 0; r < pending; r++) {
        ev.rescale(ct, ct);
      }
    }
  }

  // ================================================================ latency: diagonal product

  /** A linear layer (or a relayout) in latency mode: diagonals, BSGS, optional fold, bias. */
  static final class Diagonal extends Step {
    final Map<Integer, double[]> diagonals;
    final int fold;
    final double[] biasSlots;
    final double biasMaxAbs;
    final double[] diagMaxAbs;
    final double[] diagRms;
    final boolean hasGiant;
    final boolean hasBaby;
    final double inBound;
    /** Rotations done by the hoisted call. */
    final int babyRotations;

    Diagonal(int node, String name, String kind, int input, Map<Integer, double[]> diagonals,
        int fold, double[] biasSlots, MatrixVector probe, int slots, double inBound) {
      super(node, name, kind, new int[] {input});
      this.diagonals = diagonals;
      this.fold = fold;
      this.biasSlots = biasSlots;
      this.inBound = inBound;
      double bm = 0;
      if (biasSlots != null) {
        for (double b : biasSlots) {
          bm = Math.max(bm, Math.abs(b));
        }
      }
      this.biasMaxAbs = bm;
      this.diagMaxAbs = new double[diagonals.size()];
      this.diagRms = new double[diagonals.size()];
      int t = 0;
      for (double[] d : diagonals.values()) {
        double m = 0;
        double sq = 0;
        for (double x : d) {
          m = Math.max(m, Math.abs(x));
          sq += x * x;
        }
        diagMaxAbs[t] = m;
        diagRms[t++] = Math.min(m, Math.sqrt(sq / slots));
      }
      int foldRotations = fold == 0 ? 0 : Integer.numberOfTrailingZeros(slots / fold);
      int[] foldRot = new int[foldRotations];
      for (int e = 0; e < foldRotations; e++) {
        foldRot[e] = fold << e;
      }
      int[] mvRot = probe.rotationsNeeded();
      java.util.TreeSet<Integer> all = new java.util.TreeSet<>();
      for (int r : mvRot) {
        all.add(r);
      }
      for (int r : foldRot) {
        all.add(r);
      }
      this.rotations = all.stream().mapToInt(Integer::intValue).toArray();
      this.keySwitches = probe.keySwitches() + foldRotations;
      this.babyRotations = babyCount(probe);
      this.hoisted = babyRotations > 0 ? 1 : 0;
      this.ptMults = diagonals.size();
      this.rescales = Math.max(1, countGiant(probe) + 1);
      this.hasGiant = probe.method() == MatrixVector.Method.BSGS && probe.giantSteps() > 1;
      this.hasBaby = probe.babySteps() > 1;
      this.plaintextRows = diagonals.size() + (biasSlots == null ? 0 : 1);
      this.lowering = (fold == 0 ? "diagonals" : "diagonals+fold/" + fold) + " (" + diagonals.size()
          + " diagonals, BSGS " + probe.babySteps() + "x" + probe.giantSteps() + ")";
    }

    private static int countGiant(MatrixVector mv) {
      // rotations of the partial sums: key switches beyond the hoisted baby steps
      return Math.max(0, mv.keySwitches() - babyCount(mv));
    }

    private static int babyCount(MatrixVector mv) {
      int n = 0;
      for (int r : mv.rotationsNeeded()) {
        if (r > 0 && r < mv.babySteps()) {
          n++;
        }
      }
      return n;
    }

    @Override
    Noise trace(NoiseEstimator est, Schedule s, Noise[] in) {
      Noise x = in[0];
      Noise r = hasBaby ? est.rotate(x) : x;
      double ptScale = s.delta * s.params.q(x.level()) / x.scale();
      Noise acc = null;
      for (int t = 0; t < diagMaxAbs.length; t++) {
        Noise term = est.mulPlain(r, diagMaxAbs[t], diagRms[t], ptScale);
        acc = acc == null ? term : est.add(acc, term);
      }
      if (acc == null) {
        acc = est.mulPlain(x, 0, ptScale);
      }
      acc = est.rescale(acc).withScale(s.delta);
      if (hasGiant) {
        acc = est.rotate(acc);
      }
      if (fold > 0) {
        acc = est.rotateAndSum(acc, s.params.slots() / fold);
      }
      if (biasSlots != null) {
        acc = est.addPlain(acc, biasMaxAbs);
      }
      return acc.withMaxAbs(bound);
    }

    @Override
    Prepared prepare(Env env) {
      Schedule s = env.schedule;
      MatrixVector mv = MatrixVector.ofDiagonals(env.encoder, diagonals,
          MatrixVector.Method.BSGS);
      int level = s.level(inputs[0]);
      double ptScale = s.delta * env.params.q(level) / s.scale(inputs[0]);
      MatrixVector.Encoded enc = mv.encode(level, ptScale);
      Plaintext bias = biasSlots == null ? null
          : env.encoder.encode(biasSlots, level - 1, s.delta);
      int slots = env.params.slots();
      double delta = s.delta;
      return (ev, in) -> {
        Ciphertext y = mv.multiply(ev, in[0], enc)[0];
        if (fold > 0) {
          Ciphertext tmp = Ciphertext.empty(env.params);
          for (int step = fold; step < slots; step <<= 1) {
            ev.rotate(y, step, tmp);
            ev.add(y, tmp, y);
          }
        }
        y.setScale(delta);
        if (bias != null) {
          ev.addPlain(y, bias, y);
        }
        return new Ciphertext[] {y};
      };
    }
  }

  // ================================================================ throughput: MAC

  /** A linear layer in throughput mode: one multiply-accumulate per output. */
  static final class MultiplyAccumulate extends Step {
    final LinearMap map;
    final int inPending;
    final int inDegree;
    final int worstRow;

    MultiplyAccumulate(int node, String name, String kind, int input, LinearMap map,
        int inPending, int inDegree) {
      super(node, name, kind, new int[] {input});
      this.map = map;
      this.inPending = inPending;
      this.inDegree = inDegree;
      int worst = 0;
      double best = -1;
      for (int r = 0; r < map.rows(); r++) {
        double l1 = 0;
        for (double w : map.weight()[r]) {
          l1 += Math.abs(w);
        }
        if (l1 > best) {
          best = l1;
          worst = r;
        }
      }
      this.worstRow = worst;
      this.ptMults = map.entries() * (inDegree + 1) / 2;
      this.rescales = (long) map.rows() * (1 + inPending);
      this.keySwitches = inDegree == 2 ? map.rows() : 0;
      this.plaintextRows = 0;
      this.lowering = "mac (" + map.entries() + " terms" + (inDegree == 2 ? ", lazy relin" : "")
          + (inPending > 0 ? ", lazy rescale" : "") + ")";
    }

    /** Scale of the constants that brings the input's scale to delta after the rescales. */
    double constScale(Schedule s) {
      int level = s.level(inputs[0]);
      double c = s.delta / s.scale(inputs[0]);
      for (int r = 0; r <= inPending; r++) {
        c *= s.params.q(level - r);
      }
      return c;
    }

    @Override
    Noise trace(NoiseEstimator est, Schedule s, Noise[] in) {
      Noise x = in[0];
      double cs = constScale(s);
      Noise acc = null;
      double[] w = map.weight()[worstRow];
      for (double v : w) {
        Noise t = est.mulConst(x, v, cs);
        acc = acc == null ? t : est.add(acc, t);
      }
      if (acc == null) {
        acc = est.mulConst(x, 0, cs);
      }
      acc = est.addConst(acc, Math.abs(map.bias()[worstRow]));
      for (int r = 0; r <= inPending; r++) {
        acc = est.rescale(acc);
      }
      return acc.withScale(s.delta).withMaxAbs(bound);
    }

    @Override
    Prepared prepare(Env env) {
      Schedule s = env.schedule;
      int level = s.level(inputs[0]);
      double cs = constScale(s);
      double inScale = s.scale(inputs[0]);
      int m = map.rows();
      long[][][] k = new long[m][][];
      long[][][] ks = new long[m][][];
      long[][] bias = new long[m][level + 1];
      var ring = env.ctx.ring();
      for (int r = 0; r < m; r++) {
        long[][][] c = Mac.constants(ring, map.weight()[r], cs, level);
        k[r] = c[0];
        ks[r] = c[1];
        for (int i = 0; i <= level; i++) {
          bias[r][i] = Mac.residue(map.bias()[r] * inScale * cs, ring.modulus(i));
        }
      }
      double delta = s.delta;
      Parameters params = env.params;
      return (ev, in) -> {
        Ciphertext[] x = in[0];
        Ciphertext[] out = new Ciphertext[m];
        for (int r = 0; r < m; r++) {
          out[r] = new Ciphertext(params, inDegree, level, inScale * cs);
        }
        Mac.accumulateLayer(params, ring, x, map.index(), k, ks, bias, level, inDegree,
            inScale * cs, out);
        ring.parallelFor(m, r -> {
          Ciphertext y = out[r];
          if (inDegree == 2) {
            ev.relinearize(y, y);
          }
          for (int t = 0; t <= inPending; t++) {
            ev.rescale(y, y);
          }
          y.setScale(delta);
        });
        return out;
      };
    }
  }

  // ================================================================ element-wise

  /** x^2: latency relinearised and rescaled; throughput possibly lazy (see fields). */
  static final class Square extends Step {
    final boolean relinearize;
    final boolean rescale;

    /** Whether the product may overwrite its input (no other step reads it). */
    final boolean inPlace;

    Square(int node, String name, int input, boolean relinearize, boolean rescale,
        boolean inPlace) {
      super(node, name, "square", new int[] {input});
      this.relinearize = relinearize;
      this.rescale = rescale;
      this.inPlace = inPlace;
      this.degree = relinearize ? 1 : 2;
      this.pending = rescale ? 0 : 1;
      this.exact = false;
      this.lowering = "mul" + (relinearize ? "+relin" : " (relin deferred)")
          + (rescale ? "+rescale" : " (rescale deferred)") + (inPlace ? ", in place" : "");
    }

    @Override
    void schedule(Schedule s) {
      int l = s.level(inputs[0]);
      double sc = s.scale(inputs[0]);
      s.level[node] = rescale ? l - 1 : l;
      s.scale[node] = rescale ? sc * sc / s.params.q(l) : sc * sc;
    }

    @Override
    Noise trace(NoiseEstimator est, Schedule s, Noise[] in) {
      Noise y = est.mul(in[0], in[0]);
      return (rescale ? est.rescale(y) : y).withMaxAbs(bound);
    }

    @Override
    Prepared prepare(Env env) {
      return (ev, in) -> {
        Ciphertext[] x = in[0];
        Ciphertext[] out = new Ciphertext[x.length];
        env.ctx.ring().parallelFor(x.length, v -> {
          Ciphertext y = inPlace ? x[v] : Ciphertext.empty(env.params);
          ev.mul(x[v], x[v], y);
          if (relinearize) {
            ev.relinearize(y, y);
          }
          if (rescale) {
            ev.rescale(y, y);
          }
          out[v] = y;
        });
        return out;
      };
    }
  }

  /** A polynomial activation, evaluated to the default scale. */
  static final class Activation extends Step {
    final ChebyshevSeries series;
    final int levels;
    final int inPending;

    Activation(int node, String name, String kind, int input, ChebyshevSeries series, int levels,
        int inPending) {
      super(node, name, kind, new int[] {input});
      this.series = series;
      this.levels = levels;
      this.inPending = inPending;
      this.lowering = "chebyshev degree " + series.degree() + " (" + levels + " levels)";
    }

    @Override
    Noise trace(NoiseEstimator est, Schedule s, Noise[] in) {
      Noise x = in[0].withMaxAbs(Math.max(Math.abs(series.a()), Math.abs(series.b())));
      Noise y = PolynomialEvaluator.noise(est, x, series, s.delta);
      int target = s.level[node];
      if (y.level() > target) {
        y = est.dropToLevel(y, target);
      }
      return y.withMaxAbs(bound);
    }

    @Override
    Prepared prepare(Env env) {
      int target = env.schedule.level[node];
      double delta = env.schedule.delta;
      return (ev, in) -> {
        PolynomialEvaluator pe = new PolynomialEvaluator(ev);
        Ciphertext[] x = in[0];
        Ciphertext[] out = new Ciphertext[x.length];
        env.ctx.ring().parallelFor(x.length, v -> {
          Ciphertext c = x[v];
          if (c.degree() == 2 || inPending > 0) {
            c = c.copy();
            materialize(ev, new Ciphertext[] {c}, inPending);
          }
          Ciphertext y = pe.evaluate(c, series, delta);
          if (y.level() < target) {
            throw new IllegalStateException("activation " + name + " used more levels than"
                + " planned (" + y.level() + " < " + target + ")");
          }
          if (y.level() > target) {
            ev.dropToLevel(y, target, y);
          }
          out[v] = y;
        });
        return out;
      };
    }
  }

  /** A reshape: same values, same order, same ciphertexts. */
  static final class Identity extends Step {
    Identity(int node, String name, String kind, int input) {
      super(node, name, kind, new int[] {input});
      this.lowering = "none";
    }

    @Override
    void schedule(Schedule s) {
      s.level[node] = s.level(inputs[0]);
      s.scale[node] = s.scale(inputs[0]);
    }

    @Override
    Noise trace(NoiseEstimator est, Schedule s, Noise[] in) {
      return in[0];
    }

    @Override
    Prepared prepare(Env env) {
      return (ev, in) -> in[0];
    }
  }

  /** A residual add: inputs brought to the default scale and a common level, then added. */
  static final class Add extends Step {
    /** Per input: null, or the relayout (latency) that gives it the other input's layout. */
    final Diagonal[] relayout;
    /** Per input: whether it is multiplied to the default scale first (its scale is not). */
    final boolean[] align;

    Add(int node, String name, int[] inputs, Diagonal[] relayout, boolean[] align) {
      super(node, name, "add", inputs);
      this.relayout = relayout;
      this.align = align;
      this.lowering = relayout[0] != null || relayout[1] != null ? "relayout+add"
          : align[0] || align[1] ? "align+add" : "add";
    }

    @Override
    Noise trace(NoiseEstimator est, Schedule s, Noise[] in) {
      Noise[] x = new Noise[2];
      for (int j = 0; j < 2; j++) {
        if (relayout[j] != null) {
          x[j] = relayout[j].trace(est, s, new Noise[] {in[j]});
        } else if (align[j]) {
          x[j] = alignNoise(est, in[j], s.delta);
        } else {
          x[j] = in[j];
        }
      }
      int l = s.level[node];
      return est.add(est.dropToLevel(x[0], l), est.dropToLevel(x[1], l)).withMaxAbs(bound);
    }

    @Override
    Prepared prepare(Env env) {
      Schedule s = env.schedule;
      Prepared[] re = new Prepared[2];
      for (int j = 0; j < 2; j++) {
        re[j] = relayout[j] == null ? null : relayout[j].prepare(env);
      }
      int level = s.level[node];
      double delta = s.delta;
      return (ev, in) -> {
        int n = in[0].length;
        Ciphertext[] out = new Ciphertext[n];
        Ciphertext[][] x = new Ciphertext[2][];
        for (int j = 0; j < 2; j++) {
          x[j] = re[j] != null ? re[j].run(ev, new Ciphertext[][] {in[j]}) : in[j];
        }
        for (int v = 0; v < n; v++) {
          Ciphertext a = align[0] ? align(ev, x[0][v], delta) : x[0][v];
          Ciphertext b = align[1] ? align(ev, x[1][v], delta) : x[1][v];
          a = a.level() > level ? ev.dropToLevelNew(a, level) : a;
          b = b.level() > level ? ev.dropToLevelNew(b, level) : b;
          out[v] = ev.addNew(a, b);
        }
        return out;
      };
    }
  }

}
