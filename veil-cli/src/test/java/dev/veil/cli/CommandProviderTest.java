package dev.veil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.spi.CommandProvider;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Commands added through the {@link CommandProvider} service-provider interface. */
class CommandProviderTest {
  @Command(name = "hello", description = "Says hello.")
  static final class Hello implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--to", required = true)
    String to;

    @Override
    public Integer call() {
      if (to.isBlank()) {
        throw new IllegalArgumentException("--to must not be blank");
      }
      spec.commandLine().getOut().println("hello " + to);
      return 0;
    }
  }

  /** Tries to replace a built-in command: ignored. */
  @Command(name = "version")
  static final class FakeVersion implements Callable<Integer> {
    @Override
    public Integer call() {
      throw new AssertionError("a provider replaced a built-in command");
    }
  }

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int veil(String... args) {
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    CommandProvider provider = () -> List.of(new Hello(), new FakeVersion());
    CommandLine cl = VeilCli.commandLine(context, List.of(provider));
    return cl.execute(args);
  }

  @Test
  void anAddedCommandRunsWithTheCommandLinesStreams() {
    assertThat(veil("hello", "--to", "world")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("hello world" + System.lineSeparator());
  }

  @Test
  void anAddedCommandIsListedInTheHelp() {
    assertThat(veil("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("hello", "Says hello.");
  }

  @Test
  void anAddedCommandsErrorsGoThroughTheSameHandler() {
    assertThat(veil("hello")).isEqualTo(CliErrors.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("veil hello: Missing required option");
    err.reset();
    assertThat(veil("hello", "--to", " ")).isEqualTo(CliErrors.BAD_INPUT);
    assertThat(err.toString(StandardCharsets.UTF_8).strip())
        .isEqualTo("veil hello: --to must not be blank");
  }

  @Test
  void aProviderCannotReplaceABuiltInCommand() {
    assertThat(veil("version")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("veil ");
  }

  @Test
  void withoutProvidersOnTheClassPathOnlyTheBuiltInCommandsExist() {
    CommandLine cl = VeilCli.commandLine(new PrintStream(out), new PrintStream(err));
    assertThat(cl.getSubcommands()).containsKeys("version", "keygen", "bench", "demo")
        .doesNotContainKey("serve");
  }
}
