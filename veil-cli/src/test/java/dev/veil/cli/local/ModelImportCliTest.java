package dev.veil.cli.local;

import static dev.veil.cli.local.CliHarness.assertOnly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.NetworkFile;
import dev.veil.ml.nn.onnx.OnnxImport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil model import}: an ONNX CNN (Conv, Relu, Flatten, Gemm, Softmax) with CSV and IDX
 * calibration inputs, the summary, the written network file, and refusals that write nothing.
 */
class ModelImportCliTest {
  @TempDir Path dir;
  private final CliHarness cli = new CliHarness();

  private static TensorProto tensor(String name, long[] dims, Random r, int n) {
    ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int k = 0; k < n; k++) {
      b.putFloat((float) (r.nextGaussian() * 0.5));
    }
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1)
        .setRawData(ByteString.copyFrom(b.array()));
    for (long d : dims) {
      t.addDims(d);
    }
    return t.build();
  }

  private static NodeProto node(String name, String op, List<String> in, String out,
      AttributeProto... attrs) {
    return NodeProto.newBuilder().setName(name).setOpType(op).addAllInput(in).addOutput(out)
        .addAllAttribute(List.of(attrs)).build();
  }

  private static ValueInfoProto value(String name, long... dims) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
    for (long d : dims) {
      s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
  }

  /** 1x4x4 -> conv 2x3x3 (pad 1, stride 2) -> relu (or max pool) -> flatten -> gemm 3. */
  private Path model(String name, boolean maxPool) throws IOException {
    Random r = new Random(5);
    GraphProto g = GraphProto.newBuilder().setName("cnn").addInput(value("x", 1, 1, 4, 4))
        .addOutput(value("y"))
        .addInitializer(tensor("w", new long[] {2, 1, 3, 3}, r, 18))
        .addInitializer(tensor("b", new long[] {2}, r, 2))
        .addInitializer(tensor("fw", new long[] {8, 3}, r, 24))
        .addNode(node("conv1", "Conv", List.of("x", "w", "b"), "c",
            AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS)
                .addAllInts(List.of(1L, 1L, 1L, 1L)).build(),
            AttributeProto.newBuilder().setName("strides")
                .setType(AttributeProto.AttributeType.INTS).addAllInts(List.of(2L, 2L)).build()))
        .addNode(maxPool
            ? node("pool1", "MaxPool", List.of("c"), "a", AttributeProto.newBuilder()
                .setName("kernel_shape").setType(AttributeProto.AttributeType.INTS)
                .addAllInts(List.of(1L, 1L)).build())
            : node("relu1", "Relu", List.of("c"), "a"))
        .addNode(node("flat", "Flatten", List.of("a"), "f"))
        .addNode(node("fc", "MatMul", List.of("f", "fw"), "z"))
        .addNode(node("sm", "Softmax", List.of("z"), "y"))
        .build();
    ModelProto m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(
        OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    return Files.write(dir.resolve(name), m.toByteArray());
  }

  private Path csv(int rows, long seed) throws IOException {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < 16; k++) {
      sb.append(k == 0 ? "" : ",").append("p").append(k);
    }
    sb.append('\n');
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < 16; k++) {
        sb.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f",
            r.nextDouble()));
      }
      sb.append('\n');
    }
    return Files.writeString(dir.resolve("cal.csv"), sb.toString());
  }

  @Test
  void importsWithCsvCalibrationAndAFixedDegree() throws Exception {
    Path onnx = model("cnn.onnx", false);
    Path out = dir.resolve("cnn.veilnn");
    String text = cli.ok("model", "import", "--onnx", onnx.toString(), "--calibration",
        csv(50, 1).toString(), "--activation-degree", "6", "--out", out.toString());
    assertThat(text).contains("input 1x4x4", "4 layers", "output softmax", "conv1",
        "relu1", "degree 6", "interval [", "written to");
    Network net = NetworkFile.read(out);
    assertThat(net.nodes()).extracting(n -> n.layer().kind())
        .containsExactly("conv", "relu", "reshape", "dense");
    Layer.Activation relu = (Layer.Activation) net.nodes().get(1).layer();
    assertThat(relu.approximated()).isTrue();
    assertThat(relu.polynomial().degree()).isEqualTo(6);
    assertThat(text).contains(String.format(Locale.ROOT, "max error %.3g", relu.maxError()));
    // the file holds the imported network, activations aside
    Network direct = OnnxImport.read(onnx).network();
    double[] x = new double[16];
    x[5] = 0.7;
    assertThat(net.forward(x, Network.Mode.EXACT))
        .containsExactly(direct.forward(x, Network.Mode.EXACT), within(0.0));
    assertOnly(dir, "cnn.onnx", "cal.csv", "cnn.veilnn");
  }

  @Test
  void importsWithGzippedIdxCalibrationChoosingTheDegree() throws Exception {
    Path onnx = model("cnn.onnx", false);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    try (DataOutputStream d = new DataOutputStream(new GZIPOutputStream(raw))) {
      d.writeInt(0x00000803);
      d.writeInt(40);
      d.writeInt(4);
      d.writeInt(4);
      Random r = new Random(2);
      for (int k = 0; k < 40 * 16; k++) {
        d.writeByte(r.nextInt(256));
      }
    }
    Path idx = Files.write(dir.resolve("images-idx3-ubyte.gz"), raw.toByteArray());
    Path out = dir.resolve("net.veilnn");
    String text = cli.ok("model", "import", "--onnx", onnx.toString(), "--calibration",
        idx.toString(), "--out", out.toString());
    assertThat(text).contains("predictions unchanged on");
    Layer.Activation relu = (Layer.Activation) NetworkFile.read(out).nodes().get(1).layer();
    assertThat(relu.approximated()).isTrue();
    assertThat(text).contains("degree " + relu.polynomial().degree());
  }

  @Test
  void withoutCalibrationTheActivationsStayExact() throws Exception {
    Path out = dir.resolve("net.veilnn");
    String text = cli.ok("model", "import", "--onnx", model("cnn.onnx", false).toString(),
        "--out", out.toString());
    assertThat(text).contains("not approximated");
    assertThat(((Layer.Activation) NetworkFile.read(out).nodes().get(1).layer()).approximated())
        .isFalse();
  }

  @Test
  void aRefusedModelWritesNothingAndNamesTheOperatorAndNode() throws Exception {
    Path onnx = model("pool.onnx", true);
    Path out = dir.resolve("net.veilnn");
    cli.assertBadInput(cli.veil("model", "import", "--onnx", onnx.toString(), "--out",
        out.toString()), "MaxPool", "pool1", "use AveragePool");
    assertOnly(dir, "pool.onnx");
  }

  @Test
  void badOptionsAndCalibrationFilesAreRefused() throws Exception {
    Path onnx = model("cnn.onnx", false);
    Path out = dir.resolve("net.veilnn");
    cli.assertBadInput(cli.veil("model", "import", "--onnx", onnx.toString(),
        "--activation-degree", "5", "--out", out.toString()), "--activation-degree",
        "needs --calibration");
    Path bad = Files.writeString(dir.resolve("bad.csv"), "1,2,3\n");
    cli.assertBadInput(cli.veil("model", "import", "--onnx", onnx.toString(), "--calibration",
        bad.toString(), "--out", out.toString()), "line 1 has 3 values", "takes 16");
    Path notOnnx = Files.writeString(dir.resolve("x.onnx"), "hello");
    cli.assertBadInput(cli.veil("model", "import", "--onnx", notOnnx.toString(), "--out",
        out.toString()), "not an ONNX model");
    assertOnly(dir, "cnn.onnx", "bad.csv", "x.onnx");
  }
}
