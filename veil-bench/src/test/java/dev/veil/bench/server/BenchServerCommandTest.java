package dev.veil.bench.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.cli.VeilCli;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.server.account.PasswordHasher;
import dev.veil.server.inference.InferenceSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * {@code veil bench server} with small INSECURE parameters (N = 2^11, securityOff: uploads of
 * parts of 41 KB, inference on 1024-row batches), so that a whole run takes seconds: the JSON
 * report has every field of the contract, and bad options are refused before anything starts.
 */
class BenchServerCommandTest {
  /** The levels of feature-major probabilities and the sanitiser at scale 2^59, at N = 2^11. */
  static final ServerBenchmark.Profile TINY = new ServerBenchmark.Profile("N11 (test)",
      Parameters.builder().logN(11).logQ(50, 40).logP(51).logDefaultScale(40).securityOff()
          .build(),
      inferenceParameters(), true, new PasswordHasher.Params(1024, 1, 1));

  @TempDir Path dir;

  private static Parameters inferenceParameters() {
    int levels = FeatureMajorInference.levelsNeeded(InferenceSettings.defaults().sigmoid()) + 1;
    int[] logQ = new int[levels + 1];
    java.util.Arrays.fill(logQ, 59);
    logQ[0] = 61;
    return Parameters.builder().logN(11).logQ(logQ).logP(61).logDefaultScale(59).securityOff()
        .build();
  }

  /** A run's exit code and what it wrote. */
  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = new CommandLine(new BenchServerCommand(TINY))
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void veilBenchHasAServerCommandThroughTheServiceProvider() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CommandLine cl = VeilCli.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(cl.getSubcommands().get("bench").getSubcommands()).containsKey("server");
    assertThat(cl.execute("bench", "server", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: veil bench server",
        "--upload-mb", "--buyers", "--requests", "--json");
    assertThat(cl.execute("bench", "server", "--upload-mb", "0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--upload-mb")
        .contains("must be at least 1, got 0");
  }

  @Test
  void aSmallRunReportsEveryFieldOfTheContract() throws Exception {
    Path json = dir.resolve("reports/server.json");
    Result r = run("--upload-mb", "1", "--large-upload-mb", "2", "--buyers", "2", "--requests",
        "2", "--repeat", "1", "--warmup-seconds", "0", "--json", json.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode root = new ObjectMapper().readTree(json.toFile());

    JsonNode upload = root.get("upload");
    assertThat(upload.get("mbPerSecond1").asDouble()).isPositive();
    assertThat(upload.get("mbPerSecond8").asDouble()).isPositive();
    assertThat(upload.get("partBytes").asLong()).isPositive();
    JsonNode memory = upload.get("memory");
    assertThat(memory.get("largeMegabytes").asDouble())
        .isGreaterThan(memory.get("megabytes").asDouble());
    assertThat(memory.get("peakHeapLiveMiB").asLong()).isPositive();
    assertThat(memory.get("largePeakHeapLiveMiB").asLong()).isPositive();
    assertThat(memory.has("flat")).isTrue();

    JsonNode inference = root.get("inference");
    double rows = inference.get("rowsPerSecond").asDouble();
    double local = inference.get("inProcessRowsPerSecond").asDouble();
    assertThat(inference.get("requestsPerSecond").asDouble()).isPositive();
    assertThat(rows).isPositive();
    assertThat(local).isPositive();
    assertThat(inference.get("ratio").asDouble()).isCloseTo(rows / local,
        org.assertj.core.data.Offset.offset(0.002));
    assertThat(inference.get("rowsPerRequest").asInt()).isEqualTo(1024);
    assertThat(inference.get("features").asInt()).isEqualTo(18);
    assertThat(inference.get("buyers").asInt()).isEqualTo(2);
    assertThat(inference.get("processorMsPerRequestByThreads").has("job workers")).isTrue();
    // the decrypted probabilities are the polynomial sigmoid of the plain scores
    assertThat(inference.get("maxError").asDouble()).isLessThan(0.05);
    // the worker path: the same requests served by remote workers over loopback
    JsonNode worker = inference.get("worker");
    double byWorkers = worker.get("rowsPerSecond").asDouble();
    assertThat(byWorkers).isPositive();
    assertThat(worker.get("ratio").asDouble()).isCloseTo(byWorkers / local,
        org.assertj.core.data.Offset.offset(0.002));
    assertThat(worker.get("maxError").asDouble()).isLessThan(0.05);
    assertThat(worker.get("workers").asInt()).isPositive();
    assertThat(root.get("machine").get("availableProcessors").asInt()).isPositive();

    assertThat(r.out()).contains("| clients | MB/s |", "| requests/s | rows/s |",
        "worker path (");
    assertThat(r.err()).contains("wrote " + json.toAbsolutePath());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "--upload-mb, 0, must be at least 1, got 0",
    "--large-upload-mb, -1, must be at least 0, got -1",
    "--buyers, 0, must be at least 1, got 0",
    "--buyers, 65, must be at most 64, got 65",
    "--requests, 0, must be at least 1, got 0",
    "--repeat, 0, must be at least 1, got 0",
    "--warmup-seconds, -1, must be at least 0, got -1",
    "--rows, 0, 'must be 1 to 1024 (the slots of the inference parameters), got 0'",
    "--rows, 1025, 'must be 1 to 1024 (the slots of the inference parameters), got 1025'",
    "--row-encryption, both, 'must be secret or public, got ''both'''",
  })
  void aBadOptionIsRefusedWithExitCode2BeforeAnythingStarts(String option, String value,
      String problem) {
    Result r = run(option, value);
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Invalid value for option '" + option + "': " + problem);
    assertThat(r.err()).doesNotContain("veil bench server: the server");
  }

  @Test
  void aJsonPathThatIsADirectoryOrAnUnknownOptionIsBadInput() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Result r = run("--json", dir.resolve("out").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--json", "is a directory");
    Result unknown = run("--clients", "3");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("--clients");
    Result notANumber = run("--buyers", "many");
    assertThat(notANumber.exit()).isEqualTo(2);
    assertThat(notANumber.err()).contains("--buyers", "many");
  }
}
