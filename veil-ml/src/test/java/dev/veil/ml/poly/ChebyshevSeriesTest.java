package dev.veil.ml.poly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.function.DoubleUnaryOperator;

import org.junit.jupiter.api.Test;

class ChebyshevSeriesTest {

  /** Chebyshev's bound for an interpolant at Chebyshev nodes: max |f^(n)| (h/2)^n / (2^(n-1) n!). */
  private static double interpolationBound(double maxDerivative, double halfWidth, int degree) {
    int n = degree + 1;
    double fact = 1;
    for (int i = 2; i <= n; i++) {
      fact *= i;
    }
    return maxDerivative * Math.pow(halfWidth, n) / (Math.pow(2, n - 1) * fact);
  }

  @Test
  void interpolationOfSmoothFunctionsMeetsChebyshevBound() {
    for (int d : new int[] {4, 8, 12, 16}) {
      ChebyshevSeries exp = ChebyshevSeries.interpolate(Math::exp, -1, 1, d);
      assertThat(exp.maxError(Math::exp)).isLessThan(interpolationBound(Math.E, 1, d) + 1e-14);
      ChebyshevSeries sin = ChebyshevSeries.interpolate(Math::sin, 0, 3, d);
      assertThat(sin.maxError(Math::sin)).isLessThan(interpolationBound(1, 1.5, d) + 1e-14);
    }
    // spectral convergence: degree 30 on a wider interval is exact to double precision
    DoubleUnaryOperator f = x -> Math.cos(x) * Math.exp(-x / 4);
    assertThat(ChebyshevSeries.interpolate(f, -4, 4, 30).maxError(f)).isLessThan(1e-13);
  }

  @Test
  void interpolationReproducesPolynomialsExactly() {
    double[] power = {0.3, -1.2, 0.5, 2.0, -0.25};
    DoubleUnaryOperator f = x -> horner(power, x);
    ChebyshevSeries s = ChebyshevSeries.interpolate(f, -3, 5, 4);
    assertThat(s.maxError(f, 1001)).isLessThan(1e-12);
    ChebyshevSeries t = ChebyshevSeries.fromPowerBasis(power, -3, 5);
    for (int k = 0; k <= 4; k++) {
      assertThat(t.coefficient(k)).isCloseTo(s.coefficient(k), within(1e-12));
    }
    // and a higher interpolation degree adds only zeros
    ChebyshevSeries s8 = ChebyshevSeries.interpolate(f, -3, 5, 8);
    for (int k = 5; k <= 8; k++) {
      assertThat(s8.coefficient(k)).isCloseTo(0, within(1e-12));
    }
  }

  @Test
  void clenshawMatchesTheDefinition() {
    Random r = new Random(7);
    double[] c = new double[12];
    for (int k = 0; k < c.length; k++) {
      c[k] = r.nextGaussian();
    }
    ChebyshevSeries s = new ChebyshevSeries(-8, 8, c);
    for (double x : ChebyshevSeries.grid(-8, 8, 101)) {
      double t = x / 8;
      double direct = 0;
      for (int k = 0; k < c.length; k++) {
        direct += c[k] * Math.cos(k * Math.acos(t));
      }
      assertThat(s.evaluate(x)).isCloseTo(direct, within(1e-12));
    }
  }

  @Test
  void powerBasisRoundTrip() {
    Random r = new Random(11);
    for (double[] ab : new double[][] {{-1, 1}, {0, 1}, {-8, 8}, {-2, 6}}) {
      double[] c = new double[8];
      for (int k = 0; k < c.length; k++) {
        c[k] = r.nextGaussian();
      }
      ChebyshevSeries s = new ChebyshevSeries(ab[0], ab[1], c);
      double[] p = s.toPowerBasis();
      for (double x : ChebyshevSeries.grid(ab[0], ab[1], 57)) {
        assertThat(horner(p, x)).isCloseTo(s.evaluate(x), within(1e-9));
      }
      ChebyshevSeries back = ChebyshevSeries.fromPowerBasis(p, ab[0], ab[1]);
      for (int k = 0; k < c.length; k++) {
        assertThat(back.coefficient(k)).isCloseTo(c[k], within(1e-8));
      }
    }
  }

  @Test
  void rejectsBadInput() {
    assertThatThrownBy(() -> new ChebyshevSeries(1, 1, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a < b");
    assertThatThrownBy(() -> new ChebyshevSeries(0, 1, new double[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChebyshevSeries(0, 1, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not finite");
  }

  static double horner(double[] p, double x) {
    double s = 0;
    for (int k = p.length - 1; k >= 0; k--) {
      s = s * x + p[k];
    }
    return s;
  }
}
