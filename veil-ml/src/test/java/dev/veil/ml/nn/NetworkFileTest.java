package dev.veil.ml.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.veil.he.io.FormatException;
import dev.veil.ml.nn.Layer.Activation;
import dev.veil.ml.nn.Layer.Activation.Function;
import dev.veil.ml.poly.ChebyshevSeries;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkFileTest {
  @TempDir Path dir;

  /** A network with every layer kind, one activation approximated and one not. */
  static Network everyLayer(long seed) {
    Random r = new Random(seed);
    double[] cw = new double[3 * 2 * 2 * 2];
    for (int k = 0; k < cw.length; k++) {
      cw[k] = r.nextGaussian();
    }
    double[] dw = new double[4 * 3];
    for (int k = 0; k < dw.length; k++) {
      dw[k] = r.nextGaussian();
    }
    ChebyshevSeries p = ChebyshevSeries.interpolate(Function.RELU::apply, -3, 3, 6);
    return new Network(new Shape(2, 4, 4), List.of(
        new Network.Node("conv", new Layer.Conv2d(3, 2, 2, 2, 1, 1, 1, 0, 0, 1, cw,
            new double[] {0.1, -0.2, 0.3}), Network.INPUT),
        new Network.Node("relu", new Activation(Function.RELU, p, p.maxError(Function.RELU::apply)),
            0),
        new Network.Node("pool", new Layer.AveragePool(2, 2, 2, 2, 0, 0, 1, 1, true), 1),
        new Network.Node("affine", new Layer.Affine(gaussian(r, 12), gaussian(r, 12)), 2),
        new Network.Node("square", new Layer.Square(), 3),
        new Network.Node("res", new Layer.Add(), 4, 2),
        new Network.Node("gap", new Layer.GlobalAveragePool(), 5),
        new Network.Node("rs", new Layer.Reshape(new Shape(3, 1, 1)), 6),
        new Network.Node("fc", new Layer.Dense(4, 3, dw, new double[] {1, 2, 3, 4}), 7),
        new Network.Node("nom ü", Activation.of(Function.GELU), 8)),
        Network.Output.LOG_SOFTMAX);
  }

  static double[] gaussian(Random r, int n) {
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = r.nextGaussian();
    }
    return v;
  }

  @Test
  void roundTripKeepsEveryLayerExactly() throws IOException {
    Network net = everyLayer(1);
    Path f = dir.resolve("net.veilnn");
    NetworkFile.write(net, f);
    Network back = NetworkFile.read(f);
    assertThat(back).isEqualTo(net);
    Activation relu = (Activation) back.nodes().get(1).layer();
    assertThat(relu.polynomial().coefficients())
        .containsExactly(((Activation) net.nodes().get(1).layer()).polynomial().coefficients());
    assertThat(relu.maxError()).isEqualTo(((Activation) net.nodes().get(1).layer()).maxError());
    double[] x = new double[32];
    Arrays.fill(x, 0.5);
    assertThat(back.forward(x, Network.Mode.EXACT)).containsExactly(
        net.forward(x, Network.Mode.EXACT));
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(f); // no temporary file left
    }
  }

  @Test
  void everyFlippedBitIsRefused() throws IOException {
    byte[] bytes = NetworkFile.toBytes(everyLayer(2));
    Random r = new Random(3);
    for (int trial = 0; trial < 300; trial++) {
      byte[] b = bytes.clone();
      int pos = trial < 40 ? trial : r.nextInt(b.length);
      b[pos] ^= (byte) (1 << r.nextInt(8));
      assertThatThrownBy(() -> NetworkFile.fromBytes(b)).as("bit flipped at " + pos)
          .isInstanceOf(FormatException.class);
    }
  }

  @Test
  void everyTruncationIsRefused() {
    byte[] bytes = NetworkFile.toBytes(everyLayer(4));
    for (int len = 0; len < bytes.length; len += 1 + len / 16) {
      byte[] cut = Arrays.copyOf(bytes, len);
      assertThatThrownBy(() -> NetworkFile.read(new ByteArrayInputStream(cut)))
          .as("cut to " + len).isInstanceOf(FormatException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> NetworkFile.fromBytes(longer)).isInstanceOf(FormatException.class);
  }

  @Test
  void aLargeClaimedCountOverFewBytesAllocatesNothingLarge() {
    // a valid file (good digest) whose affine layer claims 2^26 values but carries none
    Network small = Network.sequential(Shape.vector(1), Network.Output.NONE,
        new Layer.Affine(new double[] {2}, new double[] {1}));
    byte[] bytes = NetworkFile.toBytes(small);
    int at = indexOfCount(bytes);
    byte[] b = bytes.clone();
    b[at] = 0;
    b[at + 1] = 0;
    b[at + 2] = 0;
    b[at + 3] = 4; // 2^26, little-endian
    byte[] resigned = resign(b);
    assertThatThrownBy(() -> NetworkFile.fromBytes(resigned)).isInstanceOf(FormatException.class)
        .hasMessageContaining("ends early");
    assertThatThrownBy(() -> NetworkFile.fromBytes("NOPE-not-a-network-file-at-all-0123456789"
        .getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
        .hasMessageContaining("magic");
  }

  /** Position of the affine's count: after header, shape, output, node count, name, tag. */
  private static int indexOfCount(byte[] b) {
    int nameLen = (b[4 + 4 + 12 + 1 + 4] & 0xff);
    return 4 + 4 + 12 + 1 + 4 + 2 + nameLen + 1 + 1 + 4;
  }

  private static byte[] resign(byte[] b) {
    try {
      java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
      md.update(b, 0, b.length - 32);
      byte[] d = md.digest();
      System.arraycopy(d, 0, b, b.length - 32, 32);
      return b;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
