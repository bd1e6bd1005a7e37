package dev.veil.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil bench iris}: bad options are one-line errors with exit code 2, before any work. */
class BenchIrisCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @TempDir Path dir;

  private int veil(String... args) {
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return VeilCli.commandLine(context).execute(args);
  }

  private void assertOneLineError(String... mentions) {
    String e = err.toString(StandardCharsets.UTF_8);
    assertThat(e.lines()).hasSize(1);
    assertThat(e).startsWith("veil bench iris:").contains(mentions)
        .doesNotContain("Exception", "\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void refusesBadOptionsBeforeAnyWork() throws Exception {
    Path csv = Files.writeString(dir.resolve("iris.csv"), "a,species\n1,x\n");
    assertThat(veil("bench", "iris", "--data", dir.resolve("none.csv").toString())).isEqualTo(2);
    assertOneLineError("--data", "is not a file");
    err.reset();
    assertThat(veil("bench", "iris", "--data", csv.toString(), "--degree", "4")).isEqualTo(2);
    assertOneLineError("--degree", "got 4");
    err.reset();
    assertThat(veil("bench", "iris", "--data", csv.toString(), "--folds", "1")).isEqualTo(2);
    assertOneLineError("--folds", "at least 2");
    err.reset();
    assertThat(veil("bench", "iris", "--data", csv.toString(), "--linear-iterations", "0"))
        .isEqualTo(2);
    assertOneLineError("--linear-iterations", "at least 1");
    err.reset();
    assertThat(veil("bench", "iris", "--data", csv.toString(), "--scaling", "log")).isEqualTo(2);
    assertOneLineError("--scaling", "unknown scaling 'log'");
    err.reset();
    assertThat(veil("bench", "iris", "--data", csv.toString(), "--json", dir.toString()))
        .isEqualTo(2);
    assertOneLineError("is a directory");
  }

  @Test
  void aTableWithTooFewClassesIsABadInputError() throws Exception {
    Path csv = Files.writeString(dir.resolve("two.csv"), "a,species\n1,x\n2,y\n3,x\n4,y\n");
    assertThat(veil("bench", "iris", "--data", csv.toString(), "--folds", "2")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("2 classes")
        .contains("at least 3");
  }
}
