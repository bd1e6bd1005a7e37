package dev.veil.cli.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Whether progress goes to a terminal: the environment's override, else the streams. */
class CliContextTest {
  private static final PrintStream CAPTURED = new PrintStream(new ByteArrayOutputStream());

  @Test
  void capturedStreamsAreNotATerminalUnlessTheEnvironmentSaysBars() {
    assertThat(new CliContext(CAPTURED, CAPTURED, InputStream.nullInputStream(),
        Map.<String, String>of()::get).terminal()).isFalse();
    assertThat(CliContext.isTerminal(CAPTURED, Map.of("VEIL_PROGRESS", "bars")::get)).isTrue();
    assertThat(CliContext.isTerminal(CAPTURED, Map.of("VEIL_PROGRESS", " Bars ")::get)).isTrue();
    assertThat(CliContext.isTerminal(System.err, Map.of("VEIL_PROGRESS", "lines")::get))
        .isFalse();
    // another value is ignored: the streams decide
    assertThat(CliContext.isTerminal(CAPTURED, Map.of("VEIL_PROGRESS", "fancy")::get)).isFalse();
  }

  @Test
  void theDecisionCanBeGivenAndTheStreamsAreRequired() {
    assertThat(new CliContext(CAPTURED, CAPTURED, InputStream.nullInputStream(), k -> null, true)
        .terminal()).isTrue();
    assertThatThrownBy(() -> new CliContext(null, CAPTURED))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out, err");
  }
}
