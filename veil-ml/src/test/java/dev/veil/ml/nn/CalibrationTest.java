package dev.veil.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.nn.Layer.Activation.Function;
import org.junit.jupiter.api.Test;

class CalibrationTest {
  /** 4 -> 8 (relu) -> 8 (tanh) -> 3, random weights. */
  static Network mlp(long seed) {
    Random r = new Random(seed);
    return Network.sequential(Shape.vector(4), Network.Output.SOFTMAX,
        new Layer.Dense(8, 4, gaussian(r, 32, 0.5), gaussian(r, 8, 0.1)),
        Activation.of(Function.RELU),
        new Layer.Dense(8, 8, gaussian(r, 64, 0.35), gaussian(r, 8, 0.1)),
        Activation.of(Function.TANH),
        new Layer.Dense(3, 8, gaussian(r, 24, 1), gaussian(r, 3, 0.1)));
  }

  /** Gaussian values of standard deviation {@code sd} (weights about 1 / sqrt(fan-in)). */
  static double[] gaussian(Random r, int n, double sd) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = sd * r.nextGaussian();
    }
    return v;
  }

  static List<double[]> inputs(long seed, int n) {
    Random r = new Random(seed);
    List<double[]> x = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      x.add(gaussian(r, 4, 1));
    }
    return x;
  }

  @Test
  void fixedDegreeCoversTheMeasuredRangeWithTheMarginAndRecordsItsError() {
    Network net = mlp(1);
    List<double[]> cal = inputs(2, 200);
    Calibration.Result res = Calibration.approximate(net, cal,
        Calibration.Options.defaults().withDegree(7));
    assertThat(res.activations()).hasSize(2);
    // the relu's input is the first dense layer's output: its range times 1.2 about the centre
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double[] x : cal) {
      for (double v : net.forwardAll(x, Network.Mode.EXACT)[0]) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    Calibration.Approximated relu = res.activations().get(0);
    assertThat(relu.function()).isEqualTo(Function.RELU);
    assertThat(relu.a()).isCloseTo((lo + hi) / 2 - 0.6 * (hi - lo), within(1e-12));
    assertThat(relu.b()).isCloseTo((lo + hi) / 2 + 0.6 * (hi - lo), within(1e-12));
    assertThat(relu.degree()).isEqualTo(7);
    Activation layer = (Activation) res.network().nodes().get(1).layer();
    assertThat(layer.approximated()).isTrue();
    assertThat(layer.maxError()).isEqualTo(relu.maxError()).isPositive();
    // the recorded error bounds the polynomial's error at every point of the interval
    for (int k = 0; k <= 100; k++) {
      double x = relu.a() + (relu.b() - relu.a()) * k / 100;
      assertThat(Math.abs(layer.polynomial().evaluate(x) - Math.max(0, x)))
          .isLessThanOrEqualTo(relu.maxError() + 1e-12);
    }
    assertThat(res.met()).isTrue();
    res.network().forward(cal.get(0), Network.Mode.POLYNOMIAL); // runs in polynomial mode
  }

  /** 4 -> 8 (tanh) -> 8 (sigmoid) -> 3: smooth activations, which low degrees fit well. */
  static Network smooth(long seed) {
    Random r = new Random(seed);
    return Network.sequential(Shape.vector(4), Network.Output.SOFTMAX,
        new Layer.Dense(8, 4, gaussian(r, 32, 0.5), gaussian(r, 8, 0.1)),
        Activation.of(Function.TANH),
        new Layer.Dense(8, 8, gaussian(r, 64, 1), gaussian(r, 8, 0.1)),
        Activation.of(Function.SIGMOID),
        new Layer.Dense(3, 8, gaussian(r, 24, 2), gaussian(r, 3, 0.1)));
  }

  @Test
  void chosenDegreeIsTheSmallestThatKeepsThePredictions() {
    Network net = smooth(3);
    List<double[]> cal = inputs(4, 300);
    Calibration.Options o = Calibration.Options.defaults();
    Calibration.Result res = Calibration.approximate(net, cal, o);
    assertThat(res.met()).isTrue();
    assertThat(res.agreement()).isGreaterThanOrEqualTo(0.99);
    int d = res.activations().get(0).degree();
    assertThat(res.activations()).allMatch(a -> a.degree() == d);
    if (d > o.degrees().get(0)) {
      Calibration.Result lower = Calibration.approximate(net, cal, o.withDegree(d - 1));
      assertThat(lower.agreement()).isLessThan(0.99);
    }
    // errors shrink with the degree
    double e3 = Calibration.approximate(net, cal, o.withDegree(3)).activations().get(1)
        .maxError();
    double e11 = Calibration.approximate(net, cal, o.withDegree(11)).activations().get(1)
        .maxError();
    assertThat(e11).isLessThan(e3);
  }

  @Test
  void anUnreachedAgreementIsReportedWithTheLargestDegree() {
    // relu on a wide range: none of degrees 2, 4, 6 keeps all but 0.1% of the predictions
    Calibration.Options o = new Calibration.Options(1.2, 0, List.of(2, 4, 6), 0.001);
    Calibration.Result res = Calibration.approximate(mlp(3), inputs(4, 300), o);
    assertThat(res.met()).isFalse();
    assertThat(res.agreement()).isLessThan(0.999);
    assertThat(res.activations()).allMatch(a -> a.degree() == 6);
  }

  @Test
  void badOptionsAndInputsAreRefused() {
    assertThatThrownBy(() -> new Calibration.Options(0.9, 3, List.of(), 0))
        .hasMessageContaining("margin");
    assertThatThrownBy(() -> new Calibration.Options(1.2, 0, List.of(), 0))
        .hasMessageContaining("no degree");
    assertThatThrownBy(() -> Calibration.approximate(mlp(1), List.of(),
        Calibration.Options.defaults())).hasMessageContaining("at least one input");
    assertThatThrownBy(() -> Calibration.approximate(mlp(1), List.of(new double[3]),
        Calibration.Options.defaults())).hasMessageContaining("takes 4 values");
  }
}
