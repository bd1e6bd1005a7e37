package dev.veil.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FoldsTest {
    @Test
    void everyRowInExactlyOneTestFoldAndTrainIsComplement() {
        Folds f = Folds.kFold(103, 5, 42);
        int[] seen = new int[103];
        for (int k = 0; k < 5; k++) {
            int[] test = f.test(k);
            int[] train = f.train(k);
            assertThat(test.length + train.length).isEqualTo(103);
            assertThat(test.length).isBetween(20, 21);
            for (int i : test) {
                seen[i]++;
            }
            assertThat(Arrays.stream(train).noneMatch(i -> f.foldOf(i) == f.foldOf(test[0]))).isTrue();
        }
        assertThat(seen).containsOnly(1);
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() {
        assertThat(Folds.kFold(50, 5, 7).test(0)).containsExactly(Folds.kFold(50, 5, 7).test(0));
        assertThat(Folds.kFold(50, 5, 7).test(0)).isNotEqualTo(Folds.kFold(50, 5, 8).test(0));
    }

    @Test
    void stratifiedKeepsClassProportions() {
        double[] y = new double[100];
        for (int i = 0; i < 100; i++) {
            y[i] = i < 30 ? 1 : i < 90 ? 0 : 2; // 30 / 60 / 10
        }
        Folds f = Folds.stratified(y, 5, 1);
        int[] seen = new int[100];
        for (int k = 0; k < 5; k++) {
            int[] count = new int[3];
            for (int i : f.test(k)) {
                count[(int) y[i]]++;
                seen[i]++;
            }
            assertThat(count).containsExactly(12, 6, 2);
            assertThat(f.test(k)).hasSize(20);
        }
        assertThat(seen).containsOnly(1);
    }

    @Test
    void stratifiedFoldSizesDifferByAtMostOne() {
        double[] y = new double[23];
        for (int i = 0; i < 23; i++) {
            y[i] = i % 3 == 0 ? 1 : 0;
        }
        Folds f = Folds.stratified(y, 4, 3);
        for (int k = 0; k < 4; k++) {
            assertThat(f.test(k).length).isBetween(5, 6);
        }
    }

    @Test
    void refusesBadK() {
        assertThatThrownBy(() -> Folds.kFold(3, 4, 0)).hasMessage("cannot split 3 rows into 4 folds");
        assertThatThrownBy(() -> Folds.kFold(3, 1, 0)).hasMessage("need at least 2 folds, got 1");
    }
}
