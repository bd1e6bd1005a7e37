package dev.veil.cli.spi;

import java.util.List;

/**
 * Adds top-level commands to {@code veil} from a module that sits above the command line (the
 * server's {@code veil serve}), without the command line depending on it. Implementations are found
 * with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/dev.veil.cli.spi.CommandProvider}.
 *
 * <p>Each command is a new object annotated with picocli's {@code @Command} (and implementing {@code
 * Callable<Integer>} or {@code Runnable}). It writes through {@code spec.commandLine().getOut()} and
 * {@code getErr()}, which {@code veil} points at its own streams, and reports bad input by throwing
 * picocli's {@code ParameterException} or an {@link IllegalArgumentException}, as built-in commands
 * do. A command whose name is already taken is ignored: built-in commands cannot be replaced.
 */
public interface CommandProvider {
  /** New instances of the top-level commands to add, called once per command line. */
  List<Object> commands();

  /** New instances of commands to add under {@code veil bench} (e.g. {@code bench server}). */
  default List<Object> benchCommands() {
    return List.of();
  }
}
