package dev.veil.bench;

import java.util.List;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.nn.Calibration;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.compile.CompileOptions;
import dev.veil.ml.nn.compile.CompiledNetwork;
import dev.veil.ml.nn.compile.NetworkCompiler;

/**
 * The conformance runner's encrypted evaluation ({@link OnnxConformance.Encrypted}): the network
 * compiled in latency mode for the sample ({@link NetworkCompiler}, calibrated on it, the smallest
 * 128-bit-secure parameters that keep {@value #PRECISION_BITS} bits, no sanitisation: the error of
 * the arithmetic alone), keys generated, the sample encrypted, evaluated and decrypted. Exact
 * activations are first replaced by their Chebyshev interpolants of degree {@value #DEGREE} on the
 * sample's ranges ({@link Calibration}), so the error reported includes their approximation error.
 * A network the compiler cannot take (an activation wider than a ciphertext, ...) gives null.
 */
public final class CompiledForward implements OnnxConformance.Encrypted {
  /** Bits of precision asked of the outputs. */
  public static final double PRECISION_BITS = 20;
  /** Degree of the polynomials standing for exact activations. */
  public static final int DEGREE = 15;

  private final int threads;

  /** @param threads the engine's worker threads */
  public CompiledForward(int threads) {
    this.threads = threads;
  }

  @Override
  public double[] forward(Network network, double[] sample) {
    Network net = network;
    for (Network.Node n : network.nodes()) {
      if (n.layer() instanceof Layer.Activation a && !a.approximated()) {
        net = Calibration.approximate(network, List.of(sample),
            Calibration.Options.defaults().withDegree(DEGREE)).network();
        break;
      }
    }
    CompiledNetwork p;
    try {
      p = NetworkCompiler.compile(net, CompileOptions.latency()
          .withCalibration(List.of(sample)).withSanitization(null)
          .withMinPrecisionBits(PRECISION_BITS));
    } catch (IllegalArgumentException | IllegalStateException e) {
      return null;
    }
    try (HeContext ctx = new HeContext(p.parameters(), threads)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      CompiledNetwork.Server server = p.server(ctx);
      CompiledNetwork.Client client = p.client(ctx, sk);
      Evaluator ev = new Evaluator(ctx, p.evaluationKeys(kg, sk));
      return client.decrypt(server.evaluate(ev, client.encrypt(sample)))[0];
    }
  }
}
