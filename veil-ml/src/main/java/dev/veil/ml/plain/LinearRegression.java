package dev.veil.ml.plain;

import java.util.Objects;

/**
 * Least-squares linear regression by full-batch gradient descent, in the same style as
 * {@link NesterovLogisticRegression} (the form an encrypted trainer computes), plus the closed-form
 * solution as a reference.
 *
 * <h2>Contract</h2>
 * With {@code w_i = (1, x_i)} and the objective {@code (1/2n) sum_i (beta . w_i - y_i)^2 + (l2/2) ||beta_1..d||^2}:
 * <pre>
 * beta_0     = 0
 * g_t        = (1/n) sum_i (beta_t . w_i - y_i) w_i + l2 * (0, beta_t[1..d])
 * beta_{t+1} = beta_t - alpha_t * g_t          for t = 0 .. T-1
 * </pre>
 * Defaults: {@code T = 500}, constant {@code alpha_t = 0.5}, {@code l2 = 0}. With features in [-1, 1] the
 * step must stay below {@code 2 / lambda_max(W^T W / n)}; {@code lambda_max <= d + 1}, so lower the step for
 * many correlated features.
 */
public final class LinearRegression {
    private final int iterations;
    private final NesterovLogisticRegression.LearningRate learningRate;
    private final double l2;

    private LinearRegression(int iterations, NesterovLogisticRegression.LearningRate learningRate, double l2) {
        this.iterations = iterations;
        this.learningRate = learningRate;
        this.l2 = l2;
    }

    /** 500 iterations, constant step 0.5, no regularisation. */
    public static LinearRegression defaults() {
        return new LinearRegression(500, NesterovLogisticRegression.LearningRate.constant(0.5), 0.0);
    }

    /** Number of gradient steps. */
    public LinearRegression withIterations(int t) {
        if (t < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + t);
        }
        return new LinearRegression(t, learningRate, l2);
    }

    /** Step-size schedule. */
    public LinearRegression withLearningRate(NesterovLogisticRegression.LearningRate rate) {
        return new LinearRegression(iterations, Objects.requireNonNull(rate), l2);
    }

    /** Constant step size. */
    public LinearRegression withLearningRate(double alpha) {
        if (!(alpha > 0) || !Double.isFinite(alpha)) {
            throw new IllegalArgumentException("learning rate must be finite and > 0, got " + alpha);
        }
        return withLearningRate(NesterovLogisticRegression.LearningRate.constant(alpha));
    }

    /** Ridge penalty (intercept not penalised). */
    public LinearRegression withL2(double lambda) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0, got " + lambda);
        }
        return new LinearRegression(iterations, learningRate, lambda);
    }

    /** Gradient descent as in the contract above. */
    public LinearModel fit(double[][] x, double[] y) {
        Linalg.checkDesign(x, y);
        int n = x.length;
        int d = x[0].length;
        double[] beta = new double[d + 1];
        for (int t = 0; t < iterations; t++) {
            double[] g = new double[d + 1];
            for (int i = 0; i < n; i++) {
                double r = Linalg.affine(beta, x[i]) - y[i];
                g[0] += r;
                for (int j = 0; j < d; j++) {
                    g[j + 1] += r * x[i][j];
                }
            }
            double alpha = learningRate.at(t);
            for (int j = 0; j <= d; j++) {
                g[j] /= n;
                if (j > 0) {
                    g[j] += l2 * beta[j];
                }
                beta[j] -= alpha * g[j];
                if (!Double.isFinite(beta[j])) {
                    throw new ArithmeticException("gradient descent diverged at iteration " + t
                            + ": scale the features into [-1, 1] or lower the learning rate");
                }
            }
        }
        return new LinearModel(beta);
    }

    /** The exact minimiser of the same objective, by the normal equations (Cholesky). */
    public LinearModel fitExact(double[][] x, double[] y) {
        Linalg.checkDesign(x, y);
        int n = x.length;
        int p = x[0].length + 1;
        double[][] a = new double[p][p];
        double[] b = new double[p];
        double[] w = new double[p];
        w[0] = 1;
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, w, 1, p - 1);
            for (int r = 0; r < p; r++) {
                b[r] += w[r] * y[i] / n;
                for (int c = 0; c < p; c++) {
                    a[r][c] += w[r] * w[c] / n;
                }
            }
        }
        for (int j = 1; j < p; j++) {
            a[j][j] += l2;
        }
        return new LinearModel(Linalg.solveSpd(a, b));
    }

    @Override
    public String toString() {
        return "LinearRegression[iterations=" + iterations + ", l2=" + l2 + "]";
    }
}
