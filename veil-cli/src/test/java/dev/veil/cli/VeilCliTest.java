package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.VeilVersion;
import org.junit.jupiter.api.Test;

/** The command line through picocli's {@code execute}, with captured streams and no providers. */
class VeilCliTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int veil(String... args) {
    CliContext context =
        new CliContext(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return VeilCli.commandLine(context, List.of()).execute(args);
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
  void versionPrintsTheVeilVersionTheJavaRuntimeAndTheProcessors() {
    assertThat(veil("version")).isZero();

    String expected = System.getProperty("veil.expectedVersion"); // set by Surefire
    if (expected != null) {
      assertThat(out()).startsWith("veil " + expected + System.lineSeparator());
    }
    assertThat(out())
        .containsPattern("^veil \\d+\\.\\d+\\.\\d+")
        .doesNotContain("${", "unknown")
        .contains("java " + Runtime.version())
        .contains("processors " + Runtime.getRuntime().availableProcessors());
    assertThat(err()).isEmpty();
  }

  @Test
  void dashDashVersionPrintsTheSameLines() {
    assertThat(veil("--version")).isZero();
    assertThat(out().lines()).containsExactlyElementsOf(VeilVersion.lines());
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(veil("--help")).isZero();
    assertThat(out()).contains("Usage: veil", "version", "bench", "help", "VEIL_JAVA_OPTS");
  }

  @Test
  void theCommandsOnOneIdSayWhereTheIdComesFrom() {
    for (String[] cmd : new String[][] {{"keys", "delete"}, {"inputs", "delete"},
        {"tokens", "revoke"}}) {
      out.reset();
      assertThat(veil(cmd[0], cmd[1], "--help")).isZero();
      assertThat(out()).contains("Usage: veil " + cmd[0] + " " + cmd[1])
          .contains("Its id, from veil " + cmd[0] + " list.").doesNotContain("${");
    }
  }


  @Test
  void anUnknownSubcommandFailsWithASuggestion() {
    assertThat(veil("bnech")).isEqualTo(2);
    assertOneLineError("veil:", "bnech", "bench");
  }

  @Test
  void aGroupWithoutItsSubcommandIsAUsageError() {
    assertThat(veil()).isEqualTo(2);
    assertOneLineError("veil:", "missing subcommand", "bench");

    err.reset();
    assertThat(veil("bench")).isEqualTo(2);
    assertOneLineError("veil bench:", "missing subcommand");
  }
}
