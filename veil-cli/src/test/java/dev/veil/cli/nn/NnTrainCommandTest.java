package dev.veil.cli.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil nn train} on a tiny synthetic MNIST written by the test (8x8 images). */
class NnTrainCommandTest {
  @TempDir Path dir;
  private Path data;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int veil(String... args) {
    out.reset();
    err.reset();
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return VeilCli.commandLine(context, List.of()).execute(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** An IDX file, gzip-compressed: magic 0 0 8 rank, big-endian dimensions, bytes. */
  private static void idx(Path file, int[] dims, byte[] body) throws IOException {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
      o.write(new byte[] {0, 0, 8, (byte) dims.length});
      for (int d : dims) {
        o.write(new byte[] {(byte) (d >>> 24), (byte) (d >>> 16), (byte) (d >>> 8), (byte) d});
      }
      o.write(body);
    }
  }

  /** Digits 0..3 as a bright 3x3 patch in one quadrant of an 8x8 image, over noise. */
  private static void digits(Path folder, String prefix, int count, long seed)
      throws IOException {
    Random r = new Random(seed);
    byte[] pixels = new byte[count * 64];
    byte[] labels = new byte[count];
    for (int e = 0; e < count; e++) {
      int c = r.nextInt(4);
      labels[e] = (byte) c;
      for (int k = 0; k < 64; k++) {
        pixels[e * 64 + k] = (byte) r.nextInt(70);
      }
      int top = (c / 2) * 4 + r.nextInt(2);
      int left = (c % 2) * 4 + r.nextInt(2);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          pixels[e * 64 + (top + i) * 8 + left + j] = (byte) (180 + r.nextInt(76));
        }
      }
    }
    idx(folder.resolve(prefix + "-images-idx3-ubyte.gz"), new int[] {count, 8, 8}, pixels);
    idx(folder.resolve(prefix + "-labels-idx1-ubyte.gz"), new int[] {count}, labels);
  }

  @BeforeEach
  void writeData() throws IOException {
    data = Files.createDirectory(dir.resolve("mnist"));
    digits(data, "train", 400, 1);
    digits(data, "t10k", 200, 2);
  }

  /** The arguments of a quick run; {@code changes} are option-value pairs that replace them. */
  private String[] train(Path model, String... changes) {
    java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
    options.put("--mnist", data.toString());
    options.put("--out", model.toString());
    options.put("--epochs", "4");
    options.put("--batch", "32");
    options.put("--shift", "0");
    options.put("--learning-rate", "0.01");
    options.put("--threads", "2");
    options.put("--seed", "7");
    for (int k = 0; k < changes.length; k += 2) {
      options.put(changes[k], changes[k + 1]);
    }
    List<String> args = new java.util.ArrayList<>(List.of("nn", "train"));
    options.forEach((k, v) -> {
      args.add(k);
      args.add(v);
    });
    return args.toArray(new String[0]);
  }

  @Test
  void trainsPrintsEachEpochAndWritesAnOnnxModel() throws IOException {
    Path model = dir.resolve("model.onnx");
    assertThat(veil(train(model))).as(err()).isZero();
    assertThat(out()).contains("read 400 training and 200 test images of 8x8",
        "conv 5x5 stride 2 (5x3x3)", "epoch 1/4: loss ", "epoch 4/4: loss ", "wrote ");
    Matcher m = Pattern.compile("test accuracy ([0-9.]+) % \\((\\d+) of 200 images\\) after 4"
        + " epochs").matcher(out());
    assertThat(m.find()).as(out()).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isGreaterThan(90);
    ModelProto onnx = ModelProto.parseFrom(Files.readAllBytes(model));
    assertThat(onnx.getGraph().getNodeList()).extracting(NodeProto::getOpType)
        .containsExactly("Conv", "Pow", "Flatten", "Gemm", "Pow", "Gemm", "Softmax");
    // the same seed gives the same model, on another number of threads
    Path again = dir.resolve("again.onnx");
    assertThat(veil(train(again, "--threads", "1"))).as(err()).isZero();
    assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(model));
  }

  /** Exit 2, one line naming the problem, and no model file. */
  private void assertBadInput(Path model, int rc, String... mentions) throws IOException {
    assertThat(rc).as(err()).isEqualTo(2);
    assertThat(err().lines().filter(l -> !l.isBlank())).as(err()).hasSize(1);
    assertThat(err()).startsWith("veil nn train: ").contains(mentions)
        .doesNotContain("Exception", "\tat ");
    assertThat(model).doesNotExist();
    try (Stream<Path> s = Files.walk(dir)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void badInputExitsWithTwoAndWritesNothing() throws IOException {
    Path model = dir.resolve("model.onnx");
    assertBadInput(model, veil(train(model, "--optimizer", "sgd")), "--optimizer", "sgd");
    assertBadInput(model, veil(train(model, "--epochs", "0")), "--epochs");
    assertBadInput(model, veil(train(model, "--learning-rate", "-1")), "--learning-rate");
    assertBadInput(model, veil("nn", "train", "--mnist", dir.resolve("none").toString(),
        "--out", model.toString()), "--mnist", "not a directory");
    Path nowhere = dir.resolve("no/such/model.onnx");
    assertBadInput(nowhere, veil(train(nowhere)), "--out", "no such directory");
    assertThat(dir.resolve("no")).doesNotExist();
    Files.delete(data.resolve("t10k-labels-idx1-ubyte.gz"));
    assertBadInput(model, veil(train(model)), "--mnist", "t10k-labels-idx1-ubyte");
    idx(data.resolve("t10k-labels-idx1-ubyte.gz"), new int[] {199}, new byte[199]);
    assertBadInput(model, veil(train(model)), "199 labels for the 200 images");
    Path images = data.resolve("train-images-idx3-ubyte.gz");
    byte[] bytes = Files.readAllBytes(images);
    Files.write(images, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertBadInput(model, veil(train(model)), "train-images-idx3-ubyte.gz");
  }

  @Test
  void nnAloneIsAUsageErrorNamingTrain() {
    assertThat(veil("nn")).isEqualTo(2);
    assertThat(err()).contains("missing subcommand", "train");
  }
}
