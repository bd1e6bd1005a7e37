package dev.veil.ml.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.veil.ml.data.Metrics;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NesterovLogisticRegressionTest {
    private static final double[][] X = {{0.5}, {-1}};
    private static final double[] Y = {1, 0};

    @Test
    void firstIterationsByHand() {
        var trace = NesterovLogisticRegression.defaults().withIterations(3).trace(X, Y);
        // z_1 = (1, 0.5), z_2 = -(1, -1) = (-1, 1); v_0 = 0 so s(0) = 0.5 for both rows
        // g_0 = (0.5 (1, 0.5) + 0.5 (-1, 1)) / 2 = (0, 0.375); alpha_0 = 10
        assertThat(trace.betas().get(1)).containsExactly(0, 3.75);
        // lambda_0 = 0, lambda_1 = 1, gamma_0 = 1: v_1 = beta_0 = 0
        assertThat(trace.gammas()[0]).isEqualTo(1.0);
        assertThat(trace.vs().get(1)).containsExactly(0, 0);
        // same gradient again with alpha_1 = 5; gamma_1 = (1 - 1) / lambda_2 = 0 so v_2 = beta_2
        assertThat(trace.betas().get(2)).containsExactly(0, 1.875);
        assertThat(trace.vs().get(2)).containsExactly(0, 1.875);
        // third step at v_2 = (0, 1.875): z_1 . v = 0.9375, z_2 . v = 1.875; s(u) = 0.5 + 0.15012 u - 0.001593 u^3
        double s1 = 0.5 - 0.15012 * 0.9375 + 0.001593 * Math.pow(0.9375, 3);
        double s2 = 0.5 - 0.15012 * 1.875 + 0.001593 * Math.pow(1.875, 3);
        double g0 = (s1 * 1 + s2 * -1) / 2;
        double g1 = (s1 * 0.5 + s2 * 1) / 2;
        double alpha2 = 10.0 / 3;
        double[] beta3 = {0 + alpha2 * g0, 1.875 + alpha2 * g1};
        assertThat(trace.betas().get(3)[0]).isCloseTo(beta3[0], within(1e-15));
        assertThat(trace.betas().get(3)[1]).isCloseTo(beta3[1], within(1e-15));
        double lambda2 = (1 + Math.sqrt(5)) / 2;
        double lambda3 = (1 + Math.sqrt(1 + 4 * lambda2 * lambda2)) / 2;
        double gamma2 = (1 - lambda2) / lambda3;
        assertThat(trace.gammas()[2]).isCloseTo(gamma2, within(1e-15));
        assertThat(trace.vs().get(3)[1]).isCloseTo((1 - gamma2) * beta3[1] + gamma2 * 1.875, within(1e-14));
        assertThat(trace.model().weights()).containsExactly(trace.betas().get(3));
    }

    @Test
    void lambda0AndL2AndLearningRateAreHonoured() {
        var trace = NesterovLogisticRegression.defaults().withIterations(1).withLambda0(0.01).trace(X, Y);
        double lambda1 = (1 + Math.sqrt(1 + 4 * 0.0001)) / 2;
        double gamma0 = 0.99 / lambda1;
        assertThat(trace.vs().get(1)[1]).isCloseTo((1 - gamma0) * 3.75, within(1e-15));
        // l2 acts on v (non-zero from step 2 on), never on the intercept
        var nl = NesterovLogisticRegression.defaults().withIterations(2).withLambda0(0.5)
                .withLearningRate(NesterovLogisticRegression.LearningRate.constant(1)).withL2(0.1);
        var t = nl.trace(X, Y);
        double[] v1 = t.vs().get(1);
        double[] g = nl.gradient(X, new double[] {1, -1}, v1, 2, 1);
        double[] gNoL2 = nl.withL2(0).gradient(X, new double[] {1, -1}, v1, 2, 1);
        assertThat(g[0]).isEqualTo(gNoL2[0]);
        assertThat(g[1]).isCloseTo(gNoL2[1] - 0.1 * v1[1], within(1e-16));
        assertThat(t.betas().get(2)[1]).isCloseTo(v1[1] + g[1], within(1e-15));
    }

    @Test
    void kimPolynomialsMatchPublishedCoefficientsAndApproximateSigmoid() {
        assertThat(Sigmoid.kim(3).coefficients()).containsExactly(0.5, 0.15012, 0, -0.001593);
        assertThat(Sigmoid.kim(7).degree()).isEqualTo(7);
        for (Sigmoid s : new Sigmoid[] {Sigmoid.KIM_DEGREE_3, Sigmoid.KIM_DEGREE_5, Sigmoid.KIM_DEGREE_7}) {
            for (double x = -8; x <= 8; x += 0.25) {
                assertThat(s.apply(x)).isCloseTo(Sigmoid.logistic(x), within(0.12));
            }
        }
        assertThat(Sigmoid.KIM_DEGREE_7.apply(2)).isCloseTo(Sigmoid.logistic(2), within(0.02));
        assertThat(Sigmoid.logistic(-800)).isEqualTo(0.0);
        assertThat(Sigmoid.logistic(800)).isEqualTo(1.0);
        assertThatThrownBy(() -> Sigmoid.kim(4)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reachesHighAucOnSyntheticData() {
        Random r = new Random(11);
        int n = 600;
        double[] truth = {0.3, 2.0, -1.5, 1.0, 0.0};
        double[][] x = new double[n][4];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) {
                x[i][j] = 2 * r.nextDouble() - 1;
            }
            y[i] = r.nextDouble() < Sigmoid.logistic(Linalg.affine(truth, x[i]) * 2) ? 1 : 0;
        }
        double aucIrls = Metrics.auc(y, ExactLogisticRegression.defaults().fit(x, y).probabilities(x));
        for (int degree : new int[] {3, 5, 7}) {
            LogisticModel m = NesterovLogisticRegression.defaults().withSigmoid(Sigmoid.kim(degree)).fit(x, y);
            double auc = Metrics.auc(y, m.probabilities(x));
            assertThat(auc).as("degree %d", degree).isGreaterThan(0.85).isCloseTo(aucIrls, within(0.01));
            assertThat(m.weights()[1]).isPositive();
            assertThat(m.weights()[2]).isNegative();
        }
        // deterministic: bit-identical refits
        assertThat(NesterovLogisticRegression.defaults().fit(x, y)).isEqualTo(NesterovLogisticRegression.defaults().fit(x, y));
    }

    @Test
    void refusesBadInput() {
        assertThatThrownBy(() -> NesterovLogisticRegression.defaults().fit(X, new double[] {1, 2}))
                .hasMessage("binary label must be 0/1 or -1/+1, got 2.0");
        assertThatThrownBy(() -> NesterovLogisticRegression.defaults().fit(X, new double[] {1}))
                .hasMessage("2 rows but 1 labels");
        assertThatThrownBy(() -> NesterovLogisticRegression.defaults().withIterations(0))
                .hasMessage("iterations must be at least 1, got 0");
    }
}
