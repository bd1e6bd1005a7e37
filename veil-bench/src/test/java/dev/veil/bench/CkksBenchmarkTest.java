package dev.veil.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.veil.he.rlwe.Parameters;

/** The harness end to end on a tiny insecure parameter set, with minimal repetitions. */
class CkksBenchmarkTest {
  @TempDir static Path dir;
  static int exit;
  static String table;
  static JsonNode report;

  static Parameters tiny() {
    return Parameters.builder().logN(11).logQ(60, 40, 40).logP(61).securityOff().build();
  }

  @BeforeAll
  static void runOnce() throws Exception {
    Path json = dir.resolve("sub/report.json");
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      exit = CkksBenchmark.run(List.of(new CkksBenchmark.Case("tiny", tiny())), 1, json, out,
          Harness.Budget.quick(3));
    }
    table = buffer.toString(StandardCharsets.UTF_8);
    System.out.print(table);
    report = new ObjectMapper().readTree(json.toFile());
  }

  @Test
  void succeeds() {
    assertThat(exit).as(table).isZero();
  }

  @Test
  void reportHasEveryRequiredFieldWithPositiveNumbers() {
    JsonNode presets = report.get("presets");
    assertThat(presets.isArray()).isTrue();
    assertThat(presets).hasSize(1);
    JsonNode p = presets.get(0);
    assertThat(p.get("name").asText()).isEqualTo("tiny");
    assertThat(p.get("logN").asInt()).isEqualTo(11);
    assertThat(p.get("levels").asInt()).isEqualTo(2);
    assertThat(p.get("logQP").asDouble()).isBetween(199.0, 203.0);
    assertThat(p.get("threads").asInt()).isEqualTo(1);
    assertExactlyPositive(p.get("ops"), CkksBenchmark.OPS);
    assertExactlyPositive(p.get("precisionBits"), CkksBenchmark.PRECISION);
    assertExactlyPositive(p.get("bytes"), CkksBenchmark.BYTES);
    assertThat(CkksBenchmark.OPS).containsExactly(
        "ntt", "encode", "encryptPk", "encryptSk", "add", "mulPlain", "mul", "relin",
        "mulRelin", "rescale", "rotate", "hoisted8", "conjugate", "decryptDecode",
        "keygenRelin", "keygenGalois");
    assertThat(CkksBenchmark.BYTES).containsExactly(
        "ciphertext", "ciphertextSeeded", "publicKey", "relinKey", "galoisKey");
    assertThat(CkksBenchmark.PRECISION).containsExactly("mulRelinRescale", "rotate");
  }

  @Test
  void numbersAreSensible() {
    JsonNode p = report.get("presets").get(0);
    JsonNode bits = p.get("precisionBits");
    assertThat(bits.get("mulRelinRescale").asDouble()).isBetween(15.0, 60.0);
    assertThat(bits.get("rotate").asDouble()).isBetween(15.0, 60.0);
    JsonNode bytes = p.get("bytes");
    int n = 1 << 11;
    // a full ciphertext holds 2 x (60 + 40 + 40) bits per coefficient, the seeded one half that
    assertThat(bytes.get("ciphertext").asLong()).isBetween(2L * n * 140 / 8, 2L * n * 140 / 8 + 200);
    assertThat(bytes.get("ciphertextSeeded").asLong())
        .isLessThan(bytes.get("ciphertext").asLong() * 6 / 10);
    JsonNode full = p.get("bytesFull");
    for (String k : CkksBenchmark.BYTES_FULL) {
      assertThat(full.get(k).asLong()).as(k).isGreaterThan(bytes.get(k).asLong());
    }
    assertThat(bytes.get("relinKey").asLong()).isEqualTo(bytes.get("galoisKey").asLong());
    JsonNode ops = p.get("ops");
    assertThat(ops.get("hoisted8").asDouble()).isGreaterThan(ops.get("add").asDouble());
    assertThat(p.get("opsRounds").get("ntt").asInt()).isEqualTo(3);
    assertThat(p.get("minBits").get("hoisted8").asDouble()).isGreaterThan(10);
    assertThat(p.get("opsAllocatedBytes").get("relin").asLong()).isPositive();
    assertThat(p.get("peakHeapBytes").asLong()).isPositive();
    assertThat(report.get("heapMaxBytes").asLong()).isPositive();
    assertThat(report.get("javaVersion").asText()).isNotEmpty();
    assertThat(report.has("failures")).isFalse();
  }

  @Test
  void printsALinePerOperation() {
    for (String op : CkksBenchmark.OPS) {
      assertThat(table).containsPattern("(?m)^  " + op + " +[0-9]");
    }
    assertThat(table).contains("tiny", "precision mulRelinRescale", "bytes ciphertextSeeded")
        .doesNotContain("WARNING", "FAILED");
  }

  private static void assertExactlyPositive(JsonNode node, List<String> names) {
    assertThat(node).as("object with %s", names).isNotNull();
    List<String> fields = new ArrayList<>();
    node.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyElementsOf(names);
    for (String k : names) {
      assertThat(node.get(k).isNumber()).as(k).isTrue();
      assertThat(node.get(k).asDouble()).as(k).isPositive();
    }
  }
}
