package dev.veil.server.app;

import java.util.List;

import dev.veil.cli.spi.CommandProvider;

/**
 * Adds {@code veil serve} and {@code veil worker} to the command line (listed in {@code
 * META-INF/services}).
 */
public final class ServeCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(new ServeCommand(), new WorkerCommand());
  }
}
