package dev.veil.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil bench onnx} on a folder of hand-made cases: a passing one (a batch of two through
 * Relu then Neg), a refused one (MaxPool) and one whose expected output is wrong (a failure:
 * exit code 1), and the report's exact fields.
 */
class BenchOnnxCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int veil(String... args) {
    out.reset();
    err.reset();
    return BenchCli.execute(new BenchOnnxCommand(), out, err, args);
  }

  private static TensorProto tensor(double... v) {
    TensorProto.Builder t = TensorProto.newBuilder().setDataType(1).addDims(2).addDims(3);
    for (double x : v) {
      t.addFloatData((float) x);
    }
    return t.build();
  }

  private static ValueInfoProto value(String name) {
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(
            TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3))))).build();
  }

  private void writeCase(String name, String firstOp, double[] expected) throws IOException {
    Path c = Files.createDirectories(dir.resolve("node").resolve(name));
    GraphProto g = GraphProto.newBuilder().addInput(value("x")).addOutput(value("y"))
        .addNode(NodeProto.newBuilder().setOpType(firstOp).addInput("x").addOutput("h"))
        .addNode(NodeProto.newBuilder().setOpType("Neg").addInput("h").addOutput("y")).build();
    Files.write(c.resolve("model.onnx"), ModelProto.newBuilder().setIrVersion(8)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build()
        .toByteArray());
    Path set = Files.createDirectories(c.resolve("test_data_set_0"));
    Files.write(set.resolve("input_0.pb"), tensor(1, -2, 3, -4, 5, -6).toByteArray());
    Files.write(set.resolve("output_0.pb"), tensor(expected).toByteArray());
  }

  @Test
  void recordsPassedRefusedAndFailedCases() throws Exception {
    writeCase("test_relu_neg", "Relu", new double[] {-1, 0, -3, 0, -5, 0});
    writeCase("test_maxpool_neg", "MaxPool", new double[6]);
    Path json = dir.resolve("report.json");
    assertThat(veil("bench", "onnx", "--data", dir.toString(), "--json", json.toString()))
        .as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("2 cases: 1 passed, 1 refused,"
        + " 0 failed", "operator not supported: MaxPool");
    JsonNode cases = new ObjectMapper().readTree(json.toFile()).get("cases");
    assertThat(cases).hasSize(2);
    JsonNode refused = cases.get(0);
    assertThat(refused.get("name").asText()).isEqualTo("test_maxpool_neg");
    assertThat(refused.get("supported").asBoolean()).isFalse();
    assertThat(refused.get("refusal").asText()).startsWith("MaxPool (node '#0, output h')")
        .contains("use AveragePool");
    assertThat(refused.get("plainMaxError").isNull()).isTrue();
    JsonNode passed = cases.get(1);
    assertThat(passed.get("supported").asBoolean()).isTrue();
    assertThat(passed.get("plainMaxError").asDouble()).isZero();
    assertThat(passed.get("encryptedMaxError").isNull()).isTrue();
    assertThat(passed.get("refusal").isNull()).isTrue();
    List<String> fields = new java.util.ArrayList<>();
    passed.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactly("name", "supported", "plainMaxError",
        "encryptedMaxError", "refusal");

    // a wrong expected value is a failure: exit code 1, named in the output and the report
    writeCase("test_relu_wrong", "Relu", new double[] {-1, 0, -3, 0, -5, 1});
    assertThat(veil("bench", "onnx", "--data", dir.toString(), "--json", json.toString()))
        .isEqualTo(1);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("1 failed",
        "FAILED test_relu_wrong: failed: largest error 1.00");
  }

  @Test
  void anEncryptedRunRecordsTheErrorUnderEncryption() throws Exception {
    writeCase("test_identity_neg", "Identity", new double[] {-1, 2, -3, 4, -5, 6});
    Path json = dir.resolve("report.json");
    assertThat(veil("bench", "onnx", "--data", dir.toString(), "--encrypted", "--threads", "1",
        "--json", json.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode c = new ObjectMapper().readTree(json.toFile()).get("cases").get(0);
    assertThat(c.get("plainMaxError").asDouble()).isZero();
    // compiled for 20 bits: the encrypted outputs are off by noise, not by a wrong program
    assertThat(c.get("encryptedMaxError").asDouble()).isGreaterThan(0).isLessThan(1e-3);
  }

  @Test
  void refusesAMissingOrEmptyFolder() throws Exception {
    assertThat(veil("bench", "onnx", "--data", dir.resolve("none").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("veil bench onnx:")
        .contains("is not a directory");
    assertThat(veil("bench", "onnx", "--data", dir.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no model.onnx");
  }
}
