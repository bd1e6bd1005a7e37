package dev.veil.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void aucKnownAnswers() {
        assertThat(Metrics.auc(new double[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8})).isEqualTo(0.75);
        assertThat(Metrics.auc(new double[] {0, 1}, new double[] {0.2, 0.9})).isEqualTo(1.0);
        assertThat(Metrics.auc(new double[] {1, 0}, new double[] {0.2, 0.9})).isEqualTo(0.0);
        assertThat(Metrics.auc(new double[] {-1, 1, -1, 1}, new double[] {3, 3, 3, 3})).isEqualTo(0.5);
    }

    @Test
    void aucWithTiesCountsHalf() {
        // pairs (pos, neg): pos scores {0.5, 0.7}, neg scores {0.5, 0.2, 0.7}
        // 0.5 vs 0.5 tie (1/2), 0.5 > 0.2 (1), 0.5 < 0.7 (0), 0.7 > 0.5 (1), 0.7 > 0.2 (1), 0.7 vs 0.7 tie (1/2) -> 4/6
        double[] y = {1, 0, 0, 1, 0};
        double[] s = {0.5, 0.5, 0.2, 0.7, 0.7};
        assertThat(Metrics.auc(y, s)).isCloseTo(4.0 / 6, within(1e-15));
        assertThat(bruteForceAuc(y, s)).isCloseTo(4.0 / 6, within(1e-15));
    }

    @Test
    void aucMatchesBruteForceOnRandomTiedScores() {
        java.util.Random r = new java.util.Random(5);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + r.nextInt(40);
            double[] y = new double[n];
            double[] s = new double[n];
            for (int i = 0; i < n; i++) {
                y[i] = i < 1 ? 0 : i < 2 ? 1 : r.nextInt(2);
                s[i] = r.nextInt(5);
            }
            assertThat(Metrics.auc(y, s)).isCloseTo(bruteForceAuc(y, s), within(1e-12));
        }
    }

    private static double bruteForceAuc(double[] y, double[] s) {
        double num = 0;
        int pairs = 0;
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                if (y[i] == 1 && y[j] != 1) {
                    pairs++;
                    num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        return num / pairs;
    }

    @Test
    void aucNeedsBothClassesAndBinaryLabels() {
        assertThatThrownBy(() -> Metrics.auc(new double[] {1, 1}, new double[] {0, 1}))
                .hasMessage("AUC needs both classes; got 2 positives and 0 negatives");
        assertThatThrownBy(() -> Metrics.auc(new double[] {2, 0}, new double[] {0, 1}))
                .hasMessage("binary label must be 0/1 or -1/+1, got 2.0");
        assertThatThrownBy(() -> Metrics.auc(new double[] {1, 0}, new double[] {0}))
                .hasMessage("2 labels but 1 scores");
    }

    @Test
    void accuracyAndBinaryConfusion() {
        double[] y = {1, 0, 1, 0, 1};
        double[] p = {0.9, 0.6, 0.4, 0.1, 0.5};
        assertThat(Metrics.accuracy(y, p, 0.5)).isEqualTo(0.6);
        ConfusionMatrix m = ConfusionMatrix.binary(y, p, 0.5);
        assertThat(m.truePositives()).isEqualTo(2);
        assertThat(m.falseNegatives()).isEqualTo(1);
        assertThat(m.falsePositives()).isEqualTo(1);
        assertThat(m.trueNegatives()).isEqualTo(1);
        assertThat(m.accuracy()).isEqualTo(0.6);
        assertThat(m.precision(1)).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(m.recall(1)).isCloseTo(2.0 / 3, within(1e-15));
    }

    @Test
    void multiclassConfusion() {
        int[] actual = {0, 0, 1, 1, 2, 2, 2};
        int[] predicted = {0, 1, 1, 1, 2, 0, 2};
        ConfusionMatrix m = ConfusionMatrix.of(actual, predicted, 3);
        assertThat(m.counts()).isDeepEqualTo(new long[][] {{1, 1, 0}, {0, 2, 0}, {1, 0, 2}});
        assertThat(m.total()).isEqualTo(7);
        assertThat(m.accuracy()).isCloseTo(5.0 / 7, within(1e-15));
        assertThat(Metrics.accuracy(actual, predicted)).isCloseTo(5.0 / 7, within(1e-15));
        assertThat(m.recall(2)).isCloseTo(2.0 / 3, within(1e-15));
        assertThat(m.precision(0)).isEqualTo(0.5);
        assertThat(m.format(List.of("a", "b", "c"))).contains("actual\\pred");
        assertThatThrownBy(m::truePositives).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ConfusionMatrix.of(new int[] {3}, new int[] {0}, 3))
                .hasMessage("row 0: actual 3, predicted 0 (classes are 0..2)");
    }

    @Test
    void regressionMetricsAndLogLoss() {
        double[] a = {1, 2, 3, 4};
        double[] p = {1, 2, 3, 6};
        assertThat(Metrics.rmse(a, p)).isEqualTo(1.0);
        assertThat(Metrics.r2(a, p)).isCloseTo(1 - 4 / 5.0, within(1e-15));
        assertThat(Metrics.r2(a, a)).isEqualTo(1.0);
        assertThat(Metrics.logLoss(new double[] {1, 0}, new double[] {0.8, 0.4}))
                .isCloseTo(-(Math.log(0.8) + Math.log(0.6)) / 2, within(1e-15));
        assertThat(Metrics.logLoss(new double[] {1}, new double[] {0})).isCloseTo(-Math.log(1e-15), within(1e-9));
        assertThatThrownBy(() -> Metrics.logLoss(new double[] {1}, new double[] {1.5}))
                .hasMessage("probability 0 is 1.5, outside [0, 1]");
    }
}
