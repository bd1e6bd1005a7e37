package dev.veil.ml.nn.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.poly.ChebyshevSeries;

/** Backpropagation against finite differences and the trainer's forward pass against Network's. */
class GradientsTest {
  private static final ChebyshevSeries POLY =
      new ChebyshevSeries(-3, 3, new double[] {0.1, 0.8, 0.3, -0.2});

  /**
   * Every layer type the trainer handles, in one graph: a strided convolution with uneven
   * padding, average pooling that leaves padding out, square, a second convolution (so the
   * first one's gradient goes through a convolution's input gradient), a polynomial activation,
   * a residual add, a reshape, a dense layer, a global average pool added to it, an affine
   * layer, a square and a last dense layer.
   */
  static Network everyLayer(long seed) {
    Random r = new Random(seed);
    Shape in = new Shape(2, 7, 7);
    Network zero = new Network(in, List.of(
        node("conv0", new Layer.Conv2d(3, 2, 3, 3, 2, 2, 1, 0, 0, 1, rand(r, 54, 0.4),
            rand(r, 3, 0.1)), Network.INPUT),
        node("pool1", new Layer.AveragePool(2, 2, 1, 1, 1, 1, 0, 0, false), 0),
        node("sq2", new Layer.Square(), 1),
        node("conv3", new Layer.Conv2d(3, 3, 3, 3, 1, 1, 1, 1, 1, 1, rand(r, 81, 0.3),
            rand(r, 3, 0.1)), 2),
        node("poly4", new Activation(Activation.Function.POLYNOMIAL, POLY, 0), 3),
        node("add5", new Layer.Add(), 4, 2),
        node("flat6", new Layer.Reshape(Shape.vector(27)), 5),
        node("fc7", new Layer.Dense(3, 27, rand(r, 81, 0.3), rand(r, 3, 0.1)), 6),
        node("gap8", new Layer.GlobalAveragePool(), 5),
        node("add9", new Layer.Add(), 7, 8),
        node("aff10", new Layer.Affine(new double[] {0.5, -1.5, 2}, new double[] {0.1, 0, -0.3}),
            9),
        node("sq11", new Layer.Square(), 10),
        node("fc12", new Layer.Dense(4, 3, rand(r, 12, 0.5), rand(r, 4, 0.1)), 11)),
        Network.Output.SOFTMAX);
    return zero;
  }

  private static Network.Node node(String name, Layer layer, int... inputs) {
    return new Network.Node(name, layer, inputs);
  }

  private static double[] rand(Random r, int n, double scale) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = (2 * r.nextDouble() - 1) * scale;
    }
    return v;
  }

  private static double loss(Gradients g, double[] p, double[] x, int label) {
    Gradients.Workspace w = g.workspace();
    System.arraycopy(x, 0, w.x, 0, x.length);
    g.accumulate(p, w, label);
    return w.loss;
  }

  @Test
  void backpropagationMatchesCentralDifferencesForEveryParameter() {
    Network net = everyLayer(3);
    Gradients g = new Gradients(net);
    double[] p = g.parametersOf(net);
    assertThat(p.length).isEqualTo(57 + 84 + 84 + 16);
    Random r = new Random(5);
    double[] x = rand(r, net.input().size(), 1);
    int label = 2;
    Gradients.Workspace w = g.workspace();
    System.arraycopy(x, 0, w.x, 0, x.length);
    g.accumulate(p, w, label);
    double[] analytic = w.gradient.clone();
    double h = 1e-6;
    double worst = 0;
    int nonZero = 0;
    for (int k = 0; k < p.length; k++) {
      double keep = p[k];
      p[k] = keep + h;
      double up = loss(g, p, x, label);
      p[k] = keep - h;
      double down = loss(g, p, x, label);
      p[k] = keep;
      double numeric = (up - down) / (2 * h);
      double err = Math.abs(numeric - analytic[k]) / Math.max(1e-3, Math.abs(numeric));
      worst = Math.max(worst, err);
      if (Math.abs(analytic[k]) > 1e-6) {
        nonZero++;
      }
    }
    assertThat(worst).as("largest relative error").isLessThan(1e-5);
    // the check means something only if gradients reach every layer's parameters
    assertThat(nonZero).isGreaterThan(p.length * 3 / 4);
  }

  @Test
  void trainerForwardPassIsTheNetworksPolynomialForwardPass() {
    Network net = everyLayer(7);
    Gradients g = new Gradients(net);
    double[] p = g.parametersOf(net);
    Gradients.Workspace w = g.workspace();
    Random r = new Random(9);
    for (int t = 0; t < 5; t++) {
      double[] x = rand(r, net.input().size(), 1);
      System.arraycopy(x, 0, w.x, 0, x.length);
      g.forward(p, w);
      double[] expected = net.forward(x, Network.Mode.POLYNOMIAL);
      for (int c = 0; c < expected.length; c++) {
        assertThat(w.output()[c]).isCloseTo(expected[c], within(1e-12));
      }
    }
    assertThat(g.withParameters(p)).isEqualTo(net);
  }

  @Test
  void chebyshevDerivativeMatchesDifferences() {
    ChebyshevSeries s = new ChebyshevSeries(-2, 5, new double[] {0.3, -1, 0.7, 0.25, -0.4, 0.1});
    ChebyshevSeries d = Gradients.derivative(s);
    assertThat(d.degree()).isEqualTo(4);
    for (double x = -2; x <= 5; x += 0.37) {
      double numeric = (s.evaluate(x + 1e-6) - s.evaluate(x - 1e-6)) / 2e-6;
      assertThat(d.evaluate(x)).isCloseTo(numeric, within(1e-6));
    }
    assertThat(Gradients.derivative(new ChebyshevSeries(0, 1, new double[] {4})).evaluate(0.5))
        .isZero();
  }

  @Test
  void anExactActivationOrAScalarOutputIsRefusedByName() {
    ChebyshevSeries p = ChebyshevSeries.interpolate(x -> Math.max(0, x), -1, 1, 4);
    Network relu = Network.sequential(Shape.vector(3), Network.Output.SOFTMAX,
        new Layer.Dense(3, 3, new double[9], new double[3]),
        new Activation(Activation.Function.RELU, p, 0.1));
    assertThatThrownBy(() -> new Gradients(relu)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("polynomial activations only").hasMessageContaining("relu");
    Network scalar = Network.sequential(Shape.vector(3), Network.Output.NONE,
        new Layer.Dense(1, 3, new double[3], new double[1]));
    assertThatThrownBy(() -> new Gradients(scalar))
        .hasMessageContaining("at least 2 class scores");
  }
}
