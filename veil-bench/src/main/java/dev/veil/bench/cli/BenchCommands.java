package dev.veil.bench.cli;

import java.util.List;

import dev.veil.bench.server.BenchServerCommand;
import dev.veil.cli.spi.CommandProvider;

/**
 * Adds the benchmarks under {@code veil bench}: {@code ckks}, {@code helr}, {@code iris},
 * {@code infer}, {@code mnist}, {@code onnx} and {@code server} (listed in {@code
 * META-INF/services}).
 */
public final class BenchCommands implements CommandProvider {
  @Override
  public List<Object> commands() {
    return List.of();
  }

  @Override
  public List<Object> benchCommands() {
    return List.of(new BenchCkksCommand(), new BenchHelrCommand(), new BenchIrisCommand(),
        new BenchInferCommand(), new BenchMnistCommand(), new BenchOnnxCommand(),
        new BenchServerCommand());
  }
}
