package dev.veil.ml.nn.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.train.NetworkTrainer;

/** What the trainer writes, the importer reads back: the same network up to float32 weights. */
class ExportImportTest {
  @Test
  void theMnistNetworkRoundTripsThroughOnnx() throws Exception {
    Network net = NetworkTrainer.cryptonets(7);
    OnnxImport.Result back = OnnxImport.of(OnnxImport.parse(OnnxExport.toBytes(net)));
    Network imported = back.network();

    List<String> kinds = new ArrayList<>();
    for (Network.Node n : imported.nodes()) {
      if (!(n.layer() instanceof Layer.Reshape)) {
        kinds.add(n.layer().kind());
      }
    }
    assertThat(kinds).containsExactly("conv", "square", "dense", "square", "dense");
    assertThat(imported.input()).isEqualTo(net.input());
    assertThat(imported.output()).isEqualTo(Network.Output.SOFTMAX);
    assertThat(imported.parameters()).isEqualTo(net.parameters());

    Random rnd = new Random(3);
    for (int t = 0; t < 5; t++) {
      double[] x = new double[net.input().size()];
      for (int k = 0; k < x.length; k++) {
        x[k] = rnd.nextDouble();
      }
      double[] a = net.forward(x, Network.Mode.EXACT);
      double[] b = imported.forward(x, Network.Mode.EXACT);
      double scale = 0;
      for (double v : a) {
        scale = Math.max(scale, Math.abs(v));
      }
      for (int k = 0; k < a.length; k++) {
        // float32 weights: about 2^-24 relative per weight, a few hundred terms per output
        assertThat(Math.abs(a[k] - b[k])).isLessThan(1e-5 * Math.max(1, scale));
      }
    }
  }
}
