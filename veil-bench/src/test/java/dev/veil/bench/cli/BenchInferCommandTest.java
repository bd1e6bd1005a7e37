package dev.veil.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.bench.InferBenchmark;
import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;
import dev.veil.he.rlwe.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code veil bench infer}: bad options are one-line errors with exit code 2 before any work, and
 * a tiny run at small INSECURE parameters (N = 2^11, the levels of the benchmark at scale 2^59)
 * writes a report with every field, each sane.
 */
class BenchInferCommandTest {
  /** N = 2^11 (1024 slots), a 61-bit first prime and 5 primes of 59 bits, security off. */
  static final Parameters TINY = tiny();

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path dir;

  private static Parameters tiny() {
    int[] logQ = new int[InferBenchmark.levelsNeeded() + 1];
    Arrays.fill(logQ, 59);
    logQ[0] = 61;
    return Parameters.builder().logN(11).logQ(logQ).logP(61).logDefaultScale(59).securityOff()
        .build();
  }

  /** Runs {@code veil ARGS} with the real command, or with the tiny parameters. */
  private int veil(Parameters test, String... args) {
    return BenchCli.execute(new BenchInferCommand(test), out, err, args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void theCommandIsUnderVeilBenchThroughTheServiceProvider() {
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(VeilCli.commandLine(context).execute("bench", "infer", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: veil bench infer",
        "--preset=NAME", "--scale-bits=S", "--rows=R", "--row-encryption=KEY", "--threads=T",
        "--warmup=W", "--rounds=N", "--json=FILE", "16384, two full batches");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
    "--rows | 0 | --rows | must be at least 1, got 0",
    "--rows | 524289 | --rows | must be at most 524288, got 524289",
    "--rows | many | --rows | many",
    "--row-encryption | both | --row-encryption | must be public or secret, got 'both'",
    "--threads | 0 | --threads | must be at least 1, got 0",
    "--warmup | -1 | --warmup | must be at least 0, got -1",
    "--rounds | 0 | --rounds | must be at least 1, got 0",
    "--rounds | 101 | --rounds | must be at most 100, got 101",
    "--preset | N99 | --preset | N99",
    "--preset | N13 | --preset | N13QP201: the parameters have 2 levels; degree-3 probabilities"
        + " (4) and the sanitiser's mask (1) need 5",
    "--scale-bits | 19 | --scale-bits | must be 20 to 60, got 19",
    "--json | . | --json | is a directory",
    "--clients | 3 | --clients | Unknown option",
  })
  void aBadOptionIsAOneLineErrorWithExitCode2(String option, String value, String named,
      String problem) {
    String v = ".".equals(value) ? dir.toString() : value;
    assertThat(veil(null, "bench", "infer", option, v)).isEqualTo(2);
    assertThat(err().lines()).hasSize(1);
    assertThat(err()).startsWith("veil bench infer:").contains(named, problem)
        .doesNotContain("Exception", "\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aPresetAndAScaleTogetherAreRefused() {
    assertThat(veil(null, "bench", "infer", "--preset", "N14", "--scale-bits", "59"))
        .isEqualTo(2);
    assertThat(err()).contains("--scale-bits", "cannot be combined with --preset");
  }

  @Test
  void floodingThatCannotFitTheFirstPrimeIsRefusedBeforeAnyWork() {
    // at N = 2^11, D = 2^19 rows: sigma = 2^(20 + 9.5 + 15), 8 sigma fits a 61-bit first prime
    // but not a 45-bit one, which holds the flooding for a single row (2^35)
    assertThat(InferBenchmark.problem(TINY, 1 << 19)).isNull();
    Parameters small = Parameters.builder().logN(11).logQ(45, 40, 40, 40, 40, 40).logP(61)
        .logDefaultScale(40).securityOff().build();
    assertThat(InferBenchmark.problem(small, 1)).isNull();
    assertThat(InferBenchmark.problem(small, 1 << 19)).contains("flooding noise",
        "does not fit the first prime");
    assertThat(veil(small, "bench", "infer", "--rows", "524288")).isEqualTo(2);
    assertThat(err()).contains("--rows", "does not fit the first prime");
  }

  @Test
  void aTinyRunReportsEveryFieldSanely() throws Exception {
    Path json = dir.resolve("reports/infer.json");
    int exit = veil(TINY, "bench", "infer", "--rows", "1500", "--threads", "2", "--warmup", "1",
        "--rounds", "3", "--row-encryption", "secret", "--json", json.toString());
    assertThat(exit).as(err()).isZero();
    JsonNode root = new ObjectMapper().readTree(json.toFile());

    assertThat(root.get("benchmark").asText()).isEqualTo("infer");
    JsonNode p = root.get("parameters");
    assertThat(p.get("name").asText()).isEqualTo("test (insecure)");
    assertThat(p.get("logN").asInt()).isEqualTo(11);
    assertThat(p.get("slots").asInt()).isEqualTo(1024);
    assertThat(p.get("levels").asInt()).isEqualTo(5);
    assertThat(p.get("logQP").asDouble()).isBetween(410.0, 420.0);
    assertThat(p.get("logScale").asDouble()).isEqualTo(59);
    assertThat(p.get("firstPrimeBits").asDouble()).isBetween(60.0, 61.0);
    assertThat(p.get("dnum").asInt()).isPositive();
    assertThat(p.get("secure").asBoolean()).isFalse();
    assertThat(root.get("rows").asInt()).isEqualTo(1500);
    assertThat(root.get("features").asInt()).isEqualTo(18);
    assertThat(root.get("batches").asInt()).isEqualTo(2);
    assertThat(root.get("rowEncryption").asText()).isEqualTo("secret");
    assertThat(root.get("threads").asInt()).isEqualTo(2);
    assertThat(root.get("warmupRounds").asInt()).isEqualTo(1);
    assertThat(root.get("rounds").asInt()).isEqualTo(3);

    double sum = 0;
    for (String s : InferBenchmark.STAGES) {
      JsonNode t = root.get("stages").get(s);
      assertTiming(s, t);
      if (InferBenchmark.END_TO_END.contains(s)) {
        sum += t.get("roundSeconds").get(0).asDouble();
      }
    }
    JsonNode e2e = root.get("endToEnd");
    assertTiming("endToEnd", e2e);
    assertThat(e2e.get("roundSeconds").get(0).asDouble()).isCloseTo(sum,
        org.assertj.core.data.Offset.offset(1e-5));
    assertThat(e2e.get("includes")).extracting(JsonNode::asText)
        .containsExactly("encrypt", "probabilities", "sanitize", "decrypt");
    assertThat(e2e.get("rowsPerSecond").asDouble()).isLessThan(
        root.get("stages").get("probabilities").get("rowsPerSecond").asDouble());
    assertThat(root.get("keygenSeconds").asDouble()).isPositive();

    JsonNode f = root.get("flooding");
    assertThat(f.get("securityBits").asInt()).isEqualTo(40);
    // the traced bound of degree-3 probabilities, rounded up to a whole bit
    double bound = f.get("noiseBoundBits").asDouble();
    assertThat(bound).isEqualTo(Math.rint(bound)).isBetween(5.0, 30.0);
    assertThat(f.get("maxResults").asLong()).isEqualTo(1500);
    double log2Sigma = 0.5 * Math.log(12 * 1500) / Math.log(2) + 20 + bound;
    assertThat(f.get("log2Sigma").asDouble()).isCloseTo(log2Sigma,
        org.assertj.core.data.Offset.offset(1e-3));
    double expected = f.get("expectedPrecisionBits").asDouble();
    assertThat(expected).isCloseTo(59 - log2Sigma - 5.5,
        org.assertj.core.data.Offset.offset(1e-3));
    assertThat(f.get("serverMinimumPrecisionBits").asDouble()).isEqualTo(6);
    assertThat(f.get("serverWouldAccept").asBoolean()).isTrue();

    JsonNode q = root.get("precision");
    assertThat(q.get("scoresMeanBits").asDouble()).isGreaterThan(30);
    assertThat(q.get("probabilitiesMeanBits").asDouble()).isGreaterThan(25);
    assertThat(q.get("sanitizedMeanBits").asDouble()).isBetween(expected - 1, expected + 4);
    assertThat(q.get("sanitizedMaxError").asDouble()).isPositive()
        .isLessThan(Math.pow(2, 3 - expected));

    JsonNode m = root.get("machine");
    assertThat(m.get("javaVersion").asText()).isEqualTo(System.getProperty("java.version"));
    assertThat(m.get("availableProcessors").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(m.get("cpu").asText()).isNotBlank();
    assertThat(m.get("vm").asText()).isNotBlank();
    assertThat(m.get("os").asText()).isNotBlank();
    assertThat(m.get("heapMaxBytes").asLong()).isPositive();
    assertThat(m.get("startedAt").asText()).isNotBlank();
    assertThat(m.get("jvmArgs").isArray()).isTrue();
    for (String when : List.of("start", "end")) {
      JsonNode load = root.get("loadAverage").get(when);
      assertThat(load).hasSize(3);
      assertThat(load.get(0).asDouble()).isGreaterThanOrEqualTo(0);
    }
    assertThat(root.get("seconds").asDouble()).isGreaterThanOrEqualTo(
        root.get("keygenSeconds").asDouble());

    String table = out.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("1,500 rows x 18 features (2 batches)", "INSECURE",
        "| encrypt |", "| sanitize |", "| end to end (encrypt + probabilities + sanitize +"
            + " decrypt) |", "would accept it");
    assertThat(err()).contains("report written to " + json.toAbsolutePath());
    assertThat(Files.list(json.getParent())).containsExactly(json);
  }

  private static void assertTiming(String what, JsonNode t) {
    JsonNode rounds = t.get("roundSeconds");
    assertThat(rounds).as(what).hasSize(3);
    double[] r = new double[3];
    for (int i = 0; i < 3; i++) {
      r[i] = rounds.get(i).asDouble();
      assertThat(r[i]).as(what).isPositive();
    }
    Arrays.sort(r);
    assertThat(t.get("medianSeconds").asDouble()).as(what).isEqualTo(r[1]);
    assertThat(t.get("minSeconds").asDouble()).as(what).isEqualTo(r[0]);
    assertThat(t.get("rowsPerSecond").asDouble()).as(what)
        .isCloseTo(1500 / r[1], org.assertj.core.data.Percentage.withPercentage(0.01));
  }
}
