package dev.veil.ml.plain;

import java.util.Arrays;
import java.util.Objects;

/**
 * The logistic function {@code sigma(x) = 1 / (1 + e^-x)} or a polynomial approximation of it.
 *
 * <p>Encrypted training cannot evaluate {@code e^-x}; it evaluates a polynomial instead. The constants
 * {@link #KIM_DEGREE_3}, {@link #KIM_DEGREE_5} and {@link #KIM_DEGREE_7} are the least-squares fits on
 * [-8, 8] published by Kim, Song, Kim, Lee and Cheon (2018):
 * <pre>
 * degree 3: 0.5 + 0.15012 x - 0.001593 x^3
 * degree 5: 0.5 + 0.19131 x - 0.0045963 x^3 + 4.12e-5 x^5
 * degree 7: 0.5 + 0.216884 x - 0.00819276 x^3 + 1.65861e-4 x^5 - 1.19581e-6 x^7
 * </pre>
 * They are accurate only on [-8, 8]; outside it they diverge (the plain trainer does not clamp, exactly
 * as the encrypted one cannot).
 */
public final class Sigmoid {
    /** The exact logistic function (numerically stable for large |x|). */
    public static final Sigmoid EXACT = new Sigmoid("exact", null);
    /** Kim et al. degree 3 on [-8, 8]. */
    public static final Sigmoid KIM_DEGREE_3 = polynomial("kim3", 0.5, 0.15012, 0, -0.001593);
    /** Kim et al. degree 5 on [-8, 8]. */
    public static final Sigmoid KIM_DEGREE_5 = polynomial("kim5", 0.5, 0.19131, 0, -0.0045963, 0, 4.12e-5);
    /** Kim et al. degree 7 on [-8, 8]. */
    public static final Sigmoid KIM_DEGREE_7 =
            polynomial("kim7", 0.5, 0.216884, 0, -0.00819276, 0, 1.65861e-4, 0, -1.19581e-6);

    private final String name;
    private final double[] coefficients;

    private Sigmoid(String name, double[] coefficients) {
        this.name = name;
        this.coefficients = coefficients;
    }

    /** A polynomial {@code c[0] + c[1] x + c[2] x^2 + ...} (ascending powers). */
    public static Sigmoid polynomial(String name, double... coefficientsAscending) {
        Objects.requireNonNull(name, "name");
        if (coefficientsAscending.length == 0) {
            throw new IllegalArgumentException("a polynomial needs at least one coefficient");
        }
        for (double c : coefficientsAscending) {
            if (!Double.isFinite(c)) {
                throw new IllegalArgumentException("non-finite coefficient in " + Arrays.toString(coefficientsAscending));
            }
        }
        return new Sigmoid(name, coefficientsAscending.clone());
    }

    /** The Kim et al. polynomial of degree 3, 5 or 7. */
    public static Sigmoid kim(int degree) {
        switch (degree) {
            case 3:
                return KIM_DEGREE_3;
            case 5:
                return KIM_DEGREE_5;
            case 7:
                return KIM_DEGREE_7;
            default:
                throw new IllegalArgumentException("Kim et al. give degrees 3, 5 and 7, not " + degree);
        }
    }

    /**
     * The least-squares fit of the logistic function on [-bound, bound] by {@code 0.5 + } an odd polynomial of
     * this degree (the form of Kim et al.'s fits, which are this fit for bound 8): uniform weight on a grid of
     * 4,001 points, solved by normal equations in the scaled variable {@code u / bound}. Deterministic.
     *
     * @throws IllegalArgumentException unless the degree is odd and in [1, 15] and the bound finite and > 0
     */
    public static Sigmoid leastSquares(int degree, double bound) {
        return fit(degree, bound, u -> 1, String.format(java.util.Locale.ROOT, "ls%d[%s]", degree,
                trim(bound)));
    }

    /** The constant part of {@link #weightedLeastSquares}'s weight. */
    public static final double WEIGHT_FLOOR = 0.01;

    /**
     * The least-squares fit on [-bound, bound] of the same form as {@link #leastSquares}, with the weight
     * {@code WEIGHT_FLOOR + exp(-u^2 / (2 width^2))}: most accurate where most arguments of a training run lie
     * (within a few {@code width} of 0), still fitted over the whole interval so that the polynomial stays
     * bounded there. A degree-3 fit on [-24, 24] with uniform weight is half as steep as the sigmoid at 0, so
     * the gradient's fixed point is far from the maximum-likelihood model; centred on the arguments it
     * follows the sigmoid where it matters. Deterministic.
     *
     * @throws IllegalArgumentException unless the degree is odd and in [1, 15], and bound and width finite
     *     and > 0
     */
    public static Sigmoid weightedLeastSquares(int degree, double bound, double width) {
        if (!(width > 0) || !Double.isFinite(width)) {
            throw new IllegalArgumentException("the width must be finite and > 0, got " + width);
        }
        double twoW2 = 2 * width * width;
        return fit(degree, bound, u -> WEIGHT_FLOOR + Math.exp(-u * u / twoW2),
                String.format(java.util.Locale.ROOT, "wls%d[%s,%s]", degree, trim(bound), trim(width)));
    }

    private static Sigmoid fit(int degree, double bound, java.util.function.DoubleUnaryOperator weight,
            String name) {
        if (degree < 1 || degree > 15 || degree % 2 == 0) {
            throw new IllegalArgumentException("the degree must be odd and in [1, 15], got " + degree);
        }
        if (!(bound > 0) || !Double.isFinite(bound)) {
            throw new IllegalArgumentException("the bound must be finite and > 0, got " + bound);
        }
        int m = (degree + 1) / 2;
        double[][] a = new double[m][m];
        double[] b = new double[m];
        int points = 4001;
        double[] pow = new double[m];
        for (int i = 0; i < points; i++) {
            double t = -1 + 2.0 * i / (points - 1);
            double w = weight.applyAsDouble(t * bound);
            double r = logistic(t * bound) - 0.5;
            for (int k = 0; k < m; k++) {
                pow[k] = Math.pow(t, 2 * k + 1);
            }
            for (int k = 0; k < m; k++) {
                b[k] += w * pow[k] * r;
                for (int l = 0; l < m; l++) {
                    a[k][l] += w * pow[k] * pow[l];
                }
            }
        }
        double[] c = Linalg.solveSpd(a, b);
        double[] coefficients = new double[degree + 1];
        coefficients[0] = 0.5;
        for (int k = 0; k < m; k++) {
            coefficients[2 * k + 1] = c[k] / Math.pow(bound, 2 * k + 1);
        }
        return polynomial(name, coefficients);
    }

    /** The largest {@code |s(u) - sigma(u)|} on [-bound, bound] (a grid of 4,001 points and both ends). */
    public double maxError(double bound) {
        double max = 0;
        for (int i = 0; i <= 4000; i++) {
            double u = -bound + 2 * bound * i / 4000.0;
            max = Math.max(max, Math.abs(apply(u) - logistic(u)));
        }
        return max;
    }

    /** Kim et al.'s published polynomial for bound 8, else {@link #leastSquares(int, double)}. */
    public static Sigmoid onInterval(int degree, double bound) {
        return bound == 8 ? kim(degree) : leastSquares(degree, bound);
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.4g", v);
    }

    /** The largest {@code |s(u)|} on [-bound, bound] (a grid of 4,001 points and both ends). */
    public double supremum(double bound) {
        double max = 0;
        for (int i = 0; i <= 4000; i++) {
            max = Math.max(max, Math.abs(apply(-bound + 2 * bound * i / 4000.0)));
        }
        return max;
    }

    /** The exact logistic function, stable for any finite x. */
    public static double logistic(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** Evaluates the function (Horner's rule for a polynomial). */
    public double apply(double x) {
        if (coefficients == null) {
            return logistic(x);
        }
        double s = 0;
        for (int k = coefficients.length - 1; k >= 0; k--) {
            s = s * x + coefficients[k];
        }
        return s;
    }

    /** Whether this is the exact logistic function. */
    public boolean isExact() {
        return coefficients == null;
    }

    /** Polynomial coefficients, ascending powers (a copy); empty for {@link #EXACT}. */
    public double[] coefficients() {
        return coefficients == null ? new double[0] : coefficients.clone();
    }

    /** Polynomial degree; -1 for {@link #EXACT}. */
    public int degree() {
        return coefficients == null ? -1 : coefficients.length - 1;
    }

    /** Short name, e.g. {@code kim3} or {@code exact}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return coefficients == null ? "Sigmoid[exact]" : "Sigmoid[" + name + ": " + Arrays.toString(coefficients) + "]";
    }
}
