package dev.veil.bench.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.veil.cli.VeilCli;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.spi.CommandProvider;

/**
 * The {@code veil} command line of the tests: one bench command (built with a test hook) under
 * {@code veil bench}, its output captured.
 */
final class BenchCli {
  private BenchCli() {}

  /** Runs {@code veil ARGS} with {@code benchCommand} as the only {@code veil bench} member. */
  static int execute(Object benchCommand, ByteArrayOutputStream out, ByteArrayOutputStream err,
      String... args) {
    CliContext context = new CliContext(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    CommandProvider provider = new CommandProvider() {
      @Override
      public List<Object> commands() {
        return List.of();
      }

      @Override
      public List<Object> benchCommands() {
        return List.of(benchCommand);
      }
    };
    return VeilCli.commandLine(context, List.of(provider)).execute(args);
  }
}
