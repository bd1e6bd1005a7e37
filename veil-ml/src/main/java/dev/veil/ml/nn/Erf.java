package dev.veil.ml.nn;

/** The error function in double precision (for GELU), which java.lang.Math lacks. */
final class Erf {
  private Erf() {}

  /**
   * erf(x): the Maclaurin series {@code 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))} for {@code
   * |x| < 3} (terms peak near e^9, so about 12 digits survive the cancellation), and {@code 1 -
   * erfc(x)} from erfc's continued fraction beyond (evaluated by the modified Lentz method).
   */
  static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    double r;
    if (ax < 3) {
      double term = ax;
      double sum = ax;
      double x2 = ax * ax;
      for (int n = 1; n < 200; n++) {
        term *= -x2 / n;
        double add = term / (2 * n + 1);
        sum += add;
        if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
          break;
        }
      }
      r = 2 / Math.sqrt(Math.PI) * sum;
    } else {
      r = 1 - erfcLarge(ax);
    }
    return x < 0 ? -r : r;
  }

  /** erfc(x) for x >= 3: {@code e^{-x^2}/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}. */
  private static double erfcLarge(double x) {
    double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0;
    for (int k = 1; k < 300; k++) {
      double a = k / 2.0;
      d = x + a * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = x + a / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
  }
}
