package dev.veil.ml.poly;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * A polynomial on an interval {@code [a, b]} written in the Chebyshev basis of that interval:
 * {@code p(x) = sum_k c_k T_k(t)} with {@code t = (2x - a - b) / (b - a)} in [-1, 1]. Immutable.
 *
 * <p>This is what {@link PolynomialEvaluator} consumes: the Chebyshev basis is well conditioned
 * on the interval (every {@code |T_k(t)| <= 1}), so the size of the coefficients bounds the size
 * of every intermediate value and the error of the encrypted evaluation.
 */
public final class ChebyshevSeries {
  private final double a;
  private final double b;
  private final double[] c;

  /**
   * @param a left end of the interval
   * @param b right end, {@code b > a}
   * @param coefficients c_0..c_d (trailing zeros are kept: the degree is length - 1)
   */
  public ChebyshevSeries(double a, double b, double[] coefficients) {
    Objects.requireNonNull(coefficients, "coefficients");
    if (!(Double.isFinite(a) && Double.isFinite(b) && b > a)) {
      throw new IllegalArgumentException("interval must be finite with a < b, got [" + a + ", "
          + b + "]");
    }
    if (coefficients.length == 0) {
      throw new IllegalArgumentException("at least one coefficient is needed");
    }
    for (double v : coefficients) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("coefficient is not finite: " + v);
      }
    }
    this.a = a;
    this.b = b;
    this.c = coefficients.clone();
  }

  /**
   * Chebyshev interpolant of degree {@code degree} of {@code f} on {@code [a, b]}: interpolates
   * f at the d + 1 Chebyshev nodes of the first kind (the zeros of T_{d+1}), computed by the
   * discrete cosine sums {@code c_j = (2 / n) sum_k f(x_k) T_j(t_k)} (c_0 halved).
   */
  public static ChebyshevSeries interpolate(DoubleUnaryOperator f, double a, double b,
      int degree) {
    if (degree < 0) {
      throw new IllegalArgumentException("degree must be >= 0, got " + degree);
    }
    int n = degree + 1;
    double[] fv = new double[n];
    for (int k = 0; k < n; k++) {
      double t = Math.cos(Math.PI * (k + 0.5) / n);
      fv[k] = f.applyAsDouble(fromUnit(t, a, b));
    }
    double[] coeffs = new double[n];
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) {
        s += fv[k] * Math.cos(Math.PI * j * (k + 0.5) / n);
      }
      coeffs[j] = 2 * s / n;
    }
    coeffs[0] /= 2;
    return new ChebyshevSeries(a, b, coeffs);
  }

  /**
   * The series of a polynomial given in the power basis of x: {@code p(x) = sum_k p_k x^k},
   * expressed in the Chebyshev basis of {@code [a, b]}.
   */
  public static ChebyshevSeries fromPowerBasis(double[] power, double a, double b) {
    if (power.length == 0) {
      throw new IllegalArgumentException("at least one coefficient is needed");
    }
    // x = g t + h; Horner in the Chebyshev basis of t: S <- t S + p_k, where
    // t T_0 = T_1 and t T_j = (T_{j+1} + T_{j-1}) / 2.
    double g = (b - a) / 2;
    double h = (a + b) / 2;
    int d = power.length - 1;
    double[] s = new double[d + 1];
    int deg = 0; // degree of s so far
    for (int k = d; k >= 0; k--) {
      if (k < d) {
        // s <- (g t + h) s
        double[] ts = new double[d + 1];
        for (int j = 0; j <= deg; j++) {
          if (j == 0) {
            ts[1] += s[0];
          } else {
            ts[j + 1] += s[j] / 2;
            ts[j - 1] += s[j] / 2;
          }
        }
        for (int j = 0; j <= deg + 1; j++) {
          s[j] = g * ts[j] + h * s[j];
        }
        deg++;
      }
      s[0] += power[k];
    }
    return new ChebyshevSeries(a, b, s);
  }

  /** Maps x in [a, b] to t in [-1, 1]. */
  public static double toUnit(double x, double a, double b) {
    return (2 * x - a - b) / (b - a);
  }

  /** Maps t in [-1, 1] to x in [a, b]. */
  public static double fromUnit(double t, double a, double b) {
    return ((b - a) * t + a + b) / 2;
  }

  public double a() {
    return a;
  }

  public double b() {
    return b;
  }

  /** Degree d: the number of coefficients minus one (trailing zeros count). */
  public int degree() {
    return c.length - 1;
  }

  public double coefficient(int k) {
    return c[k];
  }

  /** A copy of c_0..c_d. */
  public double[] coefficients() {
    return c.clone();
  }

  /** {@code sum_k |c_k|}: a bound on {@code max |p|} on the interval. */
  public double l1Norm() {
    double s = 0;
    for (double v : c) {
      s += Math.abs(v);
    }
    return s;
  }

  /** The same series with trailing coefficients of magnitude at most {@code tol} removed. */
  public ChebyshevSeries trimmed(double tol) {
    int d = c.length - 1;
    while (d > 0 && Math.abs(c[d]) <= tol) {
      d--;
    }
    return d == c.length - 1 ? this : new ChebyshevSeries(a, b, Arrays.copyOf(c, d + 1));
  }

  /** p(x) by Clenshaw's recurrence (x may lie outside [a, b]: the polynomial is extended). */
  public double evaluate(double x) {
    double t = toUnit(x, a, b);
    double b1 = 0;
    double b2 = 0;
    for (int k = c.length - 1; k >= 1; k--) {
      double b0 = c[k] + 2 * t * b1 - b2;
      b2 = b1;
      b1 = b0;
    }
    return c[0] + t * b1 - b2;
  }

  /** p at every x. */
  public double[] evaluate(double[] xs) {
    double[] r = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      r[i] = evaluate(xs[i]);
    }
    return r;
  }

  /**
   * Coefficients p_0..p_d of the same polynomial in the power basis of x. Ill-conditioned for
   * high degrees on wide intervals (the monomials are): for tests and for published polynomials.
   */
  public double[] toPowerBasis() {
    int d = c.length - 1;
    // power basis in t: sum c_k T_k(t), with T_k's power coefficients by T_{k+1} = 2t T_k - T_{k-1}
    double[] u = new double[d + 1];
    double[] tPrev = new double[d + 1];
    double[] tCur = new double[d + 1];
    tPrev[0] = 1; // T_0
    u[0] += c[0];
    if (d >= 1) {
      tCur[1] = 1; // T_1
      u[1] += c[1];
    }
    for (int k = 2; k <= d; k++) {
      double[] next = new double[d + 1];
      for (int j = 0; j < d; j++) {
        next[j + 1] += 2 * tCur[j];
      }
      for (int j = 0; j <= d; j++) {
        next[j] -= tPrev[j];
      }
      for (int j = 0; j <= d; j++) {
        u[j] += c[k] * next[j];
      }
      tPrev = tCur;
      tCur = next;
    }
    // substitute t = alpha x + beta by Horner: R <- R (alpha x + beta) + u_k
    double alpha = 2 / (b - a);
    double beta = -(a + b) / (b - a);
    double[] r = new double[d + 1];
    int deg = 0;
    r[0] = u[d];
    for (int k = d - 1; k >= 0; k--) {
      for (int j = deg + 1; j >= 0; j--) {
        double lower = j > 0 ? r[j - 1] : 0;
        r[j] = alpha * lower + beta * r[j];
      }
      deg++;
      r[0] += u[k];
    }
    return r;
  }

  /** Largest {@code |f(x) - p(x)|} over {@code points} equally spaced points of [a, b]. */
  public double maxError(DoubleUnaryOperator f, int points) {
    double m = 0;
    for (double x : grid(a, b, points)) {
      m = Math.max(m, Math.abs(f.applyAsDouble(x) - evaluate(x)));
    }
    return m;
  }

  /** Largest {@code |f(x) - p(x)|} over 10,001 equally spaced points of [a, b]. */
  public double maxError(DoubleUnaryOperator f) {
    return maxError(f, 10_001);
  }

  /** {@code points} equally spaced points from a to b inclusive (points >= 2). */
  public static double[] grid(double a, double b, int points) {
    if (points < 2) {
      throw new IllegalArgumentException("a grid needs at least 2 points, got " + points);
    }
    double[] g = new double[points];
    for (int i = 0; i < points; i++) {
      g[i] = a + (b - a) * i / (points - 1);
    }
    g[points - 1] = b;
    return g;
  }

  /** Equal when the intervals and all coefficients are equal (as doubles, trailing zeros count). */
  @Override
  public boolean equals(Object o) {
    return o instanceof ChebyshevSeries s && Double.compare(s.a, a) == 0
        && Double.compare(s.b, b) == 0 && Arrays.equals(s.c, c);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(c) * 31 + Double.hashCode(a) * 7 + Double.hashCode(b);
  }

  @Override
  public String toString() {
    return "ChebyshevSeries[" + a + ", " + b + "] degree " + degree() + " " + Arrays.toString(c);
  }
}
