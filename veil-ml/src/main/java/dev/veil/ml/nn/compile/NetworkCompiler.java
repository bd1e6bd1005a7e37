package dev.veil.ml.nn.compile;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.ckks.NoiseEstimator.Noise;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.ScoringNoise;
import dev.veil.ml.linalg.MatrixVector;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.poly.PolynomialEvaluator;

/**
 * Compiles a {@link Network} into an encrypted program ({@link CompiledNetwork}) in one of two
 * modes.
 *
 * <h2>Latency: one input per request (LoLa's representations)</h2>
 *
 * Every activation lives in one ciphertext, in a slot layout the compiler chooses per layer
 * ({@link SlotLayout}: contiguous, or replicated with a power-of-two period). A linear layer
 * (convolution, dense, pooling, affine) is one slot-level linear map applied by the diagonal
 * method with baby-step giant-step and hoisted baby rotations ({@link
 * MatrixVector#ofDiagonals}), its diagonals encoded once at the layer's level. Two lowerings are
 * planned and the one with fewer key switches kept:
 *
 * <ul>
 *   <li><b>direct</b>: output value r in slot r; the diagonal offsets are those between the input
 *       slots a row reads and r (for a dense layer on a contiguous input, m + k - 1 of them);
 *   <li><b>fold</b> (Gazelle's hybrid, for m much smaller than k): with m' the power of two
 *       above m, row r is spread over the slots {@code r + m' u}, slot {@code r + m' u} taking
 *       the columns whose slot lies in {@code [m' u, m' (u + 1))}; at most 2 m' - 1 offsets, then
 *       {@code log2(S / m')} rotations sum the copies, which leaves the result replicated with
 *       period m' (what the next layer's diagonals like).
 * </ul>
 *
 * The first convolution, when it reads only the input, takes the input in LoLa's <em>convolution
 * representation</em>: the client (who holds the image) lays out the im2col patches, tap t of
 * output position p in slot {@code t P + p} (P the positions per channel), so that the
 * convolution's map has only {@code taps + channels - 1} diagonals, offsets {@code (t - o) P}.
 * The last layer is always lowered directly, so that the result sits in slots 0..m-1 with zeros
 * elsewhere and the sanitiser needs no mask level. A square is one ciphertext product,
 * relinearised (the next layer rotates) and rescaled; a polynomial activation is {@link
 * PolynomialEvaluator} to the default scale; a residual add re-lays out one branch when the
 * layouts differ and aligns scales with one constant product when they are not the default.
 *
 * <h2>Throughput: one input per slot (CryptoNets)</h2>
 *
 * Input value v of image i sits in slot i of ciphertext v; N/2 images per batch. A linear layer
 * is one multiply-accumulate per output with integer constants (the weights at the scale that
 * lands the result exactly on the default scale), lazily reduced over cache-sized tiles of the
 * whole layer ({@link Mac}), then one rescale: no rotation, no Galois key. A square feeding only
 * linear layers is not relinearised: the next layer accumulates the degree-2 products and
 * relinearises once per output (100 relinearisations instead of 845 for CryptoNets' second
 * layer); it is rescaled (a deferred rescale would cost every following multiply-accumulate term
 * one more prime, more than the rescales it saves). The multiply-accumulate still supports an
 * input whose rescale is pending (it then rescales twice per output).
 *
 * <h2>Levels, scales and parameters</h2>
 *
 * Every linear output is at exactly the default scale Delta (its plaintexts or constants carry
 * the ratio), so adds need no alignment unless a branch ends in a square. The depth is counted
 * per node; without given parameters the compiler takes, for each ring degree from the smallest
 * whose slots hold the layouts, the smallest scale from {@link CompileOptions#minScaleBits()} at
 * which {@link ParameterSelector} gives a 128-bit-secure set of that degree whose traced noise
 * ({@link NoiseEstimator}, magnitudes from the calibration samples) leaves {@link
 * CompileOptions#minPrecisionBits()} after the sanitiser's flooding (or without it), with a
 * first prime that holds the outputs and the flooding noise. Stateless.
 */
public final class NetworkCompiler {
  /** One input per request, or one input per slot. */
  public enum Mode {
    LATENCY,
    THROUGHPUT
  }

  private NetworkCompiler() {}

  /**
   * Compiles {@code network} as {@code options} ask.
   *
   * @throws IllegalArgumentException naming the layer or limit when the network cannot be
   *     compiled (an activation without polynomial, an activation that does not fit the slots,
   *     no secure parameters of the precision asked for)
   */
  public static CompiledNetwork compile(Network network, CompileOptions options) {
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(options, "options");
    for (Network.Node n : network.nodes()) {
      if (n.layer() instanceof Layer.Activation a && !a.approximated()) {
        throw new IllegalArgumentException("node " + n.name() + ": " + a.kind()
            + " has no polynomial yet; approximate it before compiling");
      }
    }
    double[] bounds = bounds(network, options);
    double inBound = inputBound(network, options);
    if (options.parameters() != null) {
      Parameters p = options.parameters();
      Plan plan = plan(network, options.mode(), p.logN(), bounds);
      if (plan.depth > p.maxLevel()) {
        throw new IllegalArgumentException("the network needs " + plan.depth + " levels, the"
            + " parameters have " + p.maxLevel());
      }
      Outcome o = evaluate(plan, p, options, inBound);
      return new CompiledNetwork(network, options, p, plan, o.noiseBits, o.policy,
          o.precisionBits);
    }
    String last = "";
    int minLogN = 12;
    int depthBound = planThroughput(network, minLogN, bounds).depth;
    for (int logN = minLogN; logN <= 16; logN++) {
      String skip = hopeless(logN, depthBound, options);
      if (skip != null) {
        last = skip;
        continue;
      }
      Plan plan;
      try {
        plan = plan(network, options.mode(), logN, bounds);
      } catch (DoesNotFitException e) {
        last = e.getMessage();
        continue;
      }
      int slots = 1 << (logN - 1);
      // bits of the first prime above the scale: the output's magnitude plus 3, and at least 2,
      // so that a plaintext product before the last rescale (scale^2 in q0 q1) also fits
      int headroom = Math.max(2, (int) Math.ceil(log2(bounds[bounds.length - 1])) + 3);
      for (int sb = options.minScaleBits(); sb <= 60; sb++) {
        int h = headroom;
        for (int attempt = 0; attempt < 3; attempt++) {
          Parameters p;
          try {
            p = ParameterSelector.select(plan.depth, sb, slots, h);
          } catch (InvalidParametersException e) {
            last = e.getMessage();
            p = null;
          }
          if (p == null || p.logN() != logN) {
            attempt = 3;
            break;
          }
          Outcome o = evaluate(plan, p, options, inBound);
          if (o.floodFitsBits > 0) { // first prime too small for the flooding: grow it
            int need = h + (int) Math.ceil(o.floodFitsBits);
            if (sb + need > 61) {
              break;
            }
            h = need;
            continue;
          }
          if (o.precisionBits >= options.minPrecisionBits()) {
            return new CompiledNetwork(network, options, p, plan, o.noiseBits, o.policy,
                o.precisionBits);
          }
          last = String.format(java.util.Locale.ROOT, "at N = 2^%d, scale 2^%d: %.1f bits of"
              + " precision expected", logN, sb, o.precisionBits);
          break;
        }
      }
    }
    throw new IllegalArgumentException("no 128-bit-secure parameters up to N = 2^16 give "
        + options.minPrecisionBits() + " bits of precision for this network (" + last
        + "): ask for fewer bits, a smaller flooding budget, or a shallower network");
  }

  /**
   * Why no parameters of ring degree 2^logN can work, before planning (which builds every
   * layer's diagonals): no secure set of that degree holds the depth, or even its largest scale
   * would leave less than the precision asked for after the flooding (whose noise is at least
   * the declared bound, 2^0 when traced). Null when it may work.
   */
  private static String hopeless(int logN, int depth, CompileOptions o) {
    int slots = 1 << (logN - 1);
    int best = -1;
    for (int sb = 60; sb >= o.minScaleBits() && best < 0; sb--) {
      try {
        if (ParameterSelector.select(depth, sb, slots, 1).logN() == logN) {
          best = sb;
        }
      } catch (InvalidParametersException e) {
        // too deep at this scale
      }
    }
    if (best < 0) {
      return "N = 2^" + logN + " holds no " + depth + " levels at scale 2^" + o.minScaleBits()
          + " or more";
    }
    if (o.sanitization() == null) {
      return null;
    }
    CompileOptions.Sanitization z = o.sanitization();
    double b = z.traced() ? 0 : z.noiseBoundBits();
    double sigma = new FloodingPolicy(z.securityBits(), b, z.maxResults()).log2Sigma();
    double bits = best - sigma - logN / 2.0;
    if (bits < o.minPrecisionBits()) {
      return String.format(java.util.Locale.ROOT, "at N = 2^%d even scale 2^%d keeps at most"
          + " %.1f bits after flooding", logN, best, bits);
    }
    return null;
  }

  // ================================================================ magnitudes

  private static double inputBound(Network net, CompileOptions o) {
    double b = 0;
    for (double[] x : o.calibration()) {
      for (double v : x) {
        b = Math.max(b, Math.abs(v));
      }
    }
    return o.calibration().isEmpty() ? o.inputBound() : Math.max(b, 1e-6);
  }

  /** Bound on |value| of every node: calibrated times the margin, else interval arithmetic. */
  static double[] bounds(Network net, CompileOptions o) {
    int n = net.nodes().size();
    double[] b = new double[n];
    if (!o.calibration().isEmpty()) {
      for (double[] x : o.calibration()) {
        double[][] all = net.forwardAll(x, Network.Mode.POLYNOMIAL);
        for (int k = 0; k < n; k++) {
          for (double v : all[k]) {
            b[k] = Math.max(b[k], Math.abs(v));
          }
        }
      }
      for (int k = 0; k < n; k++) {
        b[k] = Math.max(b[k] * o.margin(), 1e-3);
      }
      return b;
    }
    List<Shape> shapes = net.shapes();
    for (int k = 0; k < n; k++) {
      Network.Node node = net.nodes().get(k);
      int[] in = node.inputs();
      double x = in[0] == Network.INPUT ? o.inputBound() : b[in[0]];
      Layer l = node.layer();
      if (LinearMap.isLinear(l)) {
        Shape s = in[0] == Network.INPUT ? net.input() : shapes.get(in[0]);
        LinearMap m = LinearMap.of(l, s);
        double best = 0;
        for (int r = 0; r < m.rows(); r++) {
          double acc = Math.abs(m.bias()[r]);
          for (double w : m.weight()[r]) {
            acc += Math.abs(w) * x;
          }
          best = Math.max(best, acc);
        }
        b[k] = best;
      } else if (l instanceof Layer.Square) {
        b[k] = x * x;
      } else if (l instanceof Layer.Activation a) {
        b[k] = a.polynomial().l1Norm();
      } else if (l instanceof Layer.Add) {
        double y = in[1] == Network.INPUT ? o.inputBound() : b[in[1]];
        b[k] = x + y;
      } else {
        b[k] = x;
      }
      b[k] = Math.max(b[k] * o.margin(), 1e-3);
    }
    return b;
  }

  // ================================================================ plan

  /** A network's compiled steps at one ring degree. */
  static final class Plan {
    final NetworkCompiler.Mode mode;
    final int logN;
    final List<Step> steps;
    final int depth;
    final boolean mask;
    /** Latency: the input's layout ({@code im2col} non-null: of the im2col vector). */
    final SlotLayout inputLayout;
    final Layer.Conv2d im2col;
    final Shape inputShape;
    final int outputs;

    Plan(Mode mode, int logN, List<Step> steps, int depth, boolean mask, SlotLayout inputLayout,
        Layer.Conv2d im2col, Shape inputShape, int outputs) {
      this.mode = mode;
      this.logN = logN;
      this.steps = steps;
      this.depth = depth;
      this.mask = mask;
      this.inputLayout = inputLayout;
      this.im2col = im2col;
      this.inputShape = inputShape;
      this.outputs = outputs;
    }

    Step last() {
      return steps.get(steps.size() - 1);
    }
  }

  /** The layouts do not fit this ring degree's slots. */
  static final class DoesNotFitException extends RuntimeException {
    DoesNotFitException(String message) {
      super(message);
    }
  }

  static Plan plan(Network net, Mode mode, int logN, double[] bounds) {
    return mode == Mode.LATENCY ? planLatency(net, logN, bounds) : planThroughput(net, logN,
        bounds);
  }

  /** Consumers of each node, looking through reshapes. */
  private static List<List<Layer>> consumers(Network net) {
    int n = net.nodes().size();
    List<List<Layer>> c = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      c.add(new ArrayList<>());
    }
    for (int k = n - 1; k >= 0; k--) {
      Network.Node node = net.nodes().get(k);
      for (int i : node.inputs()) {
        if (i == Network.INPUT) {
          continue;
        }
        if (node.layer() instanceof Layer.Reshape) {
          c.get(i).addAll(c.get(k));
        } else {
          c.get(i).add(node.layer());
        }
      }
    }
    return c;
  }

  private static Plan planThroughput(Network net, int logN, double[] bounds) {
    List<Network.Node> nodes = net.nodes();
    List<Shape> shapes = net.shapes();
    List<List<Layer>> consumers = consumers(net);
    int[] readers = new int[nodes.size()];
    for (Network.Node n : nodes) {
      for (int i : n.inputs()) {
        if (i != Network.INPUT) {
          readers[i]++;
        }
      }
    }
    List<Step> steps = new ArrayList<>();
    for (int k = 0; k < nodes.size(); k++) {
      Network.Node node = nodes.get(k);
      Layer l = node.layer();
      int[] in = node.inputs();
      Step prev = in[0] == Network.INPUT ? null : steps.get(in[0]);
      int dIn = prev == null ? 0 : prev.depth;
      int pIn = prev == null ? 0 : prev.pending;
      int degIn = prev == null ? 1 : prev.degree;
      boolean exactIn = prev == null || prev.exact;
      Shape sIn = in[0] == Network.INPUT ? net.input() : shapes.get(in[0]);
      Step st;
      if (LinearMap.isLinear(l)) {
        st = new Step.MultiplyAccumulate(k, node.name(), l.kind(), in[0], LinearMap.of(l, sIn),
            pIn, degIn);
        st.depth = dIn + 1;
      } else if (l instanceof Layer.Square) {
        boolean lazy = k < nodes.size() - 1 && !consumers.get(k).isEmpty();
        for (Layer c : consumers.get(k)) {
          lazy &= LinearMap.isLinear(c);
        }
        // relinearisation deferred to the consumers (one per output instead of one per value);
        // the rescale is not: it takes a prime off every multiply-accumulate term that follows
        boolean inPlace = in[0] != Network.INPUT && readers[in[0]] == 1
            && !(nodes.get(in[0]).layer() instanceof Layer.Reshape); // a reshape shares arrays
        Step.Square sq = new Step.Square(k, node.name(), in[0], !lazy, true, inPlace);
        sq.ctMults = sIn.size();
        sq.keySwitches = lazy ? 0 : sIn.size();
        sq.rescales = sIn.size();
        sq.depth = dIn + 1;
        st = sq;
      } else if (l instanceof Layer.Activation a) {
        int levels = PolynomialEvaluator.levelsNeeded(a.polynomial().degree(),
            a.polynomial().a(), a.polynomial().b());
        st = new Step.Activation(k, node.name(), l.kind(), in[0], a.polynomial(), levels, pIn);
        st.depth = dIn + levels;
        st.ctMults = (long) sIn.size() * 2 * (long) Math.ceil(Math.sqrt(a.polynomial().degree()));
        st.keySwitches = st.ctMults;
      } else if (l instanceof Layer.Reshape) {
        st = new Step.Identity(k, node.name(), l.kind(), in[0]);
        st.depth = dIn;
        st.pending = pIn;
        st.degree = degIn;
        st.exact = exactIn;
      } else if (l instanceof Layer.Add) {
        Step other = in[1] == Network.INPUT ? null : steps.get(in[1]);
        boolean[] align = {!exactIn, other != null && !other.exact};
        int d0 = dIn + (align[0] ? 1 : 0);
        int d1 = (other == null ? 0 : other.depth) + (align[1] ? 1 : 0);
        st = new Step.Add(k, node.name(), in, new Step.Diagonal[2], align);
        st.depth = Math.max(d0, d1);
      } else {
        throw new IllegalArgumentException("node " + node.name() + ": cannot compile "
            + l.kind());
      }
      st.bound = bounds[k];
      steps.add(st);
    }
    Step last = steps.get(steps.size() - 1);
    return new Plan(Mode.THROUGHPUT, logN, steps, last.depth, false, null, null, net.input(),
        net.outputShape().size());
  }

  private static Plan planLatency(Network net, int logN, double[] bounds) {
    int slots = 1 << (logN - 1);
    List<Network.Node> nodes = net.nodes();
    List<Shape> shapes = net.shapes();
    Encoder probe = probeEncoder(logN);
    int inputReaders = 0;
    for (Network.Node n : nodes) {
      for (int i : n.inputs()) {
        inputReaders += i == Network.INPUT ? 1 : 0;
      }
    }
    Layer.Conv2d im2col = null;
    SlotLayout inLayout;
    Network.Node first = nodes.get(0);
    if (inputReaders == 1 && first.layer() instanceof Layer.Conv2d c
        && first.inputs()[0] == Network.INPUT) {
      Shape o = c.outputShape(net.input());
      int len = c.inChannels() * c.kernelH() * c.kernelW() * o.height() * o.width();
      if (len <= slots) {
        im2col = c;
        inLayout = SlotLayout.contiguous(len, slots);
      } else {
        inLayout = contiguousOrThrow(net.input().size(), slots, "the input");
      }
    } else {
      inLayout = contiguousOrThrow(net.input().size(), slots, "the input");
    }
    List<Step> steps = new ArrayList<>();
    for (int k = 0; k < nodes.size(); k++) {
      Network.Node node = nodes.get(k);
      Layer l = node.layer();
      int[] in = node.inputs();
      Step prev = in[0] == Network.INPUT ? null : steps.get(in[0]);
      int dIn = prev == null ? 0 : prev.depth;
      SlotLayout lIn = prev == null ? inLayout : prev.layout;
      double bIn = in[0] == Network.INPUT ? 1 : bounds[in[0]];
      Shape sIn = in[0] == Network.INPUT ? net.input() : shapes.get(in[0]);
      boolean isLast = k == nodes.size() - 1;
      Step st;
      if (LinearMap.isLinear(l)) {
        LinearMap map = k == 0 && im2col != null ? LinearMap.conv(im2col, sIn, true)
            : LinearMap.of(l, sIn);
        st = lowerLinear(k, node.name(), l.kind(), in[0], map, lIn, slots, probe,
            isLast, l instanceof Layer.Affine, bIn);
        st.depth = dIn + 1;
      } else if (l instanceof Layer.Square) {
        st = new Step.Square(k, node.name(), in[0], true, true, false);
        st.layout = lIn;
        st.ctMults = 1;
        st.keySwitches = 1;
        st.rescales = 1;
        st.depth = dIn + 1;
      } else if (l instanceof Layer.Activation a) {
        int levels = PolynomialEvaluator.levelsNeeded(a.polynomial().degree(),
            a.polynomial().a(), a.polynomial().b());
        st = new Step.Activation(k, node.name(), l.kind(), in[0], a.polynomial(), levels, 0);
        st.layout = lIn.dirty();
        st.ctMults = 2 * (long) Math.ceil(Math.sqrt(a.polynomial().degree())) + levels;
        st.keySwitches = st.ctMults;
        st.depth = dIn + levels;
      } else if (l instanceof Layer.Reshape) {
        st = new Step.Identity(k, node.name(), l.kind(), in[0]);
        st.layout = lIn;
        st.depth = dIn;
        st.exact = prev == null || prev.exact;
      } else if (l instanceof Layer.Add) {
        Step other = in[1] == Network.INPUT ? null : steps.get(in[1]);
        SlotLayout l1 = other == null ? inLayout : other.layout;
        Step.Diagonal[] re = new Step.Diagonal[2];
        boolean[] align = {!(prev == null || prev.exact), !(other == null || other.exact)};
        if (!lIn.sameSlots(l1)) {
          re[1] = relayout(k, node.name(), in[1], l1, lIn, slots, probe,
              in[1] == Network.INPUT ? 1 : bounds[in[1]]);
          re[1].bound = bounds[k];
          align[1] = false;
        }
        int d0 = dIn + (align[0] ? 1 : 0);
        int d1 = (other == null ? 0 : other.depth) + (align[1] || re[1] != null ? 1 : 0);
        st = new Step.Add(k, node.name(), in, re, align);
        if (re[1] != null) {
          st.rotations = re[1].rotations;
          st.keySwitches = re[1].keySwitches;
          st.hoisted = re[1].hoisted;
          st.ptMults = re[1].ptMults;
          st.plaintextRows = re[1].plaintextRows;
        }
        st.rescales = (align[0] ? 1 : 0) + (align[1] ? 1 : 0) + (re[1] != null ? 1 : 0);
        st.layout = new SlotLayout(lIn.size(), slots, lIn.period(), lIn.base(),
            lIn.clean() && l1.clean());
        st.depth = Math.max(d0, d1);
      } else {
        throw new IllegalArgumentException("node " + node.name() + ": cannot compile "
            + l.kind());
      }
      st.bound = bounds[k];
      steps.add(st);
    }
    Step last = steps.get(steps.size() - 1);
    boolean mask = !(last.layout.clean() && last.layout.contiguousSingle());
    return new Plan(Mode.LATENCY, logN, steps, last.depth + (mask ? 1 : 0), mask, inLayout,
        im2col, net.input(), net.outputShape().size());
  }

  private static SlotLayout contiguousOrThrow(int size, int slots, String what) {
    if (size > slots) {
      throw new DoesNotFitException(what + " has " + size + " values, more than the " + slots
          + " slots");
    }
    return SlotLayout.contiguous(size, slots);
  }

  private static final Map<Integer, Encoder> PROBES =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** An encoder at this ring degree: the diagonal plans depend on the slots only. */
  private static Encoder probeEncoder(int logN) {
    return PROBES.computeIfAbsent(logN, n -> {
      Parameters p = Parameters.builder().logN(n).logQ(40, 40).logP(41).securityOff().build();
      return new Encoder(new HeContext(p, 1));
    });
  }

  private static Step.Diagonal lowerLinear(int node, String name, String kind, int input,
      LinearMap map, SlotLayout in, int slots, Encoder probe, boolean last, boolean elementwise,
      double inBound) {
    if (map.rows() > slots) {
      throw new DoesNotFitException("node " + name + " has " + map.rows()
          + " outputs, more than the " + slots + " slots");
    }
    List<SlotLayout> outs = new ArrayList<>();
    List<Integer> folds = new ArrayList<>();
    if (elementwise) {
      outs.add(new SlotLayout(in.size(), slots, in.period(), in.base(), true));
      folds.add(0);
    }
    outs.add(SlotLayout.contiguous(map.rows(), slots));
    folds.add(0);
    int mp = map.rows() == 1 ? 1 : Integer.highestOneBit(map.rows() - 1) << 1;
    if (!last && mp < slots) {
      outs.add(SlotLayout.replicated(map.rows(), slots, mp));
      folds.add(mp);
    }
    // count the offsets first: build (and plan BSGS for) only the promising candidates
    int[] counts = new int[outs.size()];
    int fewest = Integer.MAX_VALUE;
    for (int c = 0; c < outs.size(); c++) {
      counts[c] = offsets(map, in, outs.get(c), folds.get(c)).size();
      fewest = Math.min(fewest, counts[c]);
    }
    long diagonalBytes = (long) fewest * slots * Double.BYTES;
    if (diagonalBytes > diagonalBudget()) {
      throw new DoesNotFitException(String.format(java.util.Locale.ROOT, "layer %s needs %,d"
          + " diagonals of %,d slots (%,d MiB before encoding) at its cheapest layout, more than"
          + " the %,d MiB (a sixteenth of the heap) this compiler allows one layer", name, fewest,
          slots, diagonalBytes >> 20, diagonalBudget() >> 20));
    }
    List<Candidate> cands = new ArrayList<>();
    for (int c = 0; c < outs.size(); c++) {
      if (counts[c] <= 8L * fewest + 64 && (long) counts[c] * slots * Double.BYTES
          <= diagonalBudget()) {
        cands.add(candidate(map, in, outs.get(c), folds.get(c), probe));
      }
    }
    Candidate best = null;
    for (Candidate c : cands) {
      if (best == null || c.cost() < best.cost()) {
        best = c;
      }
    }
    double[] bias = null;
    for (double b : map.bias()) {
      if (b != 0) {
        bias = best.out.spread(map.bias());
        break;
      }
    }
    Step.Diagonal st = new Step.Diagonal(node, name, kind, input, best.diagonals, best.fold,
        bias, best.mv, slots, inBound);
    st.layout = best.out;
    return st;
  }

  /**
   * The most bytes the diagonals of one layer may take as doubles while it is planned: a
   * sixteenth of the maximum heap, since the server then holds them encoded at their level (two
   * to several times larger) beside the keys. A larger layer is refused instead of running out
   * of memory.
   */
  static long diagonalBudget() {
    return Runtime.getRuntime().maxMemory() / 16;
  }

  private static Step.Diagonal relayout(int node, String name, int input, SlotLayout from,
      SlotLayout to, int slots, Encoder probe, double inBound) {
    int n = from.size();
    int[][] idx = new int[n][];
    double[][] w = new double[n][];
    for (int v = 0; v < n; v++) {
      idx[v] = new int[] {v};
      w[v] = new double[] {1};
    }
    LinearMap id = new LinearMap(n, n, idx, w, new double[n]);
    SlotLayout out = new SlotLayout(to.size(), slots, to.period(), to.base(), true);
    Candidate c = candidate(id, from, out, 0, probe);
    Step.Diagonal st = new Step.Diagonal(node, name + "/relayout", "relayout", input,
        c.diagonals, 0, null, c.mv, slots, inBound);
    st.layout = out;
    return st;
  }

  private record Candidate(Map<Integer, double[]> diagonals, int fold, SlotLayout out,
      MatrixVector mv, int slots) {
    long cost() {
      int foldRot = fold == 0 ? 0 : Integer.numberOfTrailingZeros(slots / fold);
      // key switches dominate; plaintext products break ties
      return (mv.keySwitches() + foldRot) * 64L + diagonals.size();
    }
  }

  /**
   * The diagonals of {@code map} from layout {@code in} to layout {@code out} (fold 0: every
   * slot of every output value; fold m': the spread of {@link NetworkCompiler}'s fold lowering).
   */
  private static java.util.Set<Integer> offsets(LinearMap map, SlotLayout in, SlotLayout out,
      int fold) {
    int slots = in.slots();
    java.util.Set<Integer> set = new java.util.HashSet<>();
    for (int r = 0; r < map.rows(); r++) {
      int[] idx = map.index()[r];
      if (fold == 0) {
        for (int j : out.slotsOf(r)) {
          for (int c : idx) {
            set.add(Math.floorMod(in.slotNear(c, j) - j, slots));
          }
        }
      } else {
        for (int c : idx) {
          int s = in.base()[c];
          set.add(Math.floorMod(s - (r + fold * (s / fold)), slots));
        }
      }
    }
    return set;
  }

  private static Candidate candidate(LinearMap map, SlotLayout in, SlotLayout out, int fold,
      Encoder probe) {
    int slots = in.slots();
    Map<Integer, double[]> d = new HashMap<>();
    for (int r = 0; r < map.rows(); r++) {
      int[] idx = map.index()[r];
      double[] w = map.weight()[r];
      if (fold == 0) {
        for (int j : out.slotsOf(r)) {
          for (int t = 0; t < idx.length; t++) {
            int s = in.slotNear(idx[t], j);
            d.computeIfAbsent(Math.floorMod(s - j, slots), x -> new double[slots])[j] += w[t];
          }
        }
      } else {
        for (int t = 0; t < idx.length; t++) {
          int s = in.base()[idx[t]];
          int j = r + fold * (s / fold);
          d.computeIfAbsent(Math.floorMod(s - j, slots), x -> new double[slots])[j] += w[t];
        }
      }
    }
    MatrixVector mv = MatrixVector.ofDiagonals(probe, d, MatrixVector.Method.BSGS);
    return new Candidate(d, fold, out, mv, slots);
  }

  // ================================================================ noise and precision

  /** The traced noise, the flooding and the precision of a plan under parameters. */
  record Outcome(double noiseBits, FloodingPolicy policy, double precisionBits,
      double floodFitsBits, Noise output) {}

  static Outcome evaluate(Plan plan, Parameters p, CompileOptions o, double inBound) {
    Step.Schedule s = schedule(plan, p);
    NoiseEstimator est = new NoiseEstimator(p);
    Noise out = trace(plan, s, est, inBound);
    int slots = p.slots();
    double maskRms = plan.mode == Mode.LATENCY ? Math.sqrt((double) plan.outputs / slots) : 1;
    Noise cleared = ScoringNoise.cleared(est, out, maskRms);
    double bits = Math.ceil(est.log2Bound(cleared));
    double scale = cleared.scale();
    double circuit = -log2(6 * Math.sqrt(cleared.variance()) / scale);
    if (o.sanitization() == null) {
      return new Outcome(bits, null, circuit, 0, cleared);
    }
    double b = o.sanitization().traced() ? bits : o.sanitization().noiseBoundBits();
    FloodingPolicy policy = new FloodingPolicy(o.sanitization().securityBits(), b,
        o.sanitization().maxResults());
    double logQ0 = log2(p.q(0));
    double fit = log2(8 * Math.pow(2, policy.log2Sigma())) + 2 - (logQ0 - 1);
    // the circuit's own error and the flooding's add up (in variance)
    double flood = policy.precisionBits(scale, p.logN());
    double both = -0.5 * log2(Math.pow(2, -2 * flood) + Math.pow(2, -2 * circuit));
    return new Outcome(bits, policy, both, Math.max(0, fit), cleared);
  }

  static Step.Schedule schedule(Plan plan, Parameters p) {
    Step.Schedule s = new Step.Schedule(p, plan.steps.size());
    for (Step st : plan.steps) {
      st.schedule(s);
    }
    return s;
  }

  static Noise trace(Plan plan, Step.Schedule s, NoiseEstimator est, double inBound) {
    Noise input = est.freshSecretKey(s.top, s.delta, inBound);
    Noise[] noise = new Noise[plan.steps.size()];
    for (Step st : plan.steps) {
      Noise[] in = new Noise[st.inputs.length];
      for (int j = 0; j < in.length; j++) {
        in[j] = st.inputs[j] == Network.INPUT ? input : noise[st.inputs[j]];
      }
      noise[st.node] = st.trace(est, s, in);
    }
    return noise[noise.length - 1];
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
