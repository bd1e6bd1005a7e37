package dev.veil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.data.Scaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The iris benchmark end to end on a generated three-class table, at small insecure parameters
 * (N = 2^12, ten 40-bit levels: two one-vs-rest iterations or three linear steps).
 */
class IrisBenchmarkTest {
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();

  @TempDir Path dir;

  /** Three Gaussian classes in 3 features plus a 4th feature linear in the others. */
  static Path table(Path dir) throws IOException {
    Random r = new Random(11);
    StringBuilder sb = new StringBuilder("a,b,c,w,kind\n");
    String[] names = {"red", "green", "blue"};
    for (int i = 0; i < 90; i++) {
      int c = i % 3;
      double a = 2 * c + r.nextGaussian() * 0.6;
      double b = 1 - c + r.nextGaussian() * 0.6;
      double cc = r.nextGaussian();
      double w = 0.3 + 0.4 * a - 0.2 * b + 0.1 * cc + 0.05 * r.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.5f,%.5f,%.5f,%.5f,%s%n", a, b, cc, w, names[c]));
    }
    Path f = dir.resolve("three.csv");
    Files.writeString(f, sb.toString());
    return f;
  }

  @Test
  void encryptedOneVsRestAndLinearRegressionMatchTheirPlainTwins() throws IOException {
    Path csv = table(dir);
    Path json = dir.resolve("out/iris.json");
    Files.createDirectories(json.getParent());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    IrisBenchmark.Config c = new IrisBenchmark.Config(csv, "kind", "w", 2, 2, 3, 3,
        Scaling.MIN_MAX, 2, json);
    new IrisBenchmark(c, new PrintStream(err, true, StandardCharsets.UTF_8), PARAMS)
        .run(new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("one-vs-rest: 3 classes, 2 iterations").contains("linear (w)");

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    JsonNode ovr = root.get("ovr");
    assertThat(ovr.get("classes").asInt()).isEqualTo(3);
    assertThat(ovr.get("logN").asInt()).isEqualTo(12);
    assertThat(Math.abs(ovr.get("encrypted").asDouble() - ovr.get("plain").asDouble()))
        .isLessThanOrEqualTo(0.02);
    assertThat(ovr.get("plain").asDouble()).isGreaterThan(0.6); // separable enough to mean something
    JsonNode lin = root.get("linear");
    assertThat(lin.get("iterations").asInt()).isEqualTo(3);
    assertThat(lin.get("maxRelativeError").asDouble()).isBetween(0.0, 1e-3);
    assertThat(lin.get("rmseEncrypted").asDouble())
        .isCloseTo(lin.get("rmsePlain").asDouble(), org.assertj.core.api.Assertions.within(1e-3));
    assertThat(root.get("linearTarget").asText()).isEqualTo("w");
  }

  @Test
  void aMissingTargetColumnIsNamed() throws IOException {
    Path csv = table(dir);
    IrisBenchmark.Config c = new IrisBenchmark.Config(csv, "kind", "petal_width", 2, 1, 3, 1,
        Scaling.MIN_MAX, 1, null);
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new IrisBenchmark(c, sink, PARAMS).run(sink))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no column 'petal_width'");
  }

  @Test
  void slotsCoverEveryRowInOneCiphertext() {
    assertThat(IrisBenchmark.slotsFor(120, 5)).isEqualTo(128 * 8);
    assertThat(IrisBenchmark.slotsFor(128, 4)).isEqualTo(128 * 4);
  }
}
