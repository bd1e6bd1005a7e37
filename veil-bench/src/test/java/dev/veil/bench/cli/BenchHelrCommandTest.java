package dev.veil.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.veil.bench.HelrBenchmark;
import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;
import dev.veil.ml.data.Scaling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil bench helr}: option checks (one-line errors, exit 2) with a fake benchmark. */
class BenchHelrCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<HelrBenchmark.Config> calls = new ArrayList<>();
  private BenchHelrCommand.Runner saved;

  @TempDir Path dir;
  Path data;

  @BeforeEach
  void fakeBenchmark() throws Exception {
    saved = BenchHelrCommand.runner;
    BenchHelrCommand.runner = (config, o, e) -> {
      calls.add(config);
      return 0;
    };
    data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("a.csv"), "x,y\n1,0\n2,1\n");
  }

  @AfterEach
  void restore() {
    BenchHelrCommand.runner = saved;
  }

  private int veil(String... args) {
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return VeilCli.commandLine(context).execute(args);
  }

  private void assertOneLineError(String... mentions) {
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e.lines()).hasSize(1);
    assertThat(e).startsWith("veil bench helr:").contains(mentions)
        .doesNotContain("Exception", "\tat ");
    assertThat(calls).isEmpty();
  }

  @Test
  void defaultsAreFiveFoldsSevenIterationsDegreeThreeAllProcessorsMaxAbs() {
    assertThat(veil("bench", "helr", "--data", data.toString())).isZero();
    assertThat(calls).hasSize(1);
    HelrBenchmark.Config c = calls.get(0);
    assertThat(c.data()).isEqualTo(data);
    assertThat(c.folds()).isEqualTo(5);
    assertThat(c.iterations()).isEqualTo(7);
    assertThat(c.degree()).isEqualTo(3);
    assertThat(c.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(c.scaling()).isEqualTo(Scaling.WHITEN);
    assertThat(c.json()).isNull();
  }

  @Test
  void passesTheOptions() {
    Path json = dir.resolve("new/helr.json");
    assertThat(veil("bench", "helr", "--data", data.toString(), "--folds", "3", "--iterations",
        "4", "--degree", "5", "--threads", "1", "--scaling", "min-max", "--json",
        json.toString())).isZero();
    HelrBenchmark.Config c = calls.get(0);
    assertThat(c.folds()).isEqualTo(3);
    assertThat(c.iterations()).isEqualTo(4);
    assertThat(c.degree()).isEqualTo(5);
    assertThat(c.threads()).isEqualTo(1);
    assertThat(c.scaling()).isEqualTo(Scaling.MIN_MAX);
    assertThat(c.json()).isEqualTo(json.toAbsolutePath().normalize());
    assertThat(Files.isDirectory(json.getParent())).isTrue();
  }

  @Test
  void helpDocumentsTheOptions() {
    assertThat(veil("bench", "helr", "--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--data", "--folds", "--iterations",
        "--degree", "--threads", "--json", "--scaling");
  }

  @Test
  void requiresData() {
    assertThat(veil("bench", "helr")).isEqualTo(2);
    assertOneLineError("--data");
  }

  @Test
  void rejectsAMissingDirectory() {
    assertThat(veil("bench", "helr", "--data", dir.resolve("nope").toString())).isEqualTo(2);
    assertOneLineError("--data", "not a directory");
  }

  @Test
  void rejectsADirectoryWithoutCsvFiles() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("readme.txt"), "x");
    assertThat(veil("bench", "helr", "--data", empty.toString())).isEqualTo(2);
    assertOneLineError("--data", "no .csv files");
  }

  @Test
  void rejectsOneFold() {
    assertThat(veil("bench", "helr", "--data", data.toString(), "--folds", "1")).isEqualTo(2);
    assertOneLineError("--folds", "at least 2", "got 1");
  }

  @Test
  void rejectsZeroIterations() {
    assertThat(veil("bench", "helr", "--data", data.toString(), "--iterations", "0"))
        .isEqualTo(2);
    assertOneLineError("--iterations", "at least 1", "got 0");
  }

  @Test
  void rejectsAnUnsupportedDegree() {
    assertThat(veil("bench", "helr", "--data", data.toString(), "--degree", "4")).isEqualTo(2);
    assertOneLineError("--degree", "3, 5, 7", "got 4");
  }

  @Test
  void rejectsZeroThreadsAndAnUnknownScaling() {
    assertThat(veil("bench", "helr", "--data", data.toString(), "--threads", "0")).isEqualTo(2);
    assertOneLineError("--threads", "at least 1");
    err.reset();
    assertThat(veil("bench", "helr", "--data", data.toString(), "--scaling", "log"))
        .isEqualTo(2);
    assertOneLineError("--scaling", "log");
  }

  @Test
  void rejectsAJsonPathThatIsADirectory() {
    assertThat(veil("bench", "helr", "--data", data.toString(), "--json", dir.toString()))
        .isEqualTo(2);
    assertOneLineError("--json", "is a directory");
  }

  @Test
  void rejectsANonNumericFoldCount() {
    assertThat(veil("bench", "helr", "--data", data.toString(), "--folds", "five"))
        .isEqualTo(2);
    assertOneLineError("--folds", "five");
  }
}
