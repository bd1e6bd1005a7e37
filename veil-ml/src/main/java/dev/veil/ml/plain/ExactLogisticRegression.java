package dev.veil.ml.plain;

/**
 * Maximum-likelihood logistic regression by Newton's method (iteratively reweighted least squares): the
 * "exact" baseline the approximate and encrypted trainers are compared to.
 *
 * <p>It maximises {@code L(beta) = (1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)] - (ridge/2) ||beta_1..d||^2}
 * with {@code p_i = sigma(beta . (1, x_i))}, labels 0/1. The tiny default ridge ({@code 1e-6}) keeps the
 * solution finite on separable data and leaves other solutions essentially unchanged; the intercept is not
 * penalised. Each step solves {@code (X^T W X / n + ridge I') delta = grad L} by Cholesky, then halves the
 * step until {@code L} does not decrease. It stops when {@code max |delta_j| < tolerance} or after
 * {@code maxIterations} steps.
 */
public final class ExactLogisticRegression implements BinaryTrainer {
    /** A fit and how it ended. */
    public record Result(LogisticModel model, int iterations, boolean converged, double gradientNorm) {
    }

    private final double ridge;
    private final double tolerance;
    private final int maxIterations;

    private ExactLogisticRegression(double ridge, double tolerance, int maxIterations) {
        this.ridge = ridge;
        this.tolerance = tolerance;
        this.maxIterations = maxIterations;
    }

    /** Ridge 1e-6, tolerance 1e-10, at most 100 Newton steps. */
    public static ExactLogisticRegression defaults() {
        return new ExactLogisticRegression(1e-6, 1e-10, 100);
    }

    /** The ridge penalty (>= 0; 0 may fail to converge on separable data). */
    public ExactLogisticRegression withRidge(double r) {
        if (!(r >= 0) || !Double.isFinite(r)) {
            throw new IllegalArgumentException("ridge must be finite and >= 0, got " + r);
        }
        return new ExactLogisticRegression(r, tolerance, maxIterations);
    }

    /** Convergence tolerance on the largest Newton step component. */
    public ExactLogisticRegression withTolerance(double tol) {
        if (!(tol > 0)) {
            throw new IllegalArgumentException("tolerance must be > 0, got " + tol);
        }
        return new ExactLogisticRegression(ridge, tol, maxIterations);
    }

    /** Maximum number of Newton steps. */
    public ExactLogisticRegression withMaxIterations(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("maxIterations must be at least 1, got " + max);
        }
        return new ExactLogisticRegression(ridge, tolerance, max);
    }

    @Override
    public LogisticModel fit(double[][] x, double[] y) {
        return fitDetailed(x, y).model();
    }

    /** Fits and reports iterations, convergence and the final gradient's Euclidean norm. */
    public Result fitDetailed(double[][] x, double[] y) {
        Linalg.checkDesign(x, y);
        double[] y01 = Linalg.plusMinusOne(y);
        for (int i = 0; i < y01.length; i++) {
            y01[i] = y01[i] > 0 ? 1.0 : 0.0;
        }
        int n = x.length;
        int p = x[0].length + 1;
        double[] beta = new double[p];
        double objective = objective(x, y01, beta);
        int it = 0;
        boolean converged = false;
        double[] grad = gradient(x, y01, beta);
        while (it < maxIterations) {
            it++;
            double[][] h = new double[p][p];
            double[] row = new double[p];
            row[0] = 1;
            for (int i = 0; i < n; i++) {
                System.arraycopy(x[i], 0, row, 1, p - 1);
                double pi = Sigmoid.logistic(Linalg.affine(beta, x[i]));
                double w = pi * (1 - pi) / n;
                for (int a = 0; a < p; a++) {
                    double wa = w * row[a];
                    for (int b = 0; b <= a; b++) {
                        h[a][b] += wa * row[b];
                    }
                }
            }
            for (int a = 0; a < p; a++) {
                h[a][a] += (a == 0 ? 1e-12 : ridge) + 1e-14;
                for (int b = 0; b < a; b++) {
                    h[b][a] = h[a][b];
                }
            }
            double[] delta = Linalg.solveSpd(h, grad);
            double step = 1.0;
            double[] candidate = new double[p];
            double candObjective;
            while (true) {
                for (int j = 0; j < p; j++) {
                    candidate[j] = beta[j] + step * delta[j];
                }
                candObjective = objective(x, y01, candidate);
                if (candObjective >= objective - 1e-15 * Math.abs(objective) || step < 1e-10) {
                    break;
                }
                step /= 2;
            }
            double maxStep = 0;
            for (int j = 0; j < p; j++) {
                maxStep = Math.max(maxStep, Math.abs(step * delta[j]));
            }
            beta = candidate.clone();
            objective = candObjective;
            grad = gradient(x, y01, beta);
            if (maxStep < tolerance) {
                converged = true;
                break;
            }
        }
        double norm = 0;
        for (double g : grad) {
            norm += g * g;
        }
        return new Result(new LogisticModel(beta), it, converged, Math.sqrt(norm));
    }

    /** The penalised average log-likelihood {@code L(beta)}. */
    double objective(double[][] x, double[] y01, double[] beta) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            double u = Linalg.affine(beta, x[i]);
            // log sigma(u) = -log(1 + e^-u), log(1 - sigma(u)) = -log(1 + e^u), computed stably
            s -= y01[i] > 0 ? softplus(-u) : softplus(u);
        }
        double pen = 0;
        for (int j = 1; j < beta.length; j++) {
            pen += beta[j] * beta[j];
        }
        return s / x.length - ridge / 2 * pen;
    }

    /** The gradient of {@link #objective}: {@code (1/n) X^T (y - p) - ridge (0, beta_1..d)}. */
    double[] gradient(double[][] x, double[] y01, double[] beta) {
        int p = beta.length;
        double[] g = new double[p];
        for (int i = 0; i < x.length; i++) {
            double r = y01[i] - Sigmoid.logistic(Linalg.affine(beta, x[i]));
            g[0] += r;
            for (int j = 1; j < p; j++) {
                g[j] += r * x[i][j - 1];
            }
        }
        for (int j = 0; j < p; j++) {
            g[j] /= x.length;
            if (j > 0) {
                g[j] -= ridge * beta[j];
            }
        }
        return g;
    }

    private static double softplus(double u) {
        return u > 0 ? u + Math.log1p(Math.exp(-u)) : Math.log1p(Math.exp(u));
    }

    @Override
    public String toString() {
        return "ExactLogisticRegression[ridge=" + ridge + ", tolerance=" + tolerance + ", maxIterations=" + maxIterations + "]";
    }
}
