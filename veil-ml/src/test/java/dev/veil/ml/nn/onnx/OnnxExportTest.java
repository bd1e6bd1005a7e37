package dev.veil.ml.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.poly.ChebyshevSeries;

class OnnxExportTest {
  @TempDir Path dir;

  /** A CryptoNets-shaped network with random weights and biases. */
  static Network cryptonets(long seed) {
    Random r = new Random(seed);
    return Network.sequential(new Shape(1, 28, 28), Network.Output.SOFTMAX,
        new Layer.Conv2d(5, 1, 5, 5, 2, 2, 1, 1, 1, 1, rand(r, 125, 0.3), rand(r, 5, 0.1)),
        new Layer.Square(),
        new Layer.Dense(100, 845, rand(r, 84_500, 0.05), rand(r, 100, 0.1)),
        new Layer.Square(),
        new Layer.Dense(10, 100, rand(r, 1000, 0.1), rand(r, 10, 0.1)));
  }

  static double[] rand(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = (2 * r.nextDouble() - 1) * scale;
    }
    return v;
  }

  @Test
  void cryptonetsBecomesConvPowGemmPowGemmSoftmax() throws IOException {
    Network net = cryptonets(1);
    ModelProto m = ModelProto.parseFrom(OnnxExport.toBytes(net));
    assertThat(m.getIrVersion()).isEqualTo(7);
    assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(13);
    assertThat(m.getOpsetImport(0).getDomain()).isEmpty();
    assertThat(m.getGraph().getNodeList()).extracting(NodeProto::getOpType)
        .containsExactly("Conv", "Pow", "Flatten", "Gemm", "Pow", "Gemm", "Softmax");
    assertThat(m.getGraph().getInput(0).getName()).isEqualTo("input");
    assertThat(dims(m.getGraph().getInput(0))).containsExactly(1L, 1L, 28L, 28L);
    assertThat(m.getGraph().getOutput(0).getName()).isEqualTo("output");
    assertThat(dims(m.getGraph().getOutput(0))).containsExactly(1L, 10L);
    Map<String, TensorProto> init = initializers(m);
    assertThat(init.get("conv_0.weight").getDimsList()).containsExactly(5L, 1L, 5L, 5L);
    assertThat(init.get("conv_0.bias").getDimsList()).containsExactly(5L);
    assertThat(init.get("dense_2.weight").getDimsList()).containsExactly(100L, 845L);
    assertThat(init.get("dense_4.weight").getDimsList()).containsExactly(10L, 100L);
    assertThat(init.get("square_1.exponent").getDimsList()).isEmpty();
    assertThat(floats(init.get("square_1.exponent"))).containsExactly(2f);
    NodeProto conv = m.getGraph().getNode(0);
    assertThat(ints(conv, "pads")).containsExactly(1L, 1L, 1L, 1L);
    assertThat(ints(conv, "strides")).containsExactly(2L, 2L);
    assertThat(ints(conv, "kernel_shape")).containsExactly(5L, 5L);
    assertThat(attr(m.getGraph().getNode(3), "transB").getI()).isEqualTo(1);
    // every weight is the float nearest to the double
    double[] w = ((Layer.Dense) net.nodes().get(2).layer()).weights();
    float[] f = floats(init.get("dense_2.weight"));
    for (int k = 0; k < w.length; k++) {
      assertThat(f[k]).isEqualTo((float) w[k]);
    }
    assertThat(floats(init.get("conv_0.bias")))
        .containsExactly(toFloats(((Layer.Conv2d) net.nodes().get(0).layer()).bias()));
  }

  @Test
  void theExportedGraphComputesWhatTheNetworkComputes() throws IOException {
    Network net = cryptonets(2);
    ModelProto m = ModelProto.parseFrom(OnnxExport.toBytes(net));
    Random r = new Random(3);
    for (int t = 0; t < 3; t++) {
      double[] x = rand(r, 784, 1);
      double[] expected = net.output().apply(net.forward(x, Network.Mode.EXACT));
      double[] got = Evaluator.run(m, x);
      assertThat(got).hasSize(10);
      for (int c = 0; c < 10; c++) {
        assertThat(got[c]).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  /** Pooling, reshapes both ways, residual adds of both ranks, affine, polynomials, exact. */
  @Test
  void everyLayerTypeExportsAndEvaluatesTheSame() throws IOException {
    Random r = new Random(4);
    ChebyshevSeries poly = new ChebyshevSeries(-2, 2, new double[] {0.2, 0.9, 0.3, -0.1});
    ChebyshevSeries relu = ChebyshevSeries.interpolate(v -> Math.max(0, v), -3, 3, 6);
    Shape in = new Shape(2, 6, 6);
    Network net = new Network(in, List.of(
        new Network.Node("c", new Layer.Conv2d(3, 2, 3, 3, 1, 2, 1, 0, 0, 1, rand(r, 54, 0.4),
            rand(r, 3, 0.1)), Network.INPUT),
        new Network.Node("p", new Layer.AveragePool(2, 2, 2, 2, 1, 1, 0, 0, false), 0),
        new Network.Node("a", new Activation(Activation.Function.POLYNOMIAL, poly, 0), 1),
        new Network.Node("res", new Layer.Add(), 2, 1),
        new Network.Node("flat", new Layer.Reshape(Shape.vector(18)), 3),
        new Network.Node("d", new Layer.Dense(4, 18, rand(r, 72, 0.3), rand(r, 4, 0.1)), 4),
        new Network.Node("gap", new Layer.GlobalAveragePool(), 3),
        new Network.Node("g", new Layer.Dense(4, 3, rand(r, 12, 0.3), rand(r, 4, 0.1)), 6),
        new Network.Node("sum", new Layer.Add(), 5, 7),
        new Network.Node("aff", new Layer.Affine(rand(r, 4, 2), rand(r, 4, 1)), 8),
        new Network.Node("relu", new Activation(Activation.Function.RELU, relu, 0.1), 9),
        new Network.Node("img", new Layer.Reshape(new Shape(1, 2, 2)), 10),
        new Network.Node("sq", new Layer.Square(), 11),
        new Network.Node("gap2", new Layer.GlobalAveragePool(), 12),
        new Network.Node("out", new Layer.Dense(3, 1, rand(r, 3, 1), rand(r, 3, 0.1)), 13)),
        Network.Output.NONE);
    ModelProto m = ModelProto.parseFrom(OnnxExport.toBytes(net));
    assertThat(m.getGraph().getNodeList()).extracting(NodeProto::getOpType)
        .contains("AveragePool", "Mul", "Add", "Flatten", "Reshape", "Relu", "Pow")
        .doesNotContain("Softmax");
    for (int t = 0; t < 3; t++) {
      double[] x = rand(r, in.size(), 1);
      double[] expected = net.forward(x, Network.Mode.EXACT);
      double[] got = Evaluator.run(m, x);
      assertThat(got).hasSize(3);
      for (int c = 0; c < 3; c++) {
        assertThat(got[c]).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-5));
      }
    }
  }

  @Test
  void exactActivationsBecomeTheirOperatorsOrFormulas() throws IOException {
    Random r = new Random(6);
    Shape in = Shape.vector(4);
    Network net = Network.sequential(in, Network.Output.LOG_SOFTMAX,
        new Layer.Dense(4, 4, rand(r, 16, 1), rand(r, 4, 0.1)),
        Activation.of(Activation.Function.SILU),
        new Layer.Dense(4, 4, rand(r, 16, 1), rand(r, 4, 0.1)),
        Activation.of(Activation.Function.TANH),
        new Layer.Dense(4, 4, rand(r, 16, 1), rand(r, 4, 0.1)),
        Activation.of(Activation.Function.SIGMOID),
        new Layer.Dense(3, 4, rand(r, 12, 1), rand(r, 3, 0.1)));
    ModelProto m = ModelProto.parseFrom(OnnxExport.toBytes(net));
    assertThat(m.getGraph().getNodeList()).extracting(NodeProto::getOpType).containsExactly(
        "Flatten", "Gemm", "Sigmoid", "Mul", "Gemm", "Tanh", "Gemm", "Sigmoid", "Gemm",
        "LogSoftmax");
    double[] x = rand(r, 4, 1);
    double[] expected = net.output().apply(net.forward(x, Network.Mode.EXACT));
    double[] got = Evaluator.run(m, x);
    for (int c = 0; c < 3; c++) {
      assertThat(got[c]).isCloseTo(expected[c], org.assertj.core.data.Offset.offset(1e-5));
    }
    Network gelu = Network.sequential(in, Network.Output.NONE,
        Activation.of(Activation.Function.GELU));
    assertThat(OnnxExport.toModel(gelu).getGraph().getNodeList())
        .extracting(NodeProto::getOpType).containsExactly("Mul", "Erf", "Add", "Mul", "Mul");
  }

  @Test
  void writeReplacesTheFileWholeAndLeavesNoTemporaryFile() throws IOException {
    Path file = dir.resolve("model.onnx");
    Files.writeString(file, "old");
    Network net = cryptonets(5);
    OnnxExport.write(net, file);
    assertThat(Files.readAllBytes(file)).isEqualTo(OnnxExport.toBytes(net));
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(file);
    }
    Path missing = dir.resolve("no/such/dir/model.onnx");
    assertThatThrownBy(() -> OnnxExport.write(net, missing)).isInstanceOf(IOException.class);
    assertThat(missing).doesNotExist();
  }

  private static List<Long> dims(ai.onnx.proto.OnnxMl.ValueInfoProto v) {
    return v.getType().getTensorType().getShape().getDimList().stream()
        .map(d -> d.getDimValue()).toList();
  }

  private static Map<String, TensorProto> initializers(ModelProto m) {
    Map<String, TensorProto> map = new HashMap<>();
    for (TensorProto t : m.getGraph().getInitializerList()) {
      map.put(t.getName(), t);
    }
    return map;
  }

  static float[] floats(TensorProto t) {
    assertThat(t.getDataType()).isEqualTo(TensorProto.DataType.FLOAT_VALUE);
    ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    float[] f = new float[b.remaining() / 4];
    for (int k = 0; k < f.length; k++) {
      f[k] = b.getFloat();
    }
    return f;
  }

  private static float[] toFloats(double[] d) {
    float[] f = new float[d.length];
    for (int k = 0; k < d.length; k++) {
      f[k] = (float) d[k];
    }
    return f;
  }

  static AttributeProto attr(NodeProto n, String name) {
    return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
        .orElse(null);
  }

  static List<Long> ints(NodeProto n, String name) {
    AttributeProto a = attr(n, name);
    return a == null ? null : a.getIntsList();
  }

  /**
   * A small reference interpreter of the ONNX operators the exporter writes, batch 1, written
   * from the operator specification (not from Veil's layers), in double precision.
   */
  static final class Evaluator {
    record T(long[] dims, double[] v) {
      int d(int k) {
        return (int) dims[k];
      }
    }

    static double[] run(ModelProto m, double[] x) {
      Map<String, T> env = new HashMap<>();
      for (TensorProto t : m.getGraph().getInitializerList()) {
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        double[] v;
        if (t.getDataType() == TensorProto.DataType.INT64_VALUE) {
          v = t.getInt64DataList().stream().mapToDouble(Long::doubleValue).toArray();
        } else {
          float[] f = floats(t);
          v = new double[f.length];
          for (int k = 0; k < f.length; k++) {
            v[k] = f[k];
          }
        }
        env.put(t.getName(), new T(dims, v));
      }
      long[] inDims = dims(m.getGraph().getInput(0)).stream().mapToLong(Long::longValue)
          .toArray();
      env.put("input", new T(inDims, x.clone()));
      for (NodeProto n : m.getGraph().getNodeList()) {
        T a = env.get(n.getInput(0));
        T b = n.getInputCount() > 1 ? env.get(n.getInput(1)) : null;
        T out = switch (n.getOpType()) {
          case "Conv" -> conv(n, a, b, env.get(n.getInput(2)));
          case "AveragePool" -> pool(n, a);
          case "Gemm" -> gemm(n, a, b, env.get(n.getInput(2)));
          case "Pow" -> map(a, v -> Math.pow(v, b.v()[0]));
          case "Relu" -> map(a, v -> Math.max(0, v));
          case "Add" -> binary(a, b, Double::sum);
          case "Mul" -> binary(a, b, (p, q) -> p * q);
          case "Flatten" -> new T(new long[] {1, a.v().length}, a.v());
          case "Reshape" -> new T(Arrays.stream(b.v()).mapToLong(d -> (long) d).toArray(),
              a.v());
          case "Softmax" -> softmax(a);
          case "LogSoftmax" -> map(softmax(a), Math::log);
          case "Sigmoid" -> map(a, v -> 1 / (1 + Math.exp(-v)));
          case "Tanh" -> map(a, Math::tanh);
          default -> throw new IllegalArgumentException("no evaluator for " + n.getOpType());
        };
        env.put(n.getOutput(0), out);
      }
      return env.get("output").v();
    }

    static T map(T a, java.util.function.DoubleUnaryOperator f) {
      return new T(a.dims(), Arrays.stream(a.v()).map(f).toArray());
    }

    static T binary(T a, T b, java.util.function.DoubleBinaryOperator f) {
      double[] y = new double[a.v().length];
      for (int k = 0; k < y.length; k++) {
        y[k] = f.applyAsDouble(a.v()[k], b.v().length == 1 ? b.v()[0] : b.v()[k]);
      }
      assertThat(b.v().length == 1 || Arrays.equals(a.dims(), b.dims())).isTrue();
      return new T(a.dims(), y);
    }

    static T softmax(T a) {
      double max = Arrays.stream(a.v()).max().orElseThrow();
      double sum = Arrays.stream(a.v()).map(v -> Math.exp(v - max)).sum();
      return map(a, v -> Math.exp(v - max) / sum);
    }

    static T gemm(NodeProto n, T a, T w, T c) {
      assertThat(attr(n, "transB").getI()).isEqualTo(1);
      int out = w.d(0);
      int in = w.d(1);
      assertThat(a.dims()).containsExactly(1, in);
      double[] y = new double[out];
      for (int o = 0; o < out; o++) {
        double acc = c.v()[o];
        for (int i = 0; i < in; i++) {
          acc += a.v()[i] * w.v()[o * in + i];
        }
        y[o] = acc;
      }
      return new T(new long[] {1, out}, y);
    }

    /** pads = [top, left, bottom, right]; positions outside the input read as 0. */
    static T conv(NodeProto n, T x, T w, T bias) {
      List<Long> pads = ints(n, "pads");
      List<Long> strides = ints(n, "strides");
      int channels = x.d(1);
      int h = x.d(2);
      int wd = x.d(3);
      int oc = w.d(0);
      int kh = w.d(2);
      int kw = w.d(3);
      assertThat(w.d(1)).isEqualTo(channels);
      int oh = (int) ((h + pads.get(0) + pads.get(2) - kh) / strides.get(0) + 1);
      int ow = (int) ((wd + pads.get(1) + pads.get(3) - kw) / strides.get(1) + 1);
      double[] y = new double[oc * oh * ow];
      for (int o = 0; o < oc; o++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = bias.v()[o];
            for (int c = 0; c < channels; c++) {
              for (int u = 0; u < kh; u++) {
                for (int v = 0; v < kw; v++) {
                  long yy = i * strides.get(0) + u - pads.get(0);
                  long xx = j * strides.get(1) + v - pads.get(1);
                  if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                    acc += w.v()[((o * channels + c) * kh + u) * kw + v]
                        * x.v()[(int) ((c * h + yy) * wd + xx)];
                  }
                }
              }
            }
            y[(o * oh + i) * ow + j] = acc;
          }
        }
      }
      return new T(new long[] {1, oc, oh, ow}, y);
    }

    static T pool(NodeProto n, T x) {
      List<Long> k = ints(n, "kernel_shape");
      List<Long> s = ints(n, "strides");
      List<Long> pads = ints(n, "pads") == null || ints(n, "pads").isEmpty()
          ? List.of(0L, 0L, 0L, 0L) : ints(n, "pads");
      AttributeProto cip = attr(n, "count_include_pad");
      boolean include = cip != null && cip.getI() == 1;
      int channels = x.d(1);
      int h = x.d(2);
      int w = x.d(3);
      int oh = (int) ((h + pads.get(0) + pads.get(2) - k.get(0)) / s.get(0) + 1);
      int ow = (int) ((w + pads.get(1) + pads.get(3) - k.get(1)) / s.get(1) + 1);
      double[] y = new double[channels * oh * ow];
      for (int c = 0; c < channels; c++) {
        for (int i = 0; i < oh; i++) {
          for (int j = 0; j < ow; j++) {
            double acc = 0;
            int count = 0;
            for (int u = 0; u < k.get(0); u++) {
              for (int v = 0; v < k.get(1); v++) {
                long yy = i * s.get(0) + u - pads.get(0);
                long xx = j * s.get(1) + v - pads.get(1);
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                  acc += x.v()[(int) ((c * h + yy) * w + xx)];
                  count++;
                }
              }
            }
            y[(c * oh + i) * ow + j] = acc / (include ? k.get(0) * k.get(1) : count);
          }
        }
      }
      return new T(new long[] {1, channels, oh, ow}, y);
    }
  }
}
