package dev.veil.ml.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ExactLogisticRegressionTest {
    private static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    @Test
    void singleBinaryFeatureHasTheClosedFormSolution() {
        // textbook 2x2 table: x = 0: 3 of 10 positive; x = 1: 8 of 10 positive.
        // MLE: intercept = logit(0.3), slope = logit(0.8) - logit(0.3) (log odds ratio)
        double[][] x = new double[20][1];
        double[] y = new double[20];
        for (int i = 0; i < 20; i++) {
            x[i][0] = i < 10 ? 0 : 1;
            y[i] = i < 10 ? (i < 3 ? 1 : 0) : (i < 18 ? 1 : 0);
        }
        var r = ExactLogisticRegression.defaults().withRidge(0).fitDetailed(x, y);
        assertThat(r.converged()).isTrue();
        assertThat(r.model().intercept()).isCloseTo(logit(0.3), within(1e-9));
        assertThat(r.model().weights()[1]).isCloseTo(logit(0.8) - logit(0.3), within(1e-9));
        assertThat(r.gradientNorm()).isLessThan(1e-12);
    }

    @Test
    void gradientVanishesAndSolutionIsAMaximum() {
        Random rnd = new Random(3);
        int n = 200;
        double[][] x = new double[n][3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = rnd.nextGaussian();
            }
            y[i] = rnd.nextDouble() < Sigmoid.logistic(0.5 + x[i][0] - 2 * x[i][1]) ? 1 : 0;
        }
        ExactLogisticRegression irls = ExactLogisticRegression.defaults();
        var r = irls.fitDetailed(x, y);
        assertThat(r.converged()).isTrue();
        assertThat(r.iterations()).isLessThan(15);
        assertThat(r.gradientNorm()).isLessThan(1e-10);
        double[] beta = r.model().weights();
        double best = irls.objective(x, y, beta);
        for (int j = 0; j < beta.length; j++) {
            for (double h : new double[] {-1e-3, 1e-3}) {
                double[] b = beta.clone();
                b[j] += h;
                assertThat(irls.objective(x, y, b)).isLessThan(best);
            }
        }
    }

    @Test
    void separableDataStaysFinite() {
        double[][] x = {{-2}, {-1}, {1}, {2}};
        double[] y = {0, 0, 1, 1};
        var r = ExactLogisticRegression.defaults().fitDetailed(x, y);
        assertThat(r.model().weights()[1]).isPositive().isFinite();
        assertThat(r.model().probability(new double[] {2})).isGreaterThan(0.99);
    }
}
