package dev.veil.ml.poly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

import dev.veil.ml.poly.SigmoidApproximation.Method;

class SigmoidApproximationTest {

  @Test
  void errorsDecreaseWithDegree() {
    for (Method m : new Method[] {Method.LEAST_SQUARES, Method.CHEBYSHEV_INTERPOLATION}) {
      for (double[] ab : new double[][] {{-8, 8}, {-4, 4}, {-6, 2}}) {
        double prevMax = Double.POSITIVE_INFINITY;
        double prevMean = Double.POSITIVE_INFINITY;
        for (int d = 3; d <= 15; d += 2) {
          SigmoidApproximation s = SigmoidApproximation.of(m, ab[0], ab[1], d);
          System.out.println(s);
          assertThat(s.degree()).isEqualTo(d);
          assertThat(s.maxError()).isLessThan(prevMax);
          assertThat(s.meanError()).isLessThan(prevMean);
          prevMax = s.maxError();
          prevMean = s.meanError();
        }
      }
    }
  }

  @Test
  void leastSquaresHasTheSmallestMeanSquareAndInterpolationIsCloseToMinimax() {
    for (int d = 3; d <= 15; d += 2) {
      SigmoidApproximation ls = SigmoidApproximation.leastSquares(-8, 8, d);
      SigmoidApproximation ch = SigmoidApproximation.chebyshev(-8, 8, d);
      assertThat(rms(ls)).isLessThanOrEqualTo(rms(ch) * (1 + 1e-9));
      // the Chebyshev interpolant's maximum error is close to the best possible one
      assertThat(ch.maxError()).isLessThan(ls.maxError() * 1.05);
    }
  }

  private static double rms(SigmoidApproximation s) {
    double sum = 0;
    double[] g = ChebyshevSeries.grid(s.a(), s.b(), 4001);
    for (double x : g) {
      double e = s.evaluate(x) - SigmoidApproximation.sigmoid(x);
      sum += e * e;
    }
    return Math.sqrt(sum / g.length);
  }

  @Test
  void kimEtAlCoefficientsReproduceAnchors() {
    // ANCHORS.md section 3, Kim, Song, Kim, Lee, Cheon 2018
    double[][] published = {
        {0.5, 0.15012, 0, -0.001593},
        {0.5, 0.19131, 0, -0.0045963, 0, 4.12e-5},
        {0.5, 0.216884, 0, -0.00819276, 0, 1.65861e-4, 0, -1.19581e-6}};
    int[] degrees = {3, 5, 7};
    double prevMax = Double.POSITIVE_INFINITY;
    for (int i = 0; i < 3; i++) {
      SigmoidApproximation k = SigmoidApproximation.kimEtAl(degrees[i]);
      System.out.println(k);
      assertThat(k.a()).isEqualTo(-8);
      assertThat(k.b()).isEqualTo(8);
      assertThat(k.degree()).isEqualTo(degrees[i]);
      double[] p = k.powerCoefficients();
      for (int j = 0; j < p.length; j++) {
        assertThat(p[j]).isCloseTo(published[i][j], within(1e-12 * Math.abs(published[i][1])));
      }
      assertThat(SigmoidApproximation.kimEtAlPowerCoefficients(degrees[i]))
          .containsExactly(published[i]);
      // their polynomials are the uniform least-squares fits on [-8, 8]: ours agree to 0.1 %
      // per coefficient, except the published x^5 coefficient of degree 5, 4.12e-5, where the
      // fit gives 4.219e-5 (2.4 % apart: the anchor looks truncated; at x = 8 it moves the
      // polynomial by 0.03, which is why Kim's degree 5 has a different max error from ours)
      double[] ours = SigmoidApproximation.leastSquares(-8, 8, degrees[i]).powerCoefficients();
      for (int j = 1; j < p.length; j += 2) {
        double tol = degrees[i] == 5 && j == 5 ? 0.03 : 1e-3;
        assertThat(ours[j]).isCloseTo(published[i][j], within(tol * Math.abs(published[i][j])));
      }
      assertThat(ours[0]).isCloseTo(0.5, within(1e-12));
      assertThat(k.maxError()).isLessThan(prevMax);
      prevMax = k.maxError();
    }
  }

  @Test
  void namesAndErrors() {
    SigmoidApproximation s = SigmoidApproximation.leastSquares(-8, 8, 7);
    assertThat(s.name()).isEqualTo("least-squares-7[-8,8]");
    assertThat(s.method()).isEqualTo(Method.LEAST_SQUARES);
    assertThat(s.chebyshevCoefficients()).hasSize(8);
    assertThat(s.evaluate(0)).isCloseTo(0.5, within(1e-12)); // odd part only: exact at 0
    assertThat(s.meanError()).isLessThan(s.maxError());
    assertThat(SigmoidApproximation.sigmoid(-800)).isEqualTo(0.0);
    assertThat(SigmoidApproximation.sigmoid(800)).isEqualTo(1.0);
    assertThatThrownBy(() -> SigmoidApproximation.kimEtAl(4))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3, 5 and 7");
    assertThatThrownBy(() -> SigmoidApproximation.of(Method.KIM_ET_AL, -4, 4, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[-8, 8]");
  }
}
