package dev.veil.ml.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import org.junit.jupiter.api.Test;

class FoldingTest {
  private static final Shape IN = new Shape(1, 3, 3);
  private static final double[] X = {1, -2, 3, 0.5, 4, -1, 2, 2, -3};

  private static Layer.Conv2d conv() {
    return new Layer.Conv2d(2, 1, 2, 2, 1, 1, 0, 0, 0, 0,
        new double[] {1, 2, 3, 4, -1, 0.5, 0, 2}, new double[] {0.5, -1});
  }

  private static Layer.Affine perChannel() {
    return new Layer.Affine(new double[] {2, 2, 2, 2, -3, -3, -3, -3},
        new double[] {1, 1, 1, 1, 0.25, 0.25, 0.25, 0.25});
  }

  private static double[] run(Shape in, List<Network.Node> nodes) {
    return new Network(in, nodes, Network.Output.NONE).forward(X, Network.Mode.EXACT);
  }

  @Test
  void aPerChannelAffineAfterAConvolutionMergesIntoIt() {
    List<Network.Node> nodes = List.of(new Network.Node("c", conv(), Network.INPUT),
        new Network.Node("a", perChannel(), 0));
    List<Network.Node> folded = Folding.fold(IN, nodes);
    assertThat(folded).hasSize(1);
    assertThat(folded.get(0).name()).isEqualTo("c+a");
    assertThat(run(IN, folded)).containsExactly(run(IN, nodes), within(1e-12));
  }

  @Test
  void anAffineIsNotMergedIntoALayerThatAnotherNodeReads() {
    // conv -> identity reshape -> affine, and conv read again by the residual add
    List<Network.Node> nodes = List.of(new Network.Node("c", conv(), Network.INPUT),
        new Network.Node("r", new Layer.Reshape(new Shape(2, 2, 2)), 0),
        new Network.Node("a", perChannel(), 1),
        new Network.Node("add", new Layer.Add(), 2, 0));
    List<Network.Node> folded = Folding.fold(IN, nodes);
    assertThat(folded).extracting(n -> n.layer().kind())
        .containsExactly("conv", "affine", "add");
    assertThat(run(IN, folded)).containsExactly(run(IN, nodes), within(1e-12));
  }

  @Test
  void anAffineThatVariesWithinAChannelStaysSeparate() {
    Layer.Affine varying = new Layer.Affine(new double[] {1, 2, 3, 4, 5, 6, 7, 8},
        new double[8]);
    List<Network.Node> nodes = List.of(new Network.Node("c", conv(), Network.INPUT),
        new Network.Node("a", varying, 0));
    assertThat(Folding.fold(IN, nodes)).hasSize(2);
  }
}
