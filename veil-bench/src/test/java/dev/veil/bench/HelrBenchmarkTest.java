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
 * {@code veil bench helr} on a tiny synthetic CSV: 2 folds, 2 iterations, at N = 2^12 with ten
 * 40-bit levels ({@code securityOff()}: test-only, far from 128-bit secure, chosen for speed on
 * two shared cores). Checks the JSON contract and that the encrypted model matches the plain one.
 */
class HelrBenchmarkTest {
  static final Parameters SMALL = Parameters.builder().logN(12)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();

  @TempDir Path dir;

  /** 160 rows, 3 features on different ranges, label from a noisy linear score. */
  static String syntheticCsv(long seed) {
    Random r = new Random(seed);
    StringBuilder sb = new StringBuilder("a,b,c,y\n");
    for (int i = 0; i < 160; i++) {
      double a = 20 + 40 * r.nextDouble();
      double b = r.nextInt(2);
      double c = 5 * r.nextGaussian();
      double s = 0.08 * (a - 40) + 1.2 * b - 0.3 * c - 0.6 + 0.7 * r.nextGaussian();
      sb.append(String.format(Locale.ROOT, "%.3f,%.0f,%.3f,%d%n", a, b, c, s > 0 ? 1 : 0));
    }
    return sb.toString();
  }

  @Test
  void writesTheContractedJsonAndTheTable() throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("toy.csv"), syntheticCsv(3));
    Files.writeString(data.resolve("notes.txt"), "not a data set");
    Path json = dir.resolve("out/helr.json");
    HelrBenchmark.Config config =
        new HelrBenchmark.Config(data, 2, 2, 3, 2, Scaling.MAX_ABS, json);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = HelrBenchmark.run(config, SMALL, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    String table = out.toString(StandardCharsets.UTF_8);
    String progress = err.toString(StandardCharsets.UTF_8);
    System.out.print(table);
    assertThat(code).isZero();
    assertThat(table.lines()).hasSize(2);
    assertThat(table).contains("data set", "toy");
    assertThat(progress).contains("fold 2/2: iteration 2/2", "no refresh");

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("secureParameters").asBoolean()).isFalse();
    JsonNode sets = root.get("datasets");
    assertThat(sets.isArray()).isTrue();
    assertThat(sets).hasSize(1);
    JsonNode d = sets.get(0);
    assertThat(d.get("name").asText()).isEqualTo("toy");
    assertThat(d.get("rows").asInt()).isEqualTo(160);
    assertThat(d.get("features").asInt()).isEqualTo(3);
    assertThat(d.get("iterations").asInt()).isEqualTo(2);
    assertThat(d.get("trainSeconds").isNumber()).isTrue();
    assertThat(d.get("trainSeconds").asDouble()).isPositive();
    for (String model : new String[] {"encrypted", "plain", "exact"}) {
      JsonNode m = d.get(model);
      assertThat(m).as(model).isNotNull();
      assertThat(m.get("accuracy").asDouble()).as(model).isBetween(0.5, 1.0);
      assertThat(m.get("auc").asDouble()).as(model).isBetween(0.5, 1.0);
      assertThat(m.get("logLoss").asDouble()).as(model).isPositive();
    }
    assertThat(d.get("maxInnerProduct").asDouble())
        .isLessThanOrEqualTo(d.get("sigmoidBound").asDouble());
    assertThat(Math.abs(d.get("encrypted").get("auc").asDouble()
        - d.get("plain").get("auc").asDouble())).isLessThan(0.01);
    assertThat(d.get("maxWeightErrorVsPlain").asDouble()).isLessThan(1e-3);
    assertThat(d.get("refreshes").asInt()).isZero();
    assertThat(d.get("foldTrainSeconds")).hasSize(2);
    // memory: the peak within the heap, the live peak below it, the planner's estimate present
    long maxHeap = root.get("maxHeapMiB").asLong();
    assertThat(d.get("peakHeapMiB").asLong()).isPositive().isLessThanOrEqualTo(maxHeap);
    assertThat(d.get("peakLiveHeapMiB").asLong())
        .isLessThanOrEqualTo(d.get("peakHeapMiB").asLong());
    assertThat(d.get("plannedHeapMiB").asLong()).isPositive();
    assertThat(d.get("compactKeys").isBoolean()).isTrue();
  }

  @Test
  void refusesBadConfigurations() {
    assertThatThrownBy(() -> new HelrBenchmark.Config(dir, 1, 7, 3, 1, Scaling.MAX_ABS, null))
        .hasMessageContaining("folds");
    assertThatThrownBy(() -> new HelrBenchmark.Config(dir, 5, 0, 3, 1, Scaling.MAX_ABS, null))
        .hasMessageContaining("iterations");
    assertThatThrownBy(() -> new HelrBenchmark.Config(dir, 5, 7, 4, 1, Scaling.MAX_ABS, null))
        .hasMessageContaining("degree");
    assertThatThrownBy(() -> HelrBenchmark.run(HelrBenchmark.Config.defaults(dir), SMALL,
        System.out, System.err)).hasMessageContaining("no .csv files");
  }
}
