package dev.veil.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;

/**
 * Runs {@code veil} commands through picocli's {@code execute} with captured streams, and the
 * assertions the workflow tests share (as in {@link WorkflowCliTest}).
 */
final class CliHarness {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs one command; the streams hold its output only. */
  int veil(String... args) {
    out.reset();
    err.reset();
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return VeilCli.commandLine(context).execute(args);
  }

  /** Runs a command that must succeed; returns its standard output. */
  String ok(String... args) {
    int rc = veil(args);
    assertThat(rc).as(String.join(" ", args) + "\n" + err()).isZero();
    return out();
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  /** Exit code 2 and one line on standard error naming the problem, no stack trace. */
  void assertBadInput(int rc, String... mentions) {
    assertThat(rc).as(err()).isEqualTo(2);
    assertThat(err().lines().filter(l -> !l.isBlank())).as(err()).hasSize(1);
    assertThat(err()).startsWith("veil ").contains(mentions)
        .doesNotContain("Exception", "\tat ");
  }

  /** Only the named entries in {@code d}: no temporary or half-written files. */
  static void assertOnly(Path d, String... names) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(names);
    }
  }

  /** A CSV's data lines split into fields (no quoted commas in these tests). */
  static List<String[]> rows(Path csv) throws IOException {
    List<String> lines = Files.readAllLines(csv);
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",")).toList();
  }

  static String header(Path csv) throws IOException {
    return Files.readAllLines(csv).get(0);
  }
}
