package dev.veil.ml.nn.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.poly.ChebyshevSeries;

/**
 * A network's trainable parameters as one flat vector, and the forward and backward passes of
 * the softmax cross-entropy of one example on it. Convolutions and dense layers contribute
 * their weights then their biases, in node order; every other layer (square, polynomial
 * activation, pooling, reshape, affine, add) is a fixed function. The layout is the same for
 * every copy, so that gradients computed by different threads add up slot by slot.
 *
 * <p>Thread-safe: the per-example state lives in a {@link Workspace}, one per thread.
 */
final class Gradients {
  private final Network network;
  private final Op[] ops;
  private final int parameters;
  /** [start, end) ranges of the vector that are weights (decayed), not biases. */
  private final int[][] weightRanges;

  Gradients(Network network) {
    this.network = network;
    List<Shape> shapes = network.shapes();
    List<Network.Node> nodes = network.nodes();
    ops = new Op[nodes.size()];
    List<int[]> ranges = new ArrayList<>();
    int offset = 0;
    for (int k = 0; k < nodes.size(); k++) {
      Network.Node node = nodes.get(k);
      int[] ins = node.inputs();
      Shape[] inShapes = new Shape[ins.length];
      for (int j = 0; j < ins.length; j++) {
        inShapes[j] = ins[j] == Network.INPUT ? network.input() : shapes.get(ins[j]);
      }
      Op op = op(node, inShapes[0], shapes.get(k));
      op.inputs = ins;
      op.offset = offset;
      if (op.weights > 0) {
        ranges.add(new int[] {offset, offset + op.weights});
      }
      offset = Math.addExact(offset, op.weights + op.biases);
      ops[k] = op;
    }
    parameters = offset;
    weightRanges = ranges.toArray(new int[0][]);
    Shape out = network.outputShape();
    if (out.height() != 1 || out.width() != 1 || out.channels() < 2) {
      throw new IllegalArgumentException("the network's output must be a vector of at least 2"
          + " class scores, got " + out);
    }
  }

  /** Number of trainable values. */
  int parameters() {
    return parameters;
  }

  /** The ranges of the vector that hold weights (biases are the rest). */
  int[][] weightRanges() {
    return weightRanges;
  }

  /** Number of classes: the size of the output. */
  int classes() {
    return network.outputShape().channels();
  }

  /** The network's current parameters in this layout. */
  double[] parametersOf(Network net) {
    double[] p = new double[parameters];
    for (int k = 0; k < ops.length; k++) {
      Layer l = net.nodes().get(k).layer();
      Op op = ops[k];
      if (l instanceof Layer.Conv2d c) {
        System.arraycopy(c.weights(), 0, p, op.offset, op.weights);
        System.arraycopy(c.bias(), 0, p, op.offset + op.weights, op.biases);
      } else if (l instanceof Layer.Dense d) {
        System.arraycopy(d.weights(), 0, p, op.offset, op.weights);
        System.arraycopy(d.bias(), 0, p, op.offset + op.weights, op.biases);
      }
    }
    return p;
  }

  /** The network with its convolutions and dense layers holding {@code p}. */
  Network withParameters(double[] p) {
    List<Network.Node> nodes = new ArrayList<>(network.nodes());
    for (int k = 0; k < ops.length; k++) {
      Network.Node node = nodes.get(k);
      Layer l = node.layer();
      Op op = ops[k];
      Layer replaced = null;
      if (l instanceof Layer.Conv2d c) {
        replaced = new Layer.Conv2d(c.outChannels(), c.inChannels(), c.kernelH(), c.kernelW(),
            c.strideH(), c.strideW(), c.padTop(), c.padLeft(), c.padBottom(), c.padRight(),
            Arrays.copyOfRange(p, op.offset, op.offset + op.weights),
            Arrays.copyOfRange(p, op.offset + op.weights, op.offset + op.weights + op.biases));
      } else if (l instanceof Layer.Dense d) {
        replaced = new Layer.Dense(d.outputs(), d.inputs(),
            Arrays.copyOfRange(p, op.offset, op.offset + op.weights),
            Arrays.copyOfRange(p, op.offset + op.weights, op.offset + op.weights + op.biases));
      }
      if (replaced != null) {
        nodes.set(k, new Network.Node(node.name(), replaced, node.inputs()));
      }
    }
    return new Network(network.input(), nodes, network.output());
  }

  /** Indices of the nodes with weights (convolutions and dense layers), in order. */
  int[] weightedNodes() {
    int[] idx = new int[ops.length];
    int n = 0;
    for (int k = 0; k < ops.length; k++) {
      if (ops[k].weights > 0) {
        idx[n++] = k;
      }
    }
    return Arrays.copyOf(idx, n);
  }

  /** The weight range [start, end) of node {@code k}. */
  int[] weightRange(int k) {
    return new int[] {ops[k].offset, ops[k].offset + ops[k].weights};
  }

  /** Per-thread state: every node's output and its gradient for one example. */
  final class Workspace {
    final double[] x = new double[network.input().size()];
    final double[][] acts = new double[ops.length][];
    final double[][] grads = new double[ops.length][];
    final double[] gradient = new double[parameters];
    double loss;
    int correct;

    Workspace() {
      for (int k = 0; k < ops.length; k++) {
        acts[k] = new double[ops[k].out.size()];
        grads[k] = new double[ops[k].out.size()];
      }
    }

    /** The output (class scores) of the last {@link #forward}. */
    double[] output() {
      return acts[ops.length - 1];
    }
  }

  Workspace workspace() {
    return new Workspace();
  }

  /** Runs the network on {@code w.x} with parameters {@code p}, filling {@code w.acts}. */
  void forward(double[] p, Workspace w) {
    for (int k = 0; k < ops.length; k++) {
      Op op = ops[k];
      double[][] in = new double[op.inputs.length][];
      for (int j = 0; j < in.length; j++) {
        in[j] = op.inputs[j] == Network.INPUT ? w.x : w.acts[op.inputs[j]];
      }
      op.forward(p, in, w.acts[k]);
    }
  }

  /**
   * Forward and backward pass of example {@code w.x} of class {@code label}: adds the gradient
   * of its cross-entropy to {@code w.gradient}, its loss to {@code w.loss}, and 1 to {@code
   * w.correct} when the largest score is the label's.
   */
  void accumulate(double[] p, Workspace w, int label) {
    forward(p, w);
    int last = ops.length - 1;
    double[] z = w.acts[last];
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : z) {
      sum += Math.exp(v - max);
    }
    double lse = max + Math.log(sum);
    w.loss += lse - z[label];
    if (Network.argmax(z) == label) {
      w.correct++;
    }
    for (double[] g : w.grads) {
      Arrays.fill(g, 0);
    }
    double[] gz = w.grads[last];
    for (int c = 0; c < z.length; c++) {
      gz[c] = Math.exp(z[c] - lse) - (c == label ? 1 : 0);
    }
    for (int k = last; k >= 0; k--) {
      Op op = ops[k];
      double[][] in = new double[op.inputs.length][];
      double[][] gin = new double[op.inputs.length][];
      for (int j = 0; j < in.length; j++) {
        boolean input = op.inputs[j] == Network.INPUT;
        in[j] = input ? w.x : w.acts[op.inputs[j]];
        gin[j] = input ? null : w.grads[op.inputs[j]];
      }
      op.backward(p, in, w.acts[k], w.grads[k], gin, w.gradient);
    }
  }

  // ---------------------------------------------------------------- the operations

  private static Op op(Network.Node node, Shape in, Shape out) {
    Layer l = node.layer();
    if (l instanceof Layer.Conv2d c) {
      return new Conv(c, in, out);
    } else if (l instanceof Layer.Dense d) {
      return new Dense(d, out);
    } else if (l instanceof Layer.Square) {
      return new Square(out);
    } else if (l instanceof Layer.Activation a) {
      if (a.function() != Layer.Activation.Function.POLYNOMIAL) {
        throw new IllegalArgumentException("node " + node.name() + ": the trainer takes"
            + " polynomial activations only (HE-friendly), not " + a.function().id());
      }
      return new Polynomial(a.polynomial(), out);
    } else if (l instanceof Layer.AveragePool a) {
      return new Pool(a, in, out);
    } else if (l instanceof Layer.GlobalAveragePool) {
      return new Pool(new Layer.AveragePool(in.height(), in.width(), 1, 1, 0, 0, 0, 0, true), in,
          out);
    } else if (l instanceof Layer.Reshape) {
      return new Identity(out);
    } else if (l instanceof Layer.Affine a) {
      return new Affine(a, out);
    } else if (l instanceof Layer.Add) {
      return new Add(out);
    }
    throw new IllegalArgumentException("node " + node.name() + ": the trainer cannot train a "
        + l.kind() + " layer");
  }

  /** One node: its output into {@code y}, its gradient into its inputs' and the parameters'. */
  private abstract static class Op {
    final Shape out;
    int[] inputs;
    int offset;
    int weights;
    int biases;

    Op(Shape out) {
      this.out = out;
    }

    abstract void forward(double[] p, double[][] in, double[] y);

    /** Adds to {@code gin[j]} (null: not needed) and to {@code gp}. */
    abstract void backward(double[] p, double[][] in, double[] y, double[] gy, double[][] gin,
        double[] gp);
  }

  private static final class Conv extends Op {
    final Layer.Conv2d c;
    final Shape in;

    Conv(Layer.Conv2d c, Shape in, Shape out) {
      super(out);
      this.c = c;
      this.in = in;
      weights = c.outChannels() * c.inChannels() * c.kernelH() * c.kernelW();
      biases = c.outChannels();
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      double[] x = ins[0];
      int kh = c.kernelH();
      int kw = c.kernelW();
      int ih = in.height();
      int iw = in.width();
      int oh = out.height();
      int ow = out.width();
      for (int oc = 0; oc < c.outChannels(); oc++) {
        double b = p[offset + weights + oc];
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = b;
            for (int ch = 0; ch < c.inChannels(); ch++) {
              int wBase = offset + (oc * c.inChannels() + ch) * kh * kw;
              int xBase = ch * ih * iw;
              for (int u = 0; u < kh; u++) {
                int yy = i * c.strideH() + u - c.padTop();
                if (yy < 0 || yy >= ih) {
                  continue;
                }
                int wRow = wBase + u * kw;
                int xRow = xBase + yy * iw;
                for (int v = 0; v < kw; v++) {
                  int xx = j * c.strideW() + v - c.padLeft();
                  if (xx >= 0 && xx < iw) {
                    acc += p[wRow + v] * x[xRow + xx];
                  }
                }
              }
            }
            y[(oc * oh + i) * ow + j] = acc;
          }
        }
      }
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      double[] x = ins[0];
      double[] gx = gin[0];
      int kh = c.kernelH();
      int kw = c.kernelW();
      int ih = in.height();
      int iw = in.width();
      int oh = out.height();
      int ow = out.width();
      for (int oc = 0; oc < c.outChannels(); oc++) {
        double gb = 0;
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double g = gy[(oc * oh + i) * ow + j];
            if (g == 0) {
              continue;
            }
            gb += g;
            for (int ch = 0; ch < c.inChannels(); ch++) {
              int wBase = offset + (oc * c.inChannels() + ch) * kh * kw;
              int xBase = ch * ih * iw;
              for (int u = 0; u < kh; u++) {
                int yy = i * c.strideH() + u - c.padTop();
                if (yy < 0 || yy >= ih) {
                  continue;
                }
                int wRow = wBase + u * kw;
                int xRow = xBase + yy * iw;
                for (int v = 0; v < kw; v++) {
                  int xx = j * c.strideW() + v - c.padLeft();
                  if (xx >= 0 && xx < iw) {
                    gp[wRow + v] += g * x[xRow + xx];
                    if (gx != null) {
                      gx[xRow + xx] += g * p[wRow + v];
                    }
                  }
                }
              }
            }
          }
        }
        gp[offset + weights + oc] += gb;
      }
    }
  }

  private static final class Dense extends Op {
    final int rows;
    final int cols;

    Dense(Layer.Dense d, Shape out) {
      super(out);
      rows = d.outputs();
      cols = d.inputs();
      weights = rows * cols;
      biases = rows;
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      double[] x = ins[0];
      for (int r = 0; r < rows; r++) {
        int base = offset + r * cols;
        double acc = 0;
        for (int c = 0; c < cols; c++) {
          acc += p[base + c] * x[c];
        }
        y[r] = acc + p[offset + weights + r];
      }
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      double[] x = ins[0];
      double[] gx = gin[0];
      for (int r = 0; r < rows; r++) {
        double g = gy[r];
        if (g == 0) {
          continue;
        }
        int base = offset + r * cols;
        for (int c = 0; c < cols; c++) {
          gp[base + c] += g * x[c];
        }
        if (gx != null) {
          for (int c = 0; c < cols; c++) {
            gx[c] += g * p[base + c];
          }
        }
        gp[offset + weights + r] += g;
      }
    }
  }

  private static final class Square extends Op {
    Square(Shape out) {
      super(out);
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      double[] x = ins[0];
      for (int k = 0; k < y.length; k++) {
        y[k] = x[k] * x[k];
      }
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      if (gin[0] != null) {
        double[] x = ins[0];
        for (int k = 0; k < y.length; k++) {
          gin[0][k] += 2 * x[k] * gy[k];
        }
      }
    }
  }

  private static final class Polynomial extends Op {
    final ChebyshevSeries f;
    final ChebyshevSeries df;

    Polynomial(ChebyshevSeries f, Shape out) {
      super(out);
      this.f = f;
      this.df = derivative(f);
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      double[] x = ins[0];
      for (int k = 0; k < y.length; k++) {
        y[k] = f.evaluate(x[k]);
      }
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      if (gin[0] != null) {
        double[] x = ins[0];
        for (int k = 0; k < y.length; k++) {
          gin[0][k] += df.evaluate(x[k]) * gy[k];
        }
      }
    }
  }

  /**
   * The derivative of a Chebyshev series on the same interval: with {@code p = sum c_k T_k(t)},
   * {@code dp/dt = sum d_k T_k(t)} where {@code d_{k-1} = d_{k+1} + 2 k c_k} (d_0 halved), and
   * {@code dt/dx = 2 / (b - a)}.
   */
  static ChebyshevSeries derivative(ChebyshevSeries s) {
    int n = s.degree();
    if (n == 0) {
      return new ChebyshevSeries(s.a(), s.b(), new double[] {0});
    }
    double[] d = new double[n + 2];
    for (int k = n; k >= 1; k--) {
      d[k - 1] = d[k + 1] + 2 * k * s.coefficient(k);
    }
    d[0] /= 2;
    double scale = 2 / (s.b() - s.a());
    double[] coefficients = new double[n];
    for (int k = 0; k < n; k++) {
      coefficients[k] = d[k] * scale;
    }
    return new ChebyshevSeries(s.a(), s.b(), coefficients);
  }

  private static final class Pool extends Op {
    final Layer.AveragePool a;
    final Shape in;
    /** For each output position, 1 / the number of input positions averaged. */
    final double[] inverseCount;

    Pool(Layer.AveragePool a, Shape in, Shape out) {
      super(out);
      this.a = a;
      this.in = in;
      inverseCount = new double[out.height() * out.width()];
      for (int i = 0; i < out.height(); i++) {
        for (int j = 0; j < out.width(); j++) {
          int count = 0;
          for (int u = 0; u < a.kernelH(); u++) {
            int yy = i * a.strideH() + u - a.padTop();
            for (int v = 0; v < a.kernelW(); v++) {
              int xx = j * a.strideW() + v - a.padLeft();
              if (yy >= 0 && yy < in.height() && xx >= 0 && xx < in.width()) {
                count++;
              }
            }
          }
          inverseCount[i * out.width() + j] =
              1.0 / (a.countIncludePad() ? a.kernelH() * a.kernelW() : count);
        }
      }
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      walk(ins[0], y, null, null);
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      if (gin[0] != null) {
        walk(null, null, gy, gin[0]);
      }
    }

    /** Forward ({@code x -> y}) or backward ({@code gy -> gx}) over every window. */
    private void walk(double[] x, double[] y, double[] gy, double[] gx) {
      int oh = out.height();
      int ow = out.width();
      for (int c = 0; c < out.channels(); c++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            int o = (c * oh + i) * ow + j;
            double scale = inverseCount[i * ow + j];
            double acc = 0;
            double g = gy == null ? 0 : gy[o] * scale;
            for (int u = 0; u < a.kernelH(); u++) {
              int yy = i * a.strideH() + u - a.padTop();
              if (yy < 0 || yy >= in.height()) {
                continue;
              }
              for (int v = 0; v < a.kernelW(); v++) {
                int xx = j * a.strideW() + v - a.padLeft();
                if (xx >= 0 && xx < in.width()) {
                  int idx = in.index(c, yy, xx);
                  if (x != null) {
                    acc += x[idx];
                  } else {
                    gx[idx] += g;
                  }
                }
              }
            }
            if (y != null) {
              y[o] = acc * scale;
            }
          }
        }
      }
    }
  }

  private static final class Identity extends Op {
    Identity(Shape out) {
      super(out);
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      System.arraycopy(ins[0], 0, y, 0, y.length);
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      if (gin[0] != null) {
        for (int k = 0; k < y.length; k++) {
          gin[0][k] += gy[k];
        }
      }
    }
  }

  private static final class Affine extends Op {
    final double[] scale;
    final double[] shift;

    Affine(Layer.Affine a, Shape out) {
      super(out);
      scale = a.scale();
      shift = a.shift();
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      for (int k = 0; k < y.length; k++) {
        y[k] = scale[k] * ins[0][k] + shift[k];
      }
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      if (gin[0] != null) {
        for (int k = 0; k < y.length; k++) {
          gin[0][k] += scale[k] * gy[k];
        }
      }
    }
  }

  private static final class Add extends Op {
    Add(Shape out) {
      super(out);
    }

    @Override
    void forward(double[] p, double[][] ins, double[] y) {
      for (int k = 0; k < y.length; k++) {
        y[k] = ins[0][k] + ins[1][k];
      }
    }

    @Override
    void backward(double[] p, double[][] ins, double[] y, double[] gy, double[][] gin,
        double[] gp) {
      for (double[] g : gin) {
        if (g != null) {
          for (int k = 0; k < y.length; k++) {
            g[k] += gy[k];
          }
        }
      }
    }
  }
}
