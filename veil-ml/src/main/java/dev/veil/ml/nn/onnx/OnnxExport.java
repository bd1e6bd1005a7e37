package dev.veil.ml.nn.onnx;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import ai.onnx.proto.OnnxMl;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;

/**
 * Writes a {@link Network} as an ONNX model (opset {@value #OPSET}, IR version {@value
 * #IR_VERSION}), so that a network trained here can be read by other ONNX tools and by Veil's own
 * importer. The graph takes one float input {@code "input"} of shape {@code [1, C, H, W]} and
 * gives {@code "output"}; weights are float32 initializers (rounded from double), named after the
 * node ({@code conv_0.weight}, {@code conv_0.bias}).
 *
 * <p>Layers map to the standard operators: convolution to {@code Conv} (pads top, left, bottom,
 * right), dense to {@code Gemm} with {@code transB = 1} (after a {@code Flatten} when its input
 * is an image), square to {@code Pow} with the constant exponent 2.0, average pooling to {@code
 * AveragePool} and global average pooling to an {@code AveragePool} over the whole image, a
 * reshape to {@code Flatten} (to a vector) or {@code Reshape} with a constant shape, a residual add
 * to {@code Add}, an affine layer to {@code Mul} and {@code Add} by constants, a polynomial
 * activation to Horner's rule in {@code Mul} and {@code Add}, the exact activations to {@code
 * Relu}, {@code Sigmoid}, {@code Tanh} or their formulas (SiLU, GELU). {@link
 * Network.Output#SOFTMAX} adds a final {@code Softmax} (axis 1), {@link
 * Network.Output#LOG_SOFTMAX} a {@code LogSoftmax}.
 *
 * <p>An activation is an ONNX tensor of rank 4 ({@code [1, C, H, W]}) or, after a dense layer,
 * rank 2 ({@code [1, n]}); the exporter inserts the {@code Flatten} or {@code Reshape} that each
 * operator needs.
 */
public final class OnnxExport {
  /** The operator set written. */
  public static final int OPSET = 13;
  /** The IR version of ONNX 1.8, the release that introduced opset 13. */
  public static final int IR_VERSION = 7;
  /** Name of the graph's input. */
  public static final String INPUT = "input";
  /** Name of the graph's output. */
  public static final String OUTPUT = "output";

  private OnnxExport() {}

  /** The network as an ONNX model. */
  public static ModelProto toModel(Network network) {
    Objects.requireNonNull(network, "network");
    return new Builder(network).build();
  }

  /** The network as the bytes of an ONNX file. */
  public static byte[] toBytes(Network network) {
    return toModel(network).toByteArray();
  }

  /**
   * Writes the network to {@code file} as ONNX: into a temporary file next to it, then moved
   * over it (atomically where the file system can), so that a failure leaves no half-written
   * model and an existing file is either kept or replaced whole.
   */
  public static void write(Network network, Path file) throws IOException {
    byte[] bytes = toBytes(network);
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(bytes);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** A tensor of the graph: its name, its Veil shape and its ONNX rank (2 or 4). */
  private record Value(String name, Shape shape, int rank) {
    long[] dims() {
      return rank == 2 ? new long[] {1, shape.size()}
          : new long[] {1, shape.channels(), shape.height(), shape.width()};
    }
  }

  private static final class Builder {
    private final Network network;
    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> initializers = new HashSet<>();
    private int counter;

    Builder(Network network) {
      this.network = network;
    }

    ModelProto build() {
      graph.setName("veil");
      Shape in = network.input();
      graph.addInput(valueInfo(INPUT, new Value(INPUT, in, 4)));
      List<Value> values = new ArrayList<>();
      List<Shape> shapes = network.shapes();
      for (int k = 0; k < network.nodes().size(); k++) {
        Network.Node node = network.nodes().get(k);
        int[] ins = node.inputs();
        Value[] args = new Value[ins.length];
        for (int j = 0; j < ins.length; j++) {
          args[j] = ins[j] == Network.INPUT ? new Value(INPUT, in, 4) : values.get(ins[j]);
        }
        values.add(node(node, args, shapes.get(k)));
      }
      Value last = values.get(values.size() - 1);
      Network.Output output = network.output();
      Value result;
      if (output == Network.Output.NONE) {
        // rename the last tensor: nothing else reads it
        int at = graph.getNodeCount() - 1;
        NodeProto producer = graph.getNode(at);
        graph.setNode(at, producer.toBuilder().setOutput(0, OUTPUT).build());
        result = new Value(OUTPUT, last.shape(), last.rank());
      } else {
        Value flat = toRank(last, 2, "output");
        boolean soft = output == Network.Output.SOFTMAX;
        graph.addNode(NodeProto.newBuilder().setOpType(soft ? "Softmax" : "LogSoftmax")
            .setName(soft ? "softmax" : "log_softmax")
            .addInput(flat.name()).addOutput(OUTPUT).addAttribute(intAttr("axis", 1)));
        result = new Value(OUTPUT, last.shape(), 2);
      }
      graph.addOutput(valueInfo(OUTPUT, result));
      return ModelProto.newBuilder()
          .setIrVersion(IR_VERSION)
          .setProducerName("veil")
          .setDomain("dev.veil")
          .setModelVersion(1)
          .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
          .setGraph(graph)
          .build();
    }

    /** The operators of one node; returns its output tensor. */
    private Value node(Network.Node node, Value[] in, Shape out) {
      String name = node.name();
      Layer l = node.layer();
      if (l instanceof Layer.Conv2d c) {
        Value x = toRank(in[0], 4, name);
        String w = initializer(name + ".weight", new long[] {c.outChannels(), c.inChannels(),
            c.kernelH(), c.kernelW()}, c.weights());
        String b = initializer(name + ".bias", new long[] {c.outChannels()}, c.bias());
        return op("Conv", name, out, 4, List.of(x.name(), w, b),
            intsAttr("kernel_shape", c.kernelH(), c.kernelW()),
            intsAttr("strides", c.strideH(), c.strideW()),
            intsAttr("pads", c.padTop(), c.padLeft(), c.padBottom(), c.padRight()),
            intsAttr("dilations", 1, 1), intAttr("group", 1));
      } else if (l instanceof Layer.Dense d) {
        Value x = toRank(in[0], 2, name);
        String w = initializer(name + ".weight", new long[] {d.outputs(), d.inputs()},
            d.weights());
        String b = initializer(name + ".bias", new long[] {d.outputs()}, d.bias());
        return op("Gemm", name, out, 2, List.of(x.name(), w, b), intAttr("transB", 1),
            floatAttr("alpha", 1), floatAttr("beta", 1));
      } else if (l instanceof Layer.Square) {
        String two = initializer(name + ".exponent", new long[0], new double[] {2});
        return op("Pow", name, out, in[0].rank(), List.of(in[0].name(), two));
      } else if (l instanceof Layer.AveragePool a) {
        Value x = toRank(in[0], 4, name);
        return op("AveragePool", name, out, 4, List.of(x.name()),
            intsAttr("kernel_shape", a.kernelH(), a.kernelW()),
            intsAttr("strides", a.strideH(), a.strideW()),
            intsAttr("pads", a.padTop(), a.padLeft(), a.padBottom(), a.padRight()),
            intAttr("count_include_pad", a.countIncludePad() ? 1 : 0));
      } else if (l instanceof Layer.GlobalAveragePool) {
        Value x = toRank(in[0], 4, name);
        Shape s = x.shape();
        return op("AveragePool", name, out, 4, List.of(x.name()),
            intsAttr("kernel_shape", s.height(), s.width()), intsAttr("strides", 1, 1));
      } else if (l instanceof Layer.Reshape r) {
        Shape to = r.to();
        if (to.height() == 1 && to.width() == 1) {
          return op("Flatten", name, out, 2, List.of(in[0].name()), intAttr("axis", 1));
        }
        return reshape(in[0], out, 4, name);
      } else if (l instanceof Layer.Add) {
        Value a = in[0];
        Value b = in[1];
        if (a.rank() != b.rank()) {
          a = toRank(a, 2, name);
          b = toRank(b, 2, name);
        }
        return op("Add", name, out, a.rank(), List.of(a.name(), b.name()));
      } else if (l instanceof Layer.Affine a) {
        Value x = in[0];
        String scale = initializer(name + ".scale", x.dims(), a.scale());
        String shift = initializer(name + ".shift", x.dims(), a.shift());
        Value scaled = op("Mul", name + "/scale", out, x.rank(), List.of(x.name(), scale));
        return op("Add", name, out, x.rank(), List.of(scaled.name(), shift));
      } else if (l instanceof Layer.Activation a) {
        return activation(a, in[0], out, name);
      }
      throw new IllegalArgumentException("node " + name + ": no ONNX export for " + l.kind());
    }

    private Value activation(Layer.Activation a, Value x, Shape out, String name) {
      int rank = x.rank();
      switch (a.function()) {
        case RELU:
          return op("Relu", name, out, rank, List.of(x.name()));
        case SIGMOID:
          return op("Sigmoid", name, out, rank, List.of(x.name()));
        case TANH:
          return op("Tanh", name, out, rank, List.of(x.name()));
        case SILU: {
          Value s = op("Sigmoid", name + "/sigmoid", out, rank, List.of(x.name()));
          return op("Mul", name, out, rank, List.of(x.name(), s.name()));
        }
        case GELU: {
          Value scaled = op("Mul", name + "/scale", out, rank,
              List.of(x.name(), scalar(name + ".inv_sqrt2", 1 / Math.sqrt(2))));
          Value erf = op("Erf", name + "/erf", out, rank, List.of(scaled.name()));
          Value plus = op("Add", name + "/plus1", out, rank,
              List.of(erf.name(), scalar(name + ".one", 1)));
          Value half = op("Mul", name + "/half", out, rank,
              List.of(x.name(), scalar(name + ".half", 0.5)));
          return op("Mul", name, out, rank, List.of(half.name(), plus.name()));
        }
        default: {
          // Horner: ((p_d x + p_{d-1}) x + ...) x + p_0
          double[] c = a.polynomial().toPowerBasis();
          int d = c.length - 1;
          if (d == 0) {
            Value zero = op("Mul", name + "/zero", out, rank,
                List.of(x.name(), scalar(name + ".zero", 0)));
            return op("Add", name, out, rank, List.of(zero.name(), scalar(name + ".p0", c[0])));
          }
          Value acc = op("Mul", name + "/m" + d, out, rank,
              List.of(x.name(), scalar(name + ".p" + d, c[d])));
          for (int k = d - 1; k >= 0; k--) {
            Value sum = op("Add", k == 0 ? name : name + "/a" + k, out, rank,
                List.of(acc.name(), scalar(name + ".p" + k, c[k])));
            if (k == 0) {
              return sum;
            }
            acc = op("Mul", name + "/m" + k, out, rank, List.of(sum.name(), x.name()));
          }
          throw new AssertionError("unreachable");
        }
      }
    }

    /** {@code v} as a tensor of {@code rank} (2: [1, n], 4: [1, C, H, W]). */
    private Value toRank(Value v, int rank, String owner) {
      if (v.rank() == rank) {
        return v;
      }
      if (rank == 2) {
        return op("Flatten", owner + "/flatten", v.shape(), 2, List.of(v.name()),
            intAttr("axis", 1));
      }
      return reshape(v, v.shape(), 4, owner + "/reshape");
    }

    private Value reshape(Value v, Shape to, int rank, String name) {
      Value target = new Value("", to, rank);
      long[] dims = target.dims();
      String shape = unique(name + ".shape");
      TensorProto.Builder t = TensorProto.newBuilder().setName(shape)
          .setDataType(TensorProto.DataType.INT64_VALUE).addDims(dims.length);
      for (long d : dims) {
        t.addInt64Data(d);
      }
      graph.addInitializer(t);
      return op("Reshape", name, to, rank, List.of(v.name(), shape));
    }

    private Value op(String type, String name, Shape out, int rank, List<String> inputs,
        AttributeProto... attributes) {
      String output = name + ":" + counter++;
      NodeProto.Builder n = NodeProto.newBuilder().setOpType(type).setName(name)
          .addAllInput(inputs).addOutput(output);
      for (AttributeProto a : attributes) {
        n.addAttribute(a);
      }
      graph.addNode(n);
      return new Value(output, out, rank);
    }

    private String scalar(String name, double value) {
      return initializer(name, new long[0], new double[] {value});
    }

    /** A float32 initializer, little-endian raw data as ONNX prescribes. */
    private String initializer(String wanted, long[] dims, double[] values) {
      String name = unique(wanted);
      ByteBuffer buf = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
      for (double v : values) {
        buf.putFloat((float) v);
      }
      TensorProto.Builder t = TensorProto.newBuilder().setName(name)
          .setDataType(TensorProto.DataType.FLOAT_VALUE)
          .setRawData(ByteString.copyFrom(buf.array()));
      for (long d : dims) {
        t.addDims(d);
      }
      graph.addInitializer(t);
      return name;
    }

    /** {@code name}, or with a number appended when two nodes share a name. */
    private String unique(String name) {
      String n = name;
      while (!initializers.add(n)) {
        n = name + "_" + counter++;
      }
      return n;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, Value v) {
      OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
      for (long d : v.dims()) {
        shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
      }
      return OnnxMl.ValueInfoProto.newBuilder().setName(name)
          .setType(OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor
              .newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape)))
          .build();
    }

    private static AttributeProto intAttr(String name, long v) {
      return AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto floatAttr(String name, float v) {
      return AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    private static AttributeProto intsAttr(String name, long... v) {
      AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
          .setType(AttributeProto.AttributeType.INTS);
      for (long x : v) {
        a.addInts(x);
      }
      return a.build();
    }
  }
}
