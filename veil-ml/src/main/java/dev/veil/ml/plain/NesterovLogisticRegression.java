package dev.veil.ml.plain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Logistic regression by Nesterov's accelerated gradient with a polynomial sigmoid, in double precision:
 * the algorithm of Kim, Song, Kim, Lee and Cheon, "Secure logistic regression based on homomorphic
 * encryption" (JMIR Med Inform 2018; iDASH 2017), computed in clear.
 *
 * <h2>Contract (what the encrypted trainer reproduces step by step)</h2>
 * Inputs: {@code n} rows {@code x_i} in {@code R^d} (scaled so that {@code |x_ij| <= 1}, e.g. by
 * {@link dev.veil.ml.data.Scaler} min-max) and labels mapped to {@code y_i in {-1, +1}} (0 becomes -1).
 * Let {@code z_i = y_i * (1, x_i)} in {@code R^(d+1)} (a column of ones first, for the intercept), and let
 * {@code s} be the configured {@link Sigmoid} (by default Kim's degree-3 polynomial).
 * <ol>
 *   <li>Start: {@code beta_0 = v_0 = 0} (all {@code d + 1} entries), {@code lambda_0} (default 0).</li>
 *   <li>For {@code t = 0, 1, ..., T - 1} ({@code T} = {@link #iterations()}, default 7):
 *   <pre>
 *   g_t         = (1/n) * sum_i s(-z_i . v_t) * z_i  -  l2 * (0, v_t[1], ..., v_t[d])
 *   beta_{t+1}  = v_t + alpha_t * g_t                    alpha_t = 10 / (t + 1) by default
 *   lambda_{t+1} = (1 + sqrt(1 + 4 * lambda_t^2)) / 2
 *   gamma_t     = (1 - lambda_t) / lambda_{t+1}
 *   v_{t+1}     = (1 - gamma_t) * beta_{t+1} + gamma_t * beta_t
 *   </pre></li>
 *   <li>Output {@code beta_T}. Predictions use the exact sigmoid: {@code P(y=1|x) = sigma(beta_T . (1, x))}.</li>
 * </ol>
 * {@code g_t} is the gradient of the (approximated) average log-likelihood
 * {@code (1/n) sum log sigma(z_i . beta)} minus the ridge term, so the step is an ascent step. The intercept
 * is not regularised. The sums run in row order with plain double arithmetic.
 *
 * <p>Note on the default {@code lambda_0 = 0}: it gives {@code gamma_0 = 1}, so {@code v_1 = beta_0 = 0} and
 * the first step only enters through the momentum term of later steps ({@code gamma_1 = 0}). Kim et al.'s
 * published code starts at {@code lambda_0 = 0.01} ({@code gamma_0 ~ 0.99}); set {@link #withLambda0(double)}
 * to reproduce it.
 *
 * <p>Instances are immutable; configure with the {@code with...} methods.
 */
public final class NesterovLogisticRegression implements BinaryTrainer {
    /** Learning-rate schedule {@code alpha_t} for iteration {@code t = 0, 1, ...}. */
    @FunctionalInterface
    public interface LearningRate {
        /** Step size of iteration {@code t} (0-based). */
        double at(int t);

        /** Kim et al.'s schedule {@code 10 / (t + 1)}. */
        static LearningRate kim() {
            return t -> 10.0 / (t + 1);
        }

        /** A constant step size. */
        static LearningRate constant(double alpha) {
            return t -> alpha;
        }
    }

    /** Every iterate of a run: {@code betas.get(t)} is {@code beta_t}, {@code vs.get(t)} is {@code v_t}, t = 0..T. */
    public record Trace(List<double[]> betas, List<double[]> vs, double[] alphas, double[] gammas) {
        /** The final model, {@code beta_T}. */
        public LogisticModel model() {
            return new LogisticModel(betas.get(betas.size() - 1));
        }
    }

    private final int iterations;
    private final Sigmoid sigmoid;
    private final LearningRate learningRate;
    private final double l2;
    private final double lambda0;

    private NesterovLogisticRegression(int iterations, Sigmoid sigmoid, LearningRate learningRate, double l2,
            double lambda0) {
        this.iterations = iterations;
        this.sigmoid = sigmoid;
        this.learningRate = learningRate;
        this.l2 = l2;
        this.lambda0 = lambda0;
    }

    /** 7 iterations, Kim degree-3 sigmoid, {@code alpha_t = 10/(t+1)}, no regularisation, {@code lambda_0 = 0}. */
    public static NesterovLogisticRegression defaults() {
        return new NesterovLogisticRegression(7, Sigmoid.KIM_DEGREE_3, LearningRate.kim(), 0.0, 0.0);
    }

    /** Number of iterations {@code T}. */
    public NesterovLogisticRegression withIterations(int t) {
        if (t < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, got " + t);
        }
        return new NesterovLogisticRegression(t, sigmoid, learningRate, l2, lambda0);
    }

    /** The sigmoid (approximation) used in the gradient. */
    public NesterovLogisticRegression withSigmoid(Sigmoid s) {
        return new NesterovLogisticRegression(iterations, Objects.requireNonNull(s), learningRate, l2, lambda0);
    }

    /** The step-size schedule {@code alpha_t}. */
    public NesterovLogisticRegression withLearningRate(LearningRate rate) {
        return new NesterovLogisticRegression(iterations, sigmoid, Objects.requireNonNull(rate), l2, lambda0);
    }

    /** L2 penalty {@code l2 >= 0} (the intercept is not penalised). */
    public NesterovLogisticRegression withL2(double lambda) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("l2 must be finite and >= 0, got " + lambda);
        }
        return new NesterovLogisticRegression(iterations, sigmoid, learningRate, lambda, lambda0);
    }

    /** The start of the momentum sequence {@code lambda_0 >= 0}. */
    public NesterovLogisticRegression withLambda0(double lambda) {
        if (!(lambda >= 0) || !Double.isFinite(lambda)) {
            throw new IllegalArgumentException("lambda0 must be finite and >= 0, got " + lambda);
        }
        return new NesterovLogisticRegression(iterations, sigmoid, learningRate, l2, lambda);
    }

    public int iterations() {
        return iterations;
    }

    public Sigmoid sigmoid() {
        return sigmoid;
    }

    public LearningRate learningRate() {
        return learningRate;
    }

    public double l2() {
        return l2;
    }

    public double lambda0() {
        return lambda0;
    }

    @Override
    public LogisticModel fit(double[][] x, double[] y) {
        return trace(x, y).model();
    }

    /** Runs the algorithm and returns every iterate (for step-by-step comparison with the encrypted run). */
    public Trace trace(double[][] x, double[] y) {
        Linalg.checkDesign(x, y);
        double[] s = Linalg.plusMinusOne(y);
        int n = x.length;
        int d = x[0].length;
        double[] beta = new double[d + 1];
        double[] v = new double[d + 1];
        double lambda = lambda0;
        List<double[]> betas = new ArrayList<>();
        List<double[]> vs = new ArrayList<>();
        double[] alphas = new double[iterations];
        double[] gammas = new double[iterations];
        betas.add(beta.clone());
        vs.add(v.clone());
        for (int t = 0; t < iterations; t++) {
            double[] g = gradient(x, s, v, n, d);
            double alpha = learningRate.at(t);
            double[] next = new double[d + 1];
            for (int j = 0; j <= d; j++) {
                next[j] = v[j] + alpha * g[j];
            }
            double lambdaNext = (1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2;
            double gamma = (1 - lambda) / lambdaNext;
            double[] vNext = new double[d + 1];
            for (int j = 0; j <= d; j++) {
                vNext[j] = (1 - gamma) * next[j] + gamma * beta[j];
            }
            for (int j = 0; j <= d; j++) {
                if (!Double.isFinite(vNext[j])) {
                    throw new ArithmeticException(String.format(Locale.ROOT,
                            "Nesterov iteration %d diverged (weight %d = %s): scale the features into [-1, 1] "
                                    + "or lower the learning rate", t, j, vNext[j]));
                }
            }
            alphas[t] = alpha;
            gammas[t] = gamma;
            beta = next;
            v = vNext;
            lambda = lambdaNext;
            betas.add(beta.clone());
            vs.add(v.clone());
        }
        return new Trace(Collections.unmodifiableList(betas), Collections.unmodifiableList(vs), alphas, gammas);
    }

    /** {@code (1/n) sum_i s(-z_i . v) z_i - l2 (0, v_1..v_d)} with {@code z_i = y_i (1, x_i)}. */
    double[] gradient(double[][] x, double[] ypm, double[] v, int n, int d) {
        double[] g = new double[d + 1];
        for (int i = 0; i < n; i++) {
            double zv = ypm[i] * Linalg.affine(v, x[i]);
            double w = sigmoid.apply(-zv) * ypm[i];
            g[0] += w;
            for (int j = 0; j < d; j++) {
                g[j + 1] += w * x[i][j];
            }
        }
        for (int j = 0; j <= d; j++) {
            g[j] /= n;
        }
        for (int j = 1; j <= d; j++) {
            g[j] -= l2 * v[j];
        }
        return g;
    }

    @Override
    public String toString() {
        return "NesterovLogisticRegression[iterations=" + iterations + ", sigmoid=" + sigmoid.name() + ", l2=" + l2
                + ", lambda0=" + lambda0 + "]";
    }
}
