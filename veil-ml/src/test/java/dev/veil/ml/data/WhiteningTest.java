package dev.veil.ml.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class WhiteningTest {
    /** Correlated features with very unequal scales, a constant column and a linear combination. */
    private static double[][] rows(int n, long seed) {
        Random r = new Random(seed);
        double[][] x = new double[n][5];
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = 0.9 * a + 0.1 * r.nextGaussian();
            x[i][0] = 1000 + 300 * a;
            x[i][1] = 0.01 * b;
            x[i][2] = 7; // constant
            x[i][3] = x[i][0] + 2e5 * x[i][1]; // exact linear combination of 0 and 1
            x[i][4] = r.nextDouble() < 0.3 ? 1 : 0;
        }
        return x;
    }

    @Test
    void trainingRowsBecomeUncorrelatedWithEqualVariancesInsideMinusOneOne() {
        double[][] x = rows(2000, 1);
        Whitening w = Whitening.fit(x);
        double[][] z = w.transform(x);
        int n = z.length;
        double[][] cov = new double[5][5];
        double[] mean = new double[5];
        for (double[] row : z) {
            for (int j = 0; j < 5; j++) {
                assertThat(Math.abs(row[j])).isLessThanOrEqualTo(1.0 + 1e-12);
                mean[j] += row[j] / n;
                for (int k = 0; k < 5; k++) {
                    cov[j][k] += row[j] * row[k] / n;
                }
            }
        }
        int[] kept = {0, 1, 4};
        double v = cov[0][0];
        assertThat(v).isGreaterThan(0.01); // c is a few standard deviations
        for (int j : kept) {
            assertThat(mean[j]).isCloseTo(0, within(1e-12));
            for (int k : kept) {
                assertThat(cov[j][k]).as("cov(%d, %d)", j, k).isCloseTo(j == k ? v : 0, within(1e-9 * v));
            }
        }
        // a constant column and an exact linear combination are dropped: always 0, even on new rows
        for (double[] row : w.transform(rows(50, 2))) {
            assertThat(row[2]).isZero();
            assertThat(row[3]).isZero();
        }
        double[][] m = w.matrix();
        for (int j = 0; j < 5; j++) {
            for (int k = j + 1; k < 5; k++) {
                assertThat(m[j][k]).isZero();
            }
        }
    }

    @Test
    void fitIsDeterministicAndTheRecordValidates() {
        double[][] x = rows(300, 3);
        assertThat(Whitening.fit(x)).isEqualTo(Whitening.fit(x));
        assertThatThrownBy(() -> Whitening.fit(new double[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zero rows");
        assertThatThrownBy(() -> new Whitening(new double[] {0, 0}, new double[][] {{1, 1}, {0, 1}}))
                .hasMessageContaining("zero above the diagonal");
        assertThatThrownBy(() -> new Whitening(new double[] {0, 0}, new double[][] {{1, 0}}))
                .hasMessageContaining("1 rows for 2 features");
        assertThatThrownBy(() -> new Whitening(new double[] {0, Double.NaN}, new double[][] {{1, 0}, {0, 1}}))
                .hasMessageContaining("mean of feature 1");
        assertThatThrownBy(() -> Whitening.fit(x).transform(new double[4]))
                .hasMessageContaining("whitening has 5 features, row has 4");
    }

    @Test
    void scalingNamesParseLikeTheCommandLineWritesThem() {
        assertThat(Scaling.parse("min-max")).isEqualTo(Scaling.MIN_MAX);
        assertThat(Scaling.parse(" MAX_ABS ")).isEqualTo(Scaling.MAX_ABS);
        assertThat(Scaling.parse("maxabs")).isEqualTo(Scaling.MAX_ABS);
        assertThat(Scaling.parse("Whiten")).isEqualTo(Scaling.WHITEN);
        assertThat(Scaling.WHITEN.cliName()).isEqualTo("whiten");
        assertThatThrownBy(() -> Scaling.parse("log"))
                .hasMessageContaining("unknown scaling 'log'").hasMessageContaining("min-max, max-abs, standard, whiten");
        assertThat(Scaling.MIN_MAX.fit(new double[][] {{0}, {2}})).isEqualTo(Scaler.fit(Scaler.Kind.MIN_MAX,
                new double[][] {{0}, {2}}));
        assertThat(Scaling.WHITEN.fit(new double[][] {{0}, {2}})).isInstanceOf(Whitening.class);
    }
}
