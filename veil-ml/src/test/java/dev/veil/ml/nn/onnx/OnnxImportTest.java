package dev.veil.ml.nn.onnx;

import static dev.veil.ml.nn.onnx.Onnx.f;
import static dev.veil.ml.nn.onnx.Onnx.integer;
import static dev.veil.ml.nn.onnx.Onnx.ints;
import static dev.veil.ml.nn.onnx.Onnx.longs;
import static dev.veil.ml.nn.onnx.Onnx.model;
import static dev.veil.ml.nn.onnx.Onnx.node;
import static dev.veil.ml.nn.onnx.Onnx.real;
import static dev.veil.ml.nn.onnx.Onnx.tensor;
import static dev.veil.ml.nn.onnx.Onnx.text;
import static dev.veil.ml.nn.onnx.Onnx.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;
import java.util.Random;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import org.junit.jupiter.api.Test;

class OnnxImportTest {
  private static double[] random(Random r, int n) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = (float) (2 * r.nextDouble() - 1);
    }
    return v;
  }

  @Test
  void convBatchNormReluGemmSoftmaxMatchesAHandComputation() throws Exception {
    Random r = new Random(11);
    double[] w = random(r, 2 * 1 * 3 * 3);
    double[] cb = random(r, 2);
    double[] gamma = f(1.5, -0.5);
    double[] beta = f(0.25, 1);
    double[] mean = f(0.1, -0.2);
    double[] var = f(0.5, 2);
    double[] gw = random(r, 3 * 8); // [3, 8], transB = 1
    double[] gc = random(r, 3);
    ModelProto m = model(value("x", 1L, 1L, 4L, 4L), "y", List.of(
        tensor("w", new long[] {2, 1, 3, 3}, w), tensor("cb", new long[] {2}, cb),
        tensor("g", new long[] {2}, gamma), tensor("b", new long[] {2}, beta),
        tensor("m", new long[] {2}, mean), tensor("v", new long[] {2}, var),
        tensor("gw", new long[] {3, 8}, gw), tensor("gc", new long[] {3}, gc)),
        node("conv1", "Conv", List.of("x", "w", "cb"), "c", ints("pads", 1, 1, 1, 1),
            ints("strides", 2, 2), ints("kernel_shape", 3, 3)),
        node("bn1", "BatchNormalization", List.of("c", "g", "b", "m", "v"), "n",
            real("epsilon", 1e-3)),
        node("relu1", "Relu", List.of("n"), "a"),
        node("flat", "Flatten", List.of("a"), "fl"),
        node("fc", "Gemm", List.of("fl", "gw", "gc"), "z", integer("transB", 1),
            real("alpha", 0.5), real("beta", 2)),
        node("sm", "Softmax", List.of("z"), "y"));
    OnnxImport.Result res = OnnxImport.of(m);
    Network net = res.network();
    assertThat(net.input()).isEqualTo(new Shape(1, 4, 4));
    assertThat(net.output()).isEqualTo(Network.Output.SOFTMAX);
    // the batch normalisation is folded into the convolution
    assertThat(net.nodes()).extracting(n -> n.layer().kind())
        .containsExactly("conv", "relu", "reshape", "dense");
    assertThat(net.nodes().get(0).name()).isEqualTo("conv1+bn1");
    double[] x = random(r, 16);
    // by hand: conv (stride 2, pad 1) -> 2 x 2 x 2, batch norm, relu, gemm
    double[] act = new double[8];
    for (int o = 0; o < 2; o++) {
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          double s = cb[o];
          for (int u = 0; u < 3; u++) {
            for (int v = 0; v < 3; v++) {
              int yy = 2 * i + u - 1;
              int xx = 2 * j + v - 1;
              if (yy >= 0 && yy < 4 && xx >= 0 && xx < 4) {
                s += w[o * 9 + u * 3 + v] * x[yy * 4 + xx];
              }
            }
          }
          double bn = gamma[o] * (s - mean[o]) / Math.sqrt(var[o] + (float) 1e-3) + beta[o];
          act[o * 4 + i * 2 + j] = Math.max(0, bn);
        }
      }
    }
    double[] z = new double[3];
    for (int k = 0; k < 3; k++) {
      z[k] = 2 * gc[k];
      for (int j = 0; j < 8; j++) {
        z[k] += 0.5 * gw[k * 8 + j] * act[j];
      }
    }
    assertThat(net.forward(x, Network.Mode.EXACT)).containsExactly(z, within(1e-12));
    assertThat(res.batch()).isEqualTo(1);
    assertThat(res.outputDims()).containsExactly(3);
  }

  @Test
  void residualAddPowAndSquareOfAVectorWithSymbolicBatch() throws Exception {
    double[] w = f(1, 2, -1, 0.5, 0, 1, 1, -2, 0.25);
    double[] b = f(0.5, -1, 0);
    ModelProto m = model(value("x", null, 3L), "y", List.of(
        tensor("w", new long[] {3, 3}, w), tensor("b", new long[] {3}, b),
        tensor("two", new long[] {}, 2), tensor("k", new long[] {1, 3}, f(2, 4, 8))),
        node("mm", "MatMul", List.of("x", "w"), "h"),
        node("bias", "Add", List.of("h", "b"), "hb"),
        node("tanh", "Tanh", List.of("hb"), "t"),
        node("res", "Add", List.of("t", "x"), "r"),
        node("pow", "Pow", List.of("r", "two"), "p"),
        node("sq", "Mul", List.of("p", "p"), "q"),
        node("div", "Div", List.of("q", "k"), "y"));
    OnnxImport.Result res = OnnxImport.of(m);
    Network net = res.network();
    assertThat(res.batch()).isZero();
    assertThat(net.nodes()).extracting(n -> n.layer().kind())
        .containsExactly("dense", "tanh", "add", "square", "square", "affine");
    assertThat(net.nodes().get(2).inputs()).containsExactly(1, Network.INPUT);
    double[] x = {0.5, -1.5, 2};
    double[] k = {2, 4, 8};
    double[] want = new double[3];
    for (int c = 0; c < 3; c++) {
      double h = b[c];
      for (int j = 0; j < 3; j++) {
        h += x[j] * w[j * 3 + c]; // MatMul: x [1, 3] times w [3, 3]
      }
      double rr = Math.tanh(h) + x[c];
      want[c] = Math.pow(rr, 4) / k[c];
    }
    assertThat(net.forward(x, Network.Mode.EXACT)).containsExactly(want, within(1e-12));
  }

  @Test
  void averagePoolSamePaddingAndStaticReshape() throws Exception {
    ModelProto m = model(value("x", 1L, 1L, 3L, 3L), "y", List.of(longs("shape", 1, -1)),
        // auto_pad SAME_UPPER, stride 1: 3x3 stays 3x3, padded below and on the right
        node("pool", "AveragePool", List.of("x"), "p", ints("kernel_shape", 2, 2),
            text("auto_pad", "SAME_UPPER")),
        node("rs", "Reshape", List.of("p", "shape"), "y"));
    Network net = OnnxImport.of(m).network();
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    // count_include_pad 0: the bottom-right window holds only x[2][2]
    assertThat(net.forward(x, Network.Mode.EXACT)).containsExactly(3, 4, 4.5, 6, 7, 7.5,
        7.5, 8.5, 9);
    assertThat(net.outputShape()).isEqualTo(Shape.vector(9));
  }

  @Test
  void sliceGatherConcatAndAPyTorchStyleFlattenOfAComputedShape() throws Exception {
    // x [N, 2, 3]: a = x[:, 0:1, :] (Slice), c = concat(a, x) along axis 1 (two activations),
    // g = c[:, :, [2, 0]] (Gather), then a reshape to [shape(x)[0], -1] computed by Shape,
    // Gather and Concat on constants, as PyTorch exports x.view(x.size(0), -1)
    ModelProto m = model(value("x", null, 2L, 3L), "y", List.of(
        longs("s0", 0), longs("s1", 1), longs("ax", 1), longs("idx", 2, 0), longs("zero", 0),
        longs("minus1", -1)),
        node("sl", "Slice", List.of("x", "s0", "s1", "ax"), "a"),
        node("cat", "Concat", List.of("a", "x"), "c", integer("axis", 1)),
        node("ga", "Gather", List.of("c", "idx"), "g", integer("axis", 2)),
        node("shape", "Shape", List.of("x"), "sh"),
        node("first", "Gather", List.of("sh", "zero"), "n0", integer("axis", 0)),
        node("cat2", "Concat", List.of("n0", "minus1"), "target", integer("axis", 0)),
        node("rs", "Reshape", List.of("g", "target"), "y"));
    Network net = OnnxImport.of(m).network();
    double[] x = {1, 2, 3, 4, 5, 6}; // x[0] = [1 2 3], x[1] = [4 5 6]
    // c = [[1 2 3], [1 2 3], [4 5 6]]; g = c[:, :, [2, 0]] = [[3 1], [3 1], [6 4]]
    assertThat(net.forward(x, Network.Mode.EXACT)).containsExactly(3, 1, 3, 1, 6, 4);
    assertThat(net.outputShape()).isEqualTo(Shape.vector(6));
  }

  @Test
  void xTimesSigmoidOfXIsOneSiluAndUnusedNodesAreDropped() throws Exception {
    ModelProto m = model(value("x", 1L, 3L), "y", List.of(),
        node("sig", "Sigmoid", List.of("x"), "s"),
        node("unused", "Tanh", List.of("x"), "t"),
        node("swish", "Mul", List.of("s", "x"), "y"));
    Network net = OnnxImport.of(m).network();
    assertThat(net.nodes()).extracting(n -> n.layer().kind()).containsExactly("silu");
    double[] x = {-1, 0.5, 2};
    double[] y = net.forward(x, Network.Mode.EXACT);
    for (int j = 0; j < 3; j++) {
      assertThat(y[j]).isCloseTo(x[j] / (1 + Math.exp(-x[j])), within(1e-15));
    }
    assertRefused(model(value("x", 1L, 3L), "y", List.of(),
        node("sig", "Sigmoid", List.of("x"), "s"), node("tanh", "Tanh", List.of("x"), "t"),
        node("mul", "Mul", List.of("s", "t"), "y")), "Mul (node 'mul')",
        "two different activations");
  }

  @Test
  void maxPoolIsRefusedNamingTheNodeAndTheAlternative() {
    ModelProto m = model(value("x", 1L, 1L, 4L, 4L), "y", List.of(),
        node("pool1", "MaxPool", List.of("x"), "y", ints("kernel_shape", 2, 2)));
    assertThatThrownBy(() -> OnnxImport.of(m)).isInstanceOf(UnsupportedModelException.class)
        .hasMessageStartingWith("MaxPool (node 'pool1'): ").hasMessageContaining("AveragePool")
        .satisfies(e -> {
          assertThat(((UnsupportedModelException) e).operator()).isEqualTo("MaxPool");
          assertThat(((UnsupportedModelException) e).node()).isEqualTo("pool1");
        });
  }

  @Test
  void unsupportedAttributesAndShapesAreRefusedByName() {
    TensorProto wt = tensor("w", new long[] {4, 1, 3, 3}, new double[36]);
    assertRefused(model(value("x", 1L, 2L, 5L, 5L), "y", List.of(wt),
        node("g", "Conv", List.of("x", "w"), "y", integer("group", 2))), "Conv (node 'g')",
        "group = 2");
    assertRefused(model(value("x", 1L, 1L, 5L, 5L), "y", List.of(wt),
        node("d", "Conv", List.of("x", "w"), "y", ints("dilations", 2, 2))), "dilations");
    assertRefused(model(value("x", 1L, 1L, 5L, 5L), "y", List.of(),
        node("c", "AveragePool", List.of("x"), "y", ints("kernel_shape", 2, 2),
            integer("ceil_mode", 1))), "ceil_mode = 1");
    assertRefused(model(value("x", 1L, null, 5L), "y", List.of(),
        node("r", "Relu", List.of("x"), "y")), "dynamic dimension 1 ('N')");
    assertRefused(model(value("x", 1L, 3L), "y", List.of(),
        node("s", "Softmax", List.of("x"), "s"), node("r", "Relu", List.of("s"), "y")),
        "Softmax (node 's')", "last operation");
    assertRefused(model(value("x", 1L, 3L), "y", List.of(tensor("e", new long[] {}, 3)),
        node("p", "Pow", List.of("x", "e"), "y")), "exponent 3.0");
    assertRefused(model(value("x", 1L, 3L), "y", List.of(tensor("k", new long[] {2, 3},
        new double[6])), node("a", "Add", List.of("x", "k"), "y")), "across the batch");
  }

  @Test
  void boundInputsAreConstantsAndAnExtraInputIsRefused() throws Exception {
    ModelProto m = model(value("x", 1L, 2L), "y", List.of(),
        node("add", "Add", List.of("x", "c"), "y"));
    m = m.toBuilder().setGraph(m.getGraph().toBuilder().addInput(value("c", 1L, 2L))).build();
    ModelProto two = m;
    assertThatThrownBy(() -> OnnxImport.of(two)).hasMessageContaining("2 inputs [x, c]");
    Network net = OnnxImport.of(m, Map.of("c", new OnnxTensor(new long[] {1, 2},
        new double[] {10, 20}))).network();
    assertThat(net.forward(new double[] {1, 2}, Network.Mode.EXACT)).containsExactly(11, 22);
  }

  @Test
  void tensorsDecodeEveryLayoutAndRefuseMissingValues() throws Exception {
    assertThat(OnnxTensor.of(tensor("t", new long[] {2}, 1.5, -2), "t").data())
        .containsExactly(1.5, -2);
    TensorProto fl = TensorProto.newBuilder().setDataType(1).addDims(2).addFloatData(3)
        .addFloatData(4).build();
    assertThat(OnnxTensor.of(fl, "f").data()).containsExactly(3, 4);
    TensorProto db = TensorProto.newBuilder().setDataType(11).addDims(1).addDims(1)
        .addDoubleData(0.1).build();
    assertThat(OnnxTensor.read(new ByteArrayInputStream(db.toByteArray())).data())
        .containsExactly(0.1);
    TensorProto shortOne = TensorProto.newBuilder().setDataType(1).addDims(1000000)
        .addFloatData(1).build();
    assertThatThrownBy(() -> OnnxTensor.of(shortOne, "s"))
        .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("holds 1 values");
    TensorProto huge = TensorProto.newBuilder().setDataType(1).addDims(1L << 40).build();
    assertThatThrownBy(() -> OnnxTensor.of(huge, "h")).hasMessageContaining("claims");
    TensorProto str = TensorProto.newBuilder().setDataType(8).addDims(1).build();
    assertThatThrownBy(() -> OnnxTensor.of(str, "str")).hasMessageContaining("STRING");
  }

  @Test
  void oversizedAndMalformedInputsAreRefused() {
    assertThatThrownBy(() -> OnnxImport.readBounded(new ByteArrayInputStream(new byte[11]), 10,
        "model")).isInstanceOf(UnsupportedModelException.class)
        .hasMessageContaining("larger than the 10 bytes");
    assertThatThrownBy(() -> OnnxImport.read(new ByteArrayInputStream(new byte[] {8, -1})))
        .isInstanceOf(UnsupportedModelException.class).hasMessageContaining("not an ONNX model");
  }

  @Test
  void corruptedModelsImportOrAreRefusedButNeverThrowAnythingElse() {
    ModelProto m = model(value("x", 1L, 1L, 4L, 4L), "y", List.of(
        tensor("w", new long[] {2, 1, 3, 3}, new double[18]), tensor("cb", new long[] {2}, 1, 2),
        tensor("gw", new long[] {8, 3}, new double[24]), longs("shape", 1, -1)),
        node("conv1", "Conv", List.of("x", "w", "cb"), "c", ints("pads", 1, 1, 1, 1),
            ints("strides", 2, 2)),
        node("relu1", "Relu", List.of("c"), "a"),
        node("pool", "AveragePool", List.of("a"), "p", ints("kernel_shape", 1, 1)),
        node("flat", "Reshape", List.of("p", "shape"), "fl"),
        node("fc", "MatMul", List.of("fl", "gw"), "z"),
        node("sm", "Softmax", List.of("z"), "y"));
    byte[] bytes = m.toByteArray();
    Random r = new Random(17);
    int imported = 0;
    for (int trial = 0; trial < 2000; trial++) {
      byte[] b = bytes.clone();
      for (int j = 0; j < 1 + r.nextInt(3); j++) {
        b[r.nextInt(b.length)] = (byte) r.nextInt(256);
      }
      try {
        OnnxImport.of(OnnxImport.parse(b));
        imported++;
      } catch (UnsupportedModelException e) {
        assertThat(e.getMessage()).isNotBlank();
      }
    }
    assertThat(imported).isPositive(); // some mutations only touch weights
  }

  private static void assertRefused(ModelProto m, String... mentions) {
    assertThatThrownBy(() -> OnnxImport.of(m)).isInstanceOf(UnsupportedModelException.class)
        .hasMessageContainingAll(mentions);
  }
}
