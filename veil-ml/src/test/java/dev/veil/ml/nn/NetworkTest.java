package dev.veil.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.nn.Layer.Activation.Function;
import dev.veil.ml.poly.ChebyshevSeries;

class NetworkTest {
  @Test
  void convolutionWithStrideAndPaddingMatchesAHandComputation() {
    // 1 channel 3x3 input, 1 output channel, 2x2 kernel, stride 2, padding 1 on every side.
    double[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    Layer.Conv2d conv = new Layer.Conv2d(1, 1, 2, 2, 2, 2, 1, 1, 1, 1,
        new double[] {1, 10, 100, 1000}, new double[] {0.5});
    Shape in = new Shape(1, 3, 3);
    assertThat(conv.outputShape(in)).isEqualTo(new Shape(1, 2, 2));
    double[] y = conv.forward(new Shape[] {in}, new double[][] {x}, true);
    // Window (0,0) covers input rows -1..0, cols -1..0: only x[0][0] = 1, weight 1000.
    assertThat(y).containsExactly(0.5 + 1000 * 1, 0.5 + 100 * 2 + 1000 * 3,
        0.5 + 10 * 4 + 1000 * 7, 0.5 + 1 * 5 + 10 * 6 + 100 * 8 + 1000 * 9);
  }

  @Test
  void averagePoolCountsPaddingOnlyWhenAsked() {
    Shape in = new Shape(1, 2, 2);
    double[] x = {4, 8, 12, 16};
    Layer.AveragePool excl = new Layer.AveragePool(2, 2, 2, 2, 1, 1, 0, 0, false);
    Layer.AveragePool incl = new Layer.AveragePool(2, 2, 2, 2, 1, 1, 0, 0, true);
    assertThat(excl.forward(new Shape[] {in}, new double[][] {x}, true)[0]).isEqualTo(4);
    assertThat(incl.forward(new Shape[] {in}, new double[][] {x}, true)[0]).isEqualTo(1);
  }

  @Test
  void residualNetworkRunsInBothModes() {
    ChebyshevSeries p = ChebyshevSeries.interpolate(Function.RELU::apply, -4, 4, 8);
    Activation relu = new Activation(Function.RELU, p, p.maxError(Function.RELU::apply));
    Network net = new Network(Shape.vector(2), List.of(
        new Network.Node("fc", new Layer.Dense(2, 2, new double[] {1, -1, 2, 0.5},
            new double[] {0, -1}), Network.INPUT),
        new Network.Node("act", relu, 0),
        new Network.Node("res", new Layer.Add(), 1, Network.INPUT)), Network.Output.SOFTMAX);
    double[] x = {1.5, 0.25};
    assertThat(net.forward(x, Network.Mode.EXACT)).containsExactly(1.5 + 1.25, 0.25 + 2.125);
    double[] poly = net.forward(x, Network.Mode.POLYNOMIAL);
    assertThat(poly[0]).isCloseTo(2.75, within(relu.maxError()));
    assertThat(net.parameters()).isEqualTo(6);
    assertThat(net.output().apply(new double[] {0, Math.log(3)})).containsExactly(0.25, 0.75);
  }

  @Test
  void unapproximatedActivationRefusesPolynomialMode() {
    Network net = Network.sequential(Shape.vector(3), Network.Output.NONE,
        Activation.of(Function.SIGMOID));
    assertThat(net.forward(new double[] {0, 0, 0}, Network.Mode.EXACT)).containsOnly(0.5);
    assertThatThrownBy(() -> net.forward(new double[3], Network.Mode.POLYNOMIAL))
        .hasMessageContaining("sigmoid is not approximated");
  }

  @Test
  void misfitShapesAndIndicesAreNamed() {
    assertThatThrownBy(() -> Network.sequential(new Shape(3, 4, 4), Network.Output.NONE,
        new Layer.Dense(2, 47, new double[94], new double[2])))
        .hasMessageContaining("node dense_0").hasMessageContaining("expects 47 inputs");
    assertThatThrownBy(() -> new Network(Shape.vector(2), List.of(
        new Network.Node("a", new Layer.Square(), 0)), Network.Output.NONE))
        .hasMessageContaining("node a reads node 0");
    assertThatThrownBy(() -> new Layer.Dense(1, 1, new double[] {Double.NaN}, new double[1]))
        .hasMessageContaining("not finite");
  }

  @Test
  void geluUsesAnAccurateErf() {
    // erf(0.5) = 0.5204998778130465, erf(3.5) = 0.9999992569016276 (Abramowitz-Stegun tables).
    assertThat(Erf.erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
    assertThat(Erf.erf(3.5)).isCloseTo(0.9999992569016276, within(1e-15));
    assertThat(Erf.erf(-2.0)).isCloseTo(-0.9953222650189527, within(1e-15));
    assertThat(Function.GELU.apply(1.0)).isCloseTo(0.8413447460685429, within(1e-14));
  }
}
