package dev.veil.ml.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.veil.ml.data.Metrics;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearRegressionTest {
    @Test
    void recoversKnownCoefficients() {
        Random r = new Random(9);
        int n = 300;
        double[][] x = new double[n][3];
        double[] y = new double[n];
        double[] truth = {1.0, 2.0, -3.0, 0.5};
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = 2 * r.nextDouble() - 1;
            }
            y[i] = Linalg.affine(truth, x[i]);
        }
        LinearModel gd = LinearRegression.defaults().fit(x, y);
        LinearModel exact = LinearRegression.defaults().fitExact(x, y);
        for (int j = 0; j < 4; j++) {
            assertThat(gd.weights()[j]).isCloseTo(truth[j], within(1e-6));
            assertThat(exact.weights()[j]).isCloseTo(truth[j], within(1e-10));
        }
        assertThat(Metrics.r2(y, gd.predict(x))).isGreaterThan(0.999999);
        assertThat(Metrics.rmse(y, exact.predict(x))).isLessThan(1e-10);
    }

    @Test
    void noisyDataConvergesToLeastSquares() {
        Random r = new Random(10);
        int n = 200;
        double[][] x = new double[n][2];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i][0] = 2 * r.nextDouble() - 1;
            x[i][1] = 2 * r.nextDouble() - 1;
            y[i] = 0.3 - x[i][0] + 0.7 * x[i][1] + 0.1 * r.nextGaussian();
        }
        LinearModel gd = LinearRegression.defaults().withIterations(2000).fit(x, y);
        LinearModel exact = LinearRegression.defaults().fitExact(x, y);
        for (int j = 0; j < 3; j++) {
            assertThat(gd.weights()[j]).isCloseTo(exact.weights()[j], within(1e-8));
        }
        LinearModel ridge = LinearRegression.defaults().withL2(0.1).withIterations(2000).fit(x, y);
        LinearModel ridgeExact = LinearRegression.defaults().withL2(0.1).fitExact(x, y);
        assertThat(ridge.weights()[1]).isCloseTo(ridgeExact.weights()[1], within(1e-8));
        assertThat(Math.abs(ridge.weights()[1])).isLessThan(Math.abs(exact.weights()[1]));
    }
}
