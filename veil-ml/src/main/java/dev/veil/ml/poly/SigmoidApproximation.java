package dev.veil.ml.poly;

import java.util.Locale;

/**
 * Polynomial approximations of the logistic sigmoid {@code 1 / (1 + e^-x)} on an interval, by
 * name:
 *
 * <ul>
 *   <li>{@link Method#LEAST_SQUARES}: the polynomial of the given degree minimising the sum of
 *       squared errors over a fine uniform grid of the interval (uniform weight), solved by a
 *       Householder QR factorisation of the design matrix in the Chebyshev basis of the interval
 *       (well conditioned, unlike the normal equations in the power basis);
 *   <li>{@link Method#CHEBYSHEV_INTERPOLATION}: the interpolant at the Chebyshev nodes (close to
 *       the minimax polynomial, smallest maximum error of the three for a given degree);
 *   <li>{@link Method#KIM_ET_AL}: the fixed degree-3, 5 and 7 least-squares polynomials on
 *       [-8, 8] of Kim, Song, Kim, Lee and Cheon (iDASH 2017 logistic regression), with their
 *       published coefficients.
 * </ul>
 *
 * <p>Each one exposes its {@link #series() Chebyshev series} (what {@link PolynomialEvaluator}
 * consumes), double evaluation and its error against the true sigmoid on the interval. Immutable.
 */
public final class SigmoidApproximation {
  /** How the coefficients were obtained. */
  public enum Method {
    LEAST_SQUARES,
    CHEBYSHEV_INTERPOLATION,
    KIM_ET_AL
  }

  /** Highest degree accepted by the fitted methods. */
  public static final int MAX_DEGREE = 63;

  /** Points of the uniform grid on which errors are measured. */
  public static final int ERROR_GRID_POINTS = 20_001;

  /** Kim et al.'s power-basis coefficients (x^0..x^d) on [-8, 8], degrees 3, 5 and 7. */
  private static final double[] KIM_3 = {0.5, 0.15012, 0, -0.001593};
  private static final double[] KIM_5 = {0.5, 0.19131, 0, -0.0045963, 0, 4.12e-5};
  private static final double[] KIM_7 =
      {0.5, 0.216884, 0, -0.00819276, 0, 1.65861e-4, 0, -1.19581e-6};

  private final Method method;
  private final ChebyshevSeries series;
  private final double maxError;
  private final double meanError;

  private SigmoidApproximation(Method method, ChebyshevSeries series) {
    this.method = method;
    this.series = series;
    double max = 0;
    double sum = 0;
    double[] g = ChebyshevSeries.grid(series.a(), series.b(), ERROR_GRID_POINTS);
    for (double x : g) {
      double e = Math.abs(series.evaluate(x) - sigmoid(x));
      max = Math.max(max, e);
      sum += e;
    }
    this.maxError = max;
    this.meanError = sum / g.length;
  }

  /** The logistic sigmoid, computed without overflow for any x. */
  public static double sigmoid(double x) {
    if (x >= 0) {
      return 1 / (1 + Math.exp(-x));
    }
    double e = Math.exp(x);
    return e / (1 + e);
  }

  /**
   * The approximation of {@code method} on [a, b] of the given degree; Kim et al.'s exists only on
   * [-8, 8] in degrees 3, 5 and 7.
   */
  public static SigmoidApproximation of(Method method, double a, double b, int degree) {
    switch (method) {
      case LEAST_SQUARES:
        return leastSquares(a, b, degree);
      case CHEBYSHEV_INTERPOLATION:
        return chebyshev(a, b, degree);
      case KIM_ET_AL:
        if (a != -8 || b != 8) {
          throw new IllegalArgumentException(
              "Kim et al.'s polynomials are fixed on [-8, 8], asked for [" + a + ", " + b + "]");
        }
        return kimEtAl(degree);
      default:
        throw new IllegalArgumentException("unknown method " + method);
    }
  }

  /** Chebyshev interpolant of the sigmoid of the given degree on [a, b]. */
  public static SigmoidApproximation chebyshev(double a, double b, int degree) {
    checkDegree(degree);
    return new SigmoidApproximation(Method.CHEBYSHEV_INTERPOLATION,
        ChebyshevSeries.interpolate(SigmoidApproximation::sigmoid, a, b, degree));
  }

  /**
   * Least-squares polynomial of the given degree on [a, b], uniform weight over a grid of
   * {@code max(4001, 100 (d + 1))} equally spaced points.
   */
  public static SigmoidApproximation leastSquares(double a, double b, int degree) {
    checkDegree(degree);
    if (!(Double.isFinite(a) && Double.isFinite(b) && b > a)) {
      throw new IllegalArgumentException("interval must be finite with a < b, got [" + a + ", "
          + b + "]");
    }
    int m = Math.max(4001, 100 * (degree + 1));
    double[] xs = ChebyshevSeries.grid(a, b, m);
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      y[i] = sigmoid(xs[i]);
    }
    double[] c = leastSquaresChebyshev(xs, y, a, b, degree);
    return new SigmoidApproximation(Method.LEAST_SQUARES, new ChebyshevSeries(a, b, c));
  }

  /**
   * Kim, Song, Kim, Lee, Cheon (BMC Medical Genomics 11:83, 2018): least-squares sigmoid
   * polynomials on [-8, 8] of degree 3, 5 or 7, with the coefficients as published.
   */
  public static SigmoidApproximation kimEtAl(int degree) {
    double[] p;
    switch (degree) {
      case 3:
        p = KIM_3;
        break;
      case 5:
        p = KIM_5;
        break;
      case 7:
        p = KIM_7;
        break;
      default:
        throw new IllegalArgumentException(
            "Kim et al. published degrees 3, 5 and 7 only, asked for " + degree);
    }
    return new SigmoidApproximation(Method.KIM_ET_AL, ChebyshevSeries.fromPowerBasis(p, -8, 8));
  }

  /** Kim et al.'s published power-basis coefficients x^0..x^d (degree 3, 5 or 7), a copy. */
  public static double[] kimEtAlPowerCoefficients(int degree) {
    switch (degree) {
      case 3:
        return KIM_3.clone();
      case 5:
        return KIM_5.clone();
      case 7:
        return KIM_7.clone();
      default:
        throw new IllegalArgumentException(
            "Kim et al. published degrees 3, 5 and 7 only, asked for " + degree);
    }
  }

  private static void checkDegree(int degree) {
    if (degree < 1 || degree > MAX_DEGREE) {
      throw new IllegalArgumentException(
          "degree must be in [1, " + MAX_DEGREE + "], got " + degree);
    }
  }

  /**
   * Minimises {@code sum_i (sum_k c_k T_k(t_i) - y_i)^2} by Householder QR of the m x (d + 1)
   * design matrix {@code A_ik = T_k(t_i)}: {@code R c = (Q^T y)[0..d]}.
   */
  static double[] leastSquaresChebyshev(double[] xs, double[] y, double a, double b, int d) {
    int m = xs.length;
    int n = d + 1;
    if (m < n) {
      throw new IllegalArgumentException("need at least " + n + " points, got " + m);
    }
    // column-major design matrix
    double[][] col = new double[n][m];
    for (int i = 0; i < m; i++) {
      double t = ChebyshevSeries.toUnit(xs[i], a, b);
      double tPrev = 1;
      double tCur = t;
      col[0][i] = 1;
      if (n > 1) {
        col[1][i] = t;
      }
      for (int k = 2; k < n; k++) {
        double next = 2 * t * tCur - tPrev;
        col[k][i] = next;
        tPrev = tCur;
        tCur = next;
      }
    }
    double[] rhs = y.clone();
    double[] diag = new double[n];
    for (int k = 0; k < n; k++) {
      double[] v = col[k];
      double norm = 0;
      for (int i = k; i < m; i++) {
        norm = Math.hypot(norm, v[i]);
      }
      if (norm == 0) {
        throw new ArithmeticException("least squares: design matrix is rank deficient");
      }
      double alpha = v[k] > 0 ? -norm : norm;
      // Householder vector u = v - alpha e_k, stored in v[k..m)
      v[k] -= alpha;
      double uu = 0;
      for (int i = k; i < m; i++) {
        uu += v[i] * v[i];
      }
      diag[k] = alpha;
      // apply H = I - 2 u u^T / (u^T u) to the remaining columns and to rhs
      for (int j = k + 1; j < n; j++) {
        double[] w = col[j];
        double dot = 0;
        for (int i = k; i < m; i++) {
          dot += v[i] * w[i];
        }
        double f = 2 * dot / uu;
        for (int i = k; i < m; i++) {
          w[i] -= f * v[i];
        }
      }
      double dot = 0;
      for (int i = k; i < m; i++) {
        dot += v[i] * rhs[i];
      }
      double f = 2 * dot / uu;
      for (int i = k; i < m; i++) {
        rhs[i] -= f * v[i];
      }
    }
    // back substitution with R: diagonal diag[k], upper part col[j][k] for j > k
    double[] c = new double[n];
    for (int k = n - 1; k >= 0; k--) {
      double s = rhs[k];
      for (int j = k + 1; j < n; j++) {
        s -= col[j][k] * c[j];
      }
      c[k] = s / diag[k];
    }
    return c;
  }

  public Method method() {
    return method;
  }

  /** A short name, e.g. "least-squares-7[-8,8]". */
  public String name() {
    String m = switch (method) {
      case LEAST_SQUARES -> "least-squares";
      case CHEBYSHEV_INTERPOLATION -> "chebyshev";
      case KIM_ET_AL -> "kim-et-al";
    };
    return String.format(Locale.ROOT, "%s-%d[%s,%s]", m, degree(), fmt(a()), fmt(b()));
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  public double a() {
    return series.a();
  }

  public double b() {
    return series.b();
  }

  public int degree() {
    return series.degree();
  }

  /** The Chebyshev series on [a, b] (what the encrypted evaluator consumes). */
  public ChebyshevSeries series() {
    return series;
  }

  /** Chebyshev coefficients c_0..c_d on [a, b], a copy. */
  public double[] chebyshevCoefficients() {
    return series.coefficients();
  }

  /** Power-basis coefficients x^0..x^d (see {@link ChebyshevSeries#toPowerBasis()}). */
  public double[] powerCoefficients() {
    return series.toPowerBasis();
  }

  /** The polynomial at x. */
  public double evaluate(double x) {
    return series.evaluate(x);
  }

  /** Largest {@code |p(x) - sigmoid(x)|} over {@value #ERROR_GRID_POINTS} points of [a, b]. */
  public double maxError() {
    return maxError;
  }

  /** Mean {@code |p(x) - sigmoid(x)|} over {@value #ERROR_GRID_POINTS} points of [a, b]. */
  public double meanError() {
    return meanError;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: max error %.3e, mean error %.3e", name(), maxError,
        meanError);
  }
}
