package dev.veil.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;

/** {@code veil bench mnist}: bad options are one-line errors with exit code 2, before any work. */
class BenchMnistCommandTest {
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
    assertThat(e).startsWith("veil bench mnist:").contains(mentions)
        .doesNotContain("Exception", "\tat ");
    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void refusesBadOptionsBeforeAnyWork() throws Exception {
    String d = dir.toString();
    assertThat(veil("bench", "mnist", "--data", dir.resolve("none").toString())).isEqualTo(2);
    assertOneLineError("--data", "is not a directory");
    err.reset();
    assertThat(veil("bench", "mnist", "--data", d, "--mode", "fast")).isEqualTo(2);
    assertOneLineError("--mode", "got 'fast'");
    err.reset();
    assertThat(veil("bench", "mnist", "--data", d, "--images", "0")).isEqualTo(2);
    assertOneLineError("--images", "at least 1");
    err.reset();
    assertThat(veil("bench", "mnist", "--data", d, "--images", "10001")).isEqualTo(2);
    assertOneLineError("--images", "at most 10000");
    err.reset();
    Path model = Files.writeString(dir.resolve("model.onnx"), "not a model");
    assertThat(veil("bench", "mnist", "--data", d, "--model", model.toString())).isEqualTo(2);
    assertOneLineError("--model", "model.onnx");
    err.reset();
    assertThat(veil("bench", "mnist", "--data", d, "--json", d)).isEqualTo(2);
    assertOneLineError("is a directory");
  }
}
