package dev.veil.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HarnessTest {
  @Test
  void reportsTheMedianOfItsRounds() {
    long[] calls = new long[1];
    Harness h = new Harness(Harness.Budget.quick(5));
    Harness.Measurement m = h.measure(() -> {
      calls[0]++;
      long t = System.nanoTime();
      while (System.nanoTime() - t < 200_000) {
        Thread.onSpinWait();
      }
      return calls[0];
    });
    assertThat(m.rounds()).isEqualTo(5);
    assertThat(m.callsPerRound()).isEqualTo(1);
    assertThat(calls[0]).isEqualTo(7); // one warm-up call, 5 rounds, one allocation count
    assertThat(m.allocatedBytes()).isBetween(-1L, 1L << 20);
    assertThat(m.minNanos()).isGreaterThanOrEqualTo(200_000).isLessThanOrEqualTo(m.medianNanos());
  }

  @Test
  void batchesCheapOperationsAndBoundsTheRounds() {
    Harness h = new Harness(new Harness.Budget(1_000_000, 2, 1_000, 2_000_000, 3, 50, 100_000));
    long[] calls = new long[1];
    Harness.Measurement m = h.measure(() -> ++calls[0]);
    assertThat(m.callsPerRound()).isGreaterThan(1);
    assertThat(m.rounds()).isBetween(3, 50);
    assertThat(m.warmupCalls()).isBetween(2, 1_000);
    assertThat(m.medianNanos()).isPositive();
  }

  @Test
  void rejectsAnInconsistentBudget() {
    assertThatThrownBy(() -> new Harness.Budget(0, 1, 1, 0, 5, 3, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sealReferenceHasTheAnchorsFigures() {
    assertThat(SealReference.micros(13, "ntt")).isEqualTo(55.6);
    assertThat(SealReference.micros(15, "rotate")).isEqualTo(179_157);
    assertThat(SealReference.micros(14, "hoisted8")).isNaN();
    assertThat(SealReference.micros(16, "ntt")).isNaN();
    assertThat(SealReference.bytes(13, "ciphertext")).isEqualTo(393_329);
    for (String op : CkksBenchmark.OPS) {
      if (!op.equals("hoisted8")) {
        assertThat(SealReference.micros(14, op)).as(op).isPositive();
      }
    }
  }
}
