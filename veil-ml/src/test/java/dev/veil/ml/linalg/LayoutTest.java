package dev.veil.ml.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LayoutTest {

  @Test
  void featuresArePaddedToAPowerOfTwoAndRowsFillTheSlots() {
    Layout l = Layout.of(64, 10, 5);
    assertThat(l.blockSize()).isEqualTo(8);
    assertThat(l.rowsPerCiphertext()).isEqualTo(8);
    assertThat(l.ciphertexts()).isEqualTo(2);
    assertThat(l.rowsIn(0)).isEqualTo(8);
    assertThat(l.rowsIn(1)).isEqualTo(2);
    assertThat(l.firstRow(1)).isEqualTo(8);
  }

  @Test
  void slotsAreRowMajorInsideEachCiphertext() {
    Layout l = Layout.of(64, 10, 5);
    assertThat(l.ciphertextOf(0)).isZero();
    assertThat(l.slotOf(0, 0)).isZero();
    assertThat(l.slotOf(3, 4)).isEqualTo(3 * 8 + 4);
    assertThat(l.ciphertextOf(9)).isEqualTo(1);
    assertThat(l.slotOf(9, 3)).isEqualTo(8 + 3);
    assertThat(l.blockStart(7)).isEqualTo(56);
  }

  @Test
  void aPowerOfTwoFeatureCountIsNotPadded() {
    assertThat(Layout.of(64, 1, 8).blockSize()).isEqualTo(8);
    assertThat(Layout.of(64, 1, 1).blockSize()).isEqualTo(1);
    assertThat(Layout.of(64, 1, 1).rowsPerCiphertext()).isEqualTo(64);
    assertThat(Layout.of(64, 3, 64).rowsPerCiphertext()).isEqualTo(1);
    assertThat(Layout.of(64, 3, 64).ciphertexts()).isEqualTo(3);
  }

  @Test
  void takesTheSlotsFromParameters() {
    Layout l = Layout.of(HeFixture.N10.params, 100, 3);
    assertThat(l.slots()).isEqualTo(512);
    assertThat(l.rowsPerCiphertext()).isEqualTo(128);
    assertThat(l.ciphertexts()).isEqualTo(1);
  }

  @Test
  void tooManyFeaturesForTheSlotsIsRefused() {
    assertThatThrownBy(() -> Layout.of(64, 10, 65))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too many features")
        .hasMessageContaining("64 slots");
  }

  @Test
  void emptyTablesAndOddSlotCountsAreRefused() {
    assertThatThrownBy(() -> Layout.of(64, 0, 3)).hasMessageContaining("at least one row");
    assertThatThrownBy(() -> Layout.of(64, 3, 0)).hasMessageContaining("at least one feature");
    assertThatThrownBy(() -> Layout.of(48, 3, 3)).hasMessageContaining("power of two");
  }

  @Test
  void indicesOutsideTheTableAreRefused() {
    Layout l = Layout.of(64, 10, 5);
    assertThatThrownBy(() -> l.slotOf(10, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> l.slotOf(0, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> l.rowsIn(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void equalShapesAreEqual() {
    assertThat(Layout.of(64, 10, 5)).isEqualTo(Layout.of(64, 10, 5))
        .hasSameHashCodeAs(Layout.of(64, 10, 5))
        .isNotEqualTo(Layout.of(64, 10, 6));
    assertThat(Layout.of(64, 10, 5).toString()).contains("10 rows x 5 features");
  }
}
