package dev.veil.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.veil.he.ckks.Presets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil bench ckks} through picocli's {@code execute}, with captured streams and a fake benchmark. */
class BenchCkksCommandTest {
  private record BenchCall(List<Presets> presets, int threads, Path json) {}

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<BenchCall> benchCalls = new ArrayList<>();
  private BenchCkksCommand.Runner benchmark =
      (presets, threads, json, stream) -> {
        benchCalls.add(new BenchCall(presets, threads, json));
        return 0;
      };

  private int veil(String... args) {
    BenchCkksCommand.Runner runner =
        (presets, threads, json, stream) -> benchmark.run(presets, threads, json, stream);
    return BenchCli.execute(new BenchCkksCommand(runner), out, err, args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** One line on standard error that names the command, and no stack trace. */
  private void assertOneLineError(String... mentions) {
    assertThat(err().lines()).hasSize(1);
    assertThat(err()).startsWith("veil").contains(mentions).doesNotContain("Exception", "\tat ");
  }

  @Test
  void benchAloneNamesItsMembers() {
    assertThat(veil("bench")).isEqualTo(2);
    assertOneLineError("veil bench:", "missing subcommand", "ckks");
  }

  @Test
  void benchCkksHelpDocumentsTheOptionsAndTheDefaultThreads() {
    assertThat(veil("bench", "ckks", "--help")).isZero();
    assertThat(out())
        .contains("--preset=NAME", "--threads=T", "--json=FILE", "default: 1", "N16QP1603");
  }

  @Test
  void benchCkksRejectsZeroThreadsWithExitCode2() {
    assertThat(veil("bench", "ckks", "--threads", "0")).isEqualTo(2);
    assertOneLineError("veil bench ckks:", "--threads", "at least 1", "got 0");
    assertThat(benchCalls).isEmpty();
  }

  @Test
  void benchCkksRejectsAThreadCountThatIsNotANumber() {
    assertThat(veil("bench", "ckks", "--threads", "many")).isEqualTo(2);
    assertOneLineError("--threads", "many");
  }

  @Test
  void benchCkksRejectsAnUnknownPresetNamingItAndTheKnownOnes() {
    assertThat(veil("bench", "ckks", "--preset", "N99")).isEqualTo(2);
    assertOneLineError("--preset", "N99", "N13QP201");
    assertThat(benchCalls).isEmpty();
  }

  @Test
  void benchCkksRejectsAJsonPathUnderARegularFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("file"), "x");
    assertThat(veil("bench", "ckks", "--json", file.resolve("report.json").toString()))
        .isEqualTo(2);
    assertOneLineError("--json", file.toString());
    assertThat(benchCalls).isEmpty();
  }

  @Test
  void benchCkksRejectsAJsonPathThatIsADirectory(@TempDir Path dir) {
    assertThat(veil("bench", "ckks", "--json", dir.toString())).isEqualTo(2);
    assertOneLineError("--json", "is a directory");
  }

  @Test
  void benchCkksRunsN13N14AndN15OnOneThreadByDefault() {
    assertThat(veil("bench", "ckks")).isZero();
    assertThat(benchCalls)
        .containsExactly(
            new BenchCall(
                List.of(Presets.N13QP201, Presets.N14QP401, Presets.N15QP881), 1, null));
  }

  @Test
  void benchCkksTakesRepeatedOrCommaSeparatedPrefixesOnce(@TempDir Path dir) {
    Path json = dir.resolve("new/sub/ckks.json");
    assertThat(
            veil(
                "bench", "ckks", "--preset", "n16", "--preset", "N13QP201,N16", "--threads", "4",
                "--json", json.toString()))
        .isZero();
    assertThat(benchCalls)
        .containsExactly(new BenchCall(List.of(Presets.N16QP1603, Presets.N13QP201), 4, json));
    assertThat(json.getParent()).isDirectory();
  }

  @Test
  void benchCkksExitsWithTheBenchmarksExitCode() {
    benchmark = (presets, threads, json, stream) -> 3;
    assertThat(veil("bench", "ckks", "--preset", "N13")).isEqualTo(3);
  }

  @Test
  void anIllegalArgumentFromTheBenchmarkIsAOneLineErrorWithExitCode2() {
    benchmark =
        (presets, threads, json, stream) -> {
          throw new IllegalArgumentException("scale too large\nfor the modulus");
        };
    assertThat(veil("bench", "ckks", "--preset", "N13")).isEqualTo(2);
    assertOneLineError("veil bench ckks: scale too large for the modulus");
  }

  @Test
  void anIoErrorFromTheBenchmarkIsAOneLineErrorWithExitCode1() {
    benchmark =
        (presets, threads, json, stream) -> {
          throw new UncheckedIOException(new AccessDeniedException("/x/report.json"));
        };
    assertThat(veil("bench", "ckks", "--preset", "N13")).isEqualTo(1);
    assertOneLineError("I/O error", "permission denied", "/x/report.json");
  }
}
