package dev.veil.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Progress as bars on a terminal, as one plain line per step everywhere else. */
class BarsTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Bars bars(boolean terminal) {
    return new Bars(new PrintStream(err, true, StandardCharsets.UTF_8), terminal);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void withoutATerminalEachStepIsOneLineWrittenWhenItEnds() {
    Bars bars = bars(false);
    try (Progress p = bars.start("encrypt", 3)) {
      p.step();
      p.step();
      assertThat(err()).isEmpty(); // nothing while the step runs
      p.step();
    }
    try (Progress p = bars.bytes("upload data")) {
      assertThat(p.max()).isNegative();
      p.maxHint(3 << 20);
      p.stepTo(3 << 20);
    }
    try (Progress p = bars.percent("job")) {
      p.stepTo(100);
      p.note("succeeded");
    }
    try (Progress p = bars.start("train", -1)) {
      p.maxHint(1);
      p.stepTo(1);
    }
    assertThat(err()).doesNotContain("\u001b", "\r");
    assertThat(err().lines()).satisfiesExactly(
        l -> assertThat(l).matches("encrypt: 3/3 in \\d+\\.\\d s"),
        l -> assertThat(l).matches("upload data: 3\\.0/3\\.0 MiB in \\d+\\.\\d s"),
        l -> assertThat(l).matches("job: 100% in \\d+\\.\\d s \\(succeeded\\)"),
        l -> assertThat(l).matches("train: 1/1 in \\d+\\.\\d s"));
  }

  @Test
  void aLineIsWrittenOnceEvenIfClosedTwice() {
    Progress p = bars(false).start("decrypt", 1);
    p.step();
    p.close();
    p.close();
    assertThat(err().lines()).hasSize(1);
  }

  @Test
  void onATerminalTheBarIsRedrawnInPlace() {
    try (Progress p = bars(true).start("encrypt", 2)) {
      p.step();
      p.step();
    }
    assertThat(err()).contains("\r", "encrypt").contains("2/2");
  }
}
