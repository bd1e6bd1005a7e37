package dev.veil.ml.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A feed-forward network: an input shape and a list of {@link Node}s in an order where each node
 * reads only the network's input or earlier nodes; the last node is the output. Residual
 * connections are nodes with two inputs ({@link Layer.Add}). Immutable and thread-safe; the
 * constructor checks every index and every shape and names the node that does not fit.
 *
 * <p>{@link #forward} is the reference in double precision: in {@linkplain Mode#EXACT exact}
 * mode activations are their true functions (the network as trained), in {@linkplain
 * Mode#POLYNOMIAL polynomial} mode they are the polynomials that the encrypted network evaluates,
 * so that the encrypted result is compared with what it should compute.
 *
 * @param input the shape of one input
 * @param nodes at least one node
 * @param output what the key holder applies after decryption (never computed under encryption)
 */
public record Network(Shape input, List<Node> nodes, Output output) {
  /** Index standing for the network's input in {@link Node#inputs()}. */
  public static final int INPUT = -1;

  /** How activations are computed by {@link #forward}. */
  public enum Mode {
    EXACT,
    POLYNOMIAL
  }

  /** A final transform applied in the clear by whoever decrypts the output. */
  public enum Output {
    NONE,
    SOFTMAX,
    LOG_SOFTMAX;

    /** The transform of a vector of outputs. */
    public double[] apply(double[] z) {
      if (this == NONE) {
        return z.clone();
      }
      double max = Double.NEGATIVE_INFINITY;
      for (double v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (double v : z) {
        sum += Math.exp(v - max);
      }
      double[] y = new double[z.length];
      for (int k = 0; k < z.length; k++) {
        y[k] = this == SOFTMAX ? Math.exp(z[k] - max) / sum : z[k] - max - Math.log(sum);
      }
      return y;
    }
  }

  /**
   * One operation and where its inputs come from.
   *
   * @param name a name for messages (the ONNX node's name where imported)
   * @param layer the operation
   * @param inputs {@code layer.arity()} indices, each {@link #INPUT} or an earlier node's index
   */
  public record Node(String name, Layer layer, int... inputs) {
    public Node {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(layer, "layer");
      inputs = inputs.clone();
      if (inputs.length != layer.arity()) {
        throw new IllegalArgumentException("node " + name + ": " + layer.kind() + " takes "
            + layer.arity() + " input(s), got " + inputs.length);
      }
    }

    @Override
    public int[] inputs() {
      return inputs.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Node n && n.name.equals(name) && n.layer.equals(layer)
          && Arrays.equals(n.inputs, inputs);
    }

    @Override
    public int hashCode() {
      return Objects.hash(name, layer, Arrays.hashCode(inputs));
    }
  }

  public Network {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(output, "output");
    nodes = List.copyOf(nodes);
    if (nodes.isEmpty()) {
      throw new IllegalArgumentException("a network needs at least one layer");
    }
    shapesOf(input, nodes);
  }

  /** A chain: each layer reads the one before it (the first reads the input). */
  public static Network sequential(Shape input, Output output, Layer... layers) {
    List<Node> nodes = new ArrayList<>();
    for (int k = 0; k < layers.length; k++) {
      nodes.add(new Node(layers[k].kind() + "_" + k, layers[k], k - 1));
    }
    return new Network(input, nodes, output);
  }

  /** The output shape of every node, in order. */
  public List<Shape> shapes() {
    return List.of(shapesOf(input, nodes));
  }

  /** The shape of the network's output (before {@link #output()}). */
  public Shape outputShape() {
    Shape[] s = shapesOf(input, nodes);
    return s[s.length - 1];
  }

  /** Number of weights and biases. */
  public long parameters() {
    long n = 0;
    for (Node node : nodes) {
      Layer l = node.layer();
      if (l instanceof Layer.Conv2d c) {
        n += (long) c.outChannels() * c.inChannels() * c.kernelH() * c.kernelW()
            + c.outChannels();
      } else if (l instanceof Layer.Dense d) {
        n += (long) d.outputs() * d.inputs() + d.outputs();
      } else if (l instanceof Layer.Affine a) {
        n += 2L * a.scale().length;
      }
    }
    return n;
  }

  /** The output (before {@link #output()}) for one input, values channel-major. */
  public double[] forward(double[] x, Mode mode) {
    double[][] all = forwardAll(x, mode);
    return all[all.length - 1];
  }

  /** Every node's output for one input, in node order (for calibration and per-layer checks). */
  public double[][] forwardAll(double[] x, Mode mode) {
    Objects.requireNonNull(x, "input");
    if (x.length != input.size()) {
      throw new IllegalArgumentException("the network takes " + input.size() + " values ("
          + input + "), got " + x.length);
    }
    Shape[] shapes = shapesOf(input, nodes);
    double[][] out = new double[nodes.size()][];
    for (int k = 0; k < nodes.size(); k++) {
      Node node = nodes.get(k);
      int[] ins = node.inputs;
      Shape[] inShapes = new Shape[ins.length];
      double[][] inValues = new double[ins.length][];
      for (int j = 0; j < ins.length; j++) {
        inShapes[j] = ins[j] == INPUT ? input : shapes[ins[j]];
        inValues[j] = ins[j] == INPUT ? x : out[ins[j]];
      }
      out[k] = node.layer().forward(inShapes, inValues, mode == Mode.EXACT);
    }
    return out;
  }

  /** The index of the output class (the largest output). */
  public int predict(double[] x, Mode mode) {
    return argmax(forward(x, mode));
  }

  /** Index of the largest value (the first of equal ones). */
  public static int argmax(double[] z) {
    int best = 0;
    for (int k = 1; k < z.length; k++) {
      if (z[k] > z[best]) {
        best = k;
      }
    }
    return best;
  }

  /** A copy with node {@code index}'s layer replaced (same arity and output shape). */
  public Network withLayer(int index, Layer layer) {
    List<Node> copy = new ArrayList<>(nodes);
    Node old = copy.get(index);
    copy.set(index, new Node(old.name(), layer, old.inputs));
    return new Network(input, copy, output);
  }

  private static Shape[] shapesOf(Shape input, List<Node> nodes) {
    Shape[] shapes = new Shape[nodes.size()];
    for (int k = 0; k < nodes.size(); k++) {
      Node node = nodes.get(k);
      Shape[] in = new Shape[node.inputs.length];
      for (int j = 0; j < in.length; j++) {
        int i = node.inputs[j];
        if (i != INPUT && (i < 0 || i >= k)) {
          throw new IllegalArgumentException("node " + node.name() + " reads node " + i
              + ": a node reads only the input (" + INPUT + ") or an earlier node");
        }
        in[j] = i == INPUT ? input : shapes[i];
      }
      try {
        shapes[k] = node.layer().outputShape(in);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("node " + node.name() + ": " + e.getMessage(), e);
      }
    }
    return shapes;
  }
}
