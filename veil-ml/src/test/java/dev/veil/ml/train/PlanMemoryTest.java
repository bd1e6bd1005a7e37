package dev.veil.ml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * The plan's heap estimate and the planner's choice of key form and refusal, on the secure
 * parameters of a 64-feature table (N = 2^16, 35 levels, 22 rotations): metadata only, no key.
 */
class PlanMemoryTest {
  private static final long GIB = 1L << 30;

  private static Planner sixtyFour() {
    return Planner.logistic(1000, 64).withIterations(7);
  }

  @Test
  void theEstimateCountsEveryKeyAtItsFullSize() {
    TrainingPlan plan = sixtyFour().withMaxHeap(64 * GIB).plan();
    Parameters p = plan.params();
    PlanMemory m = plan.memory();
    assertThat(plan.compactKeys()).isFalse();
    assertThat(m.keys()).isEqualTo(plan.rotations().length + 1);
    // two parts of dnum digits over all primes, N longs per row
    assertThat(m.bytesPerKey())
        .isEqualTo(2L * p.dnum() * (p.qCount() + p.pCount()) * p.n() * 8)
        .isEqualTo(SwitchingKey.memoryBytes(p, false));
    long ciphertext = 2L * (p.maxLevel() + 1) * p.n() * 8;
    assertThat(m.workingBytes()).isGreaterThan((2L * plan.layout().ciphertexts()) * ciphertext);
    assertThat(m.totalBytes()).isEqualTo(m.keyBytes() + m.workingBytes());
    assertThat(m.keyBytes()).isGreaterThan(5 * GIB); // the 23 keys of the issue
  }

  @Test
  void compactKeysAreChosenWhenOnlyTheyFit() {
    PlanMemory expanded = sixtyFour().withMaxHeap(64 * GIB).plan().memory();
    PlanMemory compact = PlanMemory.of(sixtyFour().withMaxHeap(64 * GIB).plan().params(),
        sixtyFour().withMaxHeap(64 * GIB).plan().layout(), expanded.keys() - 1, true);
    assertThat(compact.bytesPerKey() * 2).isEqualTo(expanded.bytesPerKey());
    // a heap between the two needs
    long heap = (long) ((compact.totalBytes() + expanded.totalBytes()) / 2
        / PlanMemory.HEAP_SHARE);
    TrainingPlan plan = sixtyFour().withMaxHeap(heap).plan();
    assertThat(plan.compactKeys()).isTrue();
    assertThat(plan.memory().totalBytes()).isEqualTo(compact.totalBytes());
    assertThat(plan.memory().fits(heap)).isTrue();
  }

  @Test
  void aPlanThatCannotFitIsRefusedNamingTheNeedTheHeapAndTheRemedy() {
    long heap = 2 * GIB;
    assertThatThrownBy(() -> sixtyFour().withMaxHeap(heap).plan())
        .isInstanceOf(InsufficientMemoryException.class)
        .hasMessageContaining("needs about")
        .hasMessageContaining("compact keys")
        .hasMessageContaining("maximum heap is 2,048 MiB")
        .hasMessageContaining("VEIL_JAVA_OPTS=\"-Xmx")
        .satisfies(e -> {
          InsufficientMemoryException ime = (InsufficientMemoryException) e;
          assertThat(ime.maxHeap()).isEqualTo(heap);
          assertThat(ime.need().compactKeys()).isTrue();
          assertThat(ime.need().fits(heap)).isFalse();
        });
  }

  @Test
  void theSuggestedHeapIsEnough() {
    InsufficientMemoryException e = org.junit.jupiter.api.Assertions.assertThrows(
        InsufficientMemoryException.class, () -> sixtyFour().withMaxHeap(GIB).plan());
    String msg = e.getMessage();
    int at = msg.indexOf("-Xmx") + 4;
    long gib = Long.parseLong(msg.substring(at, msg.indexOf('g', at)));
    TrainingPlan plan = sixtyFour().withMaxHeap(gib * GIB).plan();
    assertThat(plan.memory().fits(gib * GIB)).isTrue();
  }

  @Test
  void withoutAHeapToCheckNothingIsRefused() {
    assertThat(sixtyFour().plan().rotations()).isNotEmpty();
    assertThatThrownBy(() -> sixtyFour().withMaxHeap(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("positive");
  }
}
