package dev.veil.server.cli;

import java.util.List;

import dev.veil.cli.spi.CommandProvider;
import dev.veil.server.bench.BenchServerCommand;

/**
 * Adds {@code veil serve} and {@code veil bench server} to the command line (listed in {@code
 * META-INF/services}).
 */
public final class ServeCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of(new ServeCommand());
  }

  @Override
  public List<Object> benchCommands() {
    return List.of(new BenchServerCommand());
  }
}
