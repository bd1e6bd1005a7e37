package dev.veil.ml.nn.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.poly.ChebyshevSeries;

/**
 * The compiled encrypted forward pass against {@link Network#forward} in polynomial mode, both
 * modes, on small networks covering every layer kind, at small insecure parameters (N = 2^11,
 * seven 40-bit levels, {@code securityOff}: the suite's speed; the arithmetic is the same as at
 * secure sizes).
 */
class NetworkCompilerTest {
  static final Parameters PARAMS = Parameters.builder().logN(11)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40).logP(61).logDefaultScale(40).securityOff().build();
  static HeContext ctx;
  static KeyGenerator keygen;
  static SecretKey sk;
  static PublicKey pk;
  static SwitchingKey relin;
  static final java.util.Map<Integer, SwitchingKey> GALOIS =
      new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  static void keys() {
    ctx = new HeContext(PARAMS, 2);
    keygen = new KeyGenerator(ctx, new SecureRandom());
    sk = keygen.secretKey();
    pk = keygen.publicKey(sk);
    relin = keygen.relinearizationKey(sk);
  }

  @AfterAll
  static void close() {
    ctx.close();
  }

  static double[] gaussian(Random r, int n, double sd) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextGaussian() * sd;
    }
    return v;
  }

  static double[] uniform(Random r, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = r.nextDouble();
    }
    return v;
  }

  /** conv (stride 2, padding) -> square -> dense -> square -> dense: CryptoNets, small. */
  static Network cryptoNetsLike(Random r) {
    Layer.Conv2d conv = new Layer.Conv2d(3, 1, 3, 3, 2, 2, 1, 1, 0, 0, gaussian(r, 27, 0.4),
        gaussian(r, 3, 0.1));
    Shape in = new Shape(1, 8, 8);
    int convOut = conv.outputShape(in).size(); // 3 x 4 x 4
    return Network.sequential(in, Network.Output.NONE, conv, new Layer.Square(),
        new Layer.Dense(10, convOut, gaussian(r, 10 * convOut, 0.15), gaussian(r, 10, 0.1)),
        new Layer.Square(),
        new Layer.Dense(4, 10, gaussian(r, 40, 0.3), gaussian(r, 4, 0.1)));
  }

  /**
   * conv (stride 1) -> polynomial activation -> residual add with the conv -> average pool ->
   * affine -> reshape -> global average pool of a second conv ... every remaining layer kind.
   */
  static Network mixed(Random r) {
    Shape in = new Shape(2, 6, 6);
    Layer.Conv2d conv = new Layer.Conv2d(2, 2, 3, 3, 1, 1, 1, 1, 1, 1, gaussian(r, 36, 0.3),
        gaussian(r, 2, 0.1));
    ChebyshevSeries p = ChebyshevSeries.fromPowerBasis(new double[] {0.1, 0.5, 0.2, -0.05}, -4,
        4);
    Layer.Activation act = new Layer.Activation(Layer.Activation.Function.POLYNOMIAL, p, 0);
    Layer.AveragePool pool = new Layer.AveragePool(2, 2, 2, 2, 0, 0, 0, 0, true);
    Layer.Affine affine = new Layer.Affine(gaussian(r, 18, 1), gaussian(r, 18, 0.1));
    List<Network.Node> nodes = new ArrayList<>();
    nodes.add(new Network.Node("conv", conv, Network.INPUT)); // 0: 2x6x6
    nodes.add(new Network.Node("act", act, 0)); // 1
    nodes.add(new Network.Node("res", new Layer.Add(), 0, 1)); // 2
    nodes.add(new Network.Node("pool", pool, 2)); // 3: 2x3x3
    nodes.add(new Network.Node("affine", affine, 3)); // 4
    nodes.add(new Network.Node("flat", new Layer.Reshape(Shape.vector(18)), 4)); // 5
    nodes.add(new Network.Node("dense", new Layer.Dense(4, 18, gaussian(r, 72, 0.3),
        gaussian(r, 4, 0.1)), 5)); // 6
    return new Network(in, nodes, Network.Output.NONE);
  }

  /** A global average pool and a square feeding a residual add (scale alignment). */
  static Network gapAndSquareAdd(Random r) {
    Shape in = new Shape(3, 4, 4);
    List<Network.Node> nodes = new ArrayList<>();
    nodes.add(new Network.Node("gap", new Layer.GlobalAveragePool(), Network.INPUT)); // 0: 3
    nodes.add(new Network.Node("d1", new Layer.Dense(6, 3, gaussian(r, 18, 0.5),
        gaussian(r, 6, 0.1)), 0)); // 1
    nodes.add(new Network.Node("sq", new Layer.Square(), 1)); // 2
    nodes.add(new Network.Node("add", new Layer.Add(), 1, 2)); // 3
    nodes.add(new Network.Node("d2", new Layer.Dense(3, 6, gaussian(r, 18, 0.5),
        gaussian(r, 3, 0.1)), 3)); // 4
    return new Network(in, nodes, Network.Output.NONE);
  }

  static List<double[]> samples(Network net, Random r, int n) {
    List<double[]> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.add(uniform(r, net.input().size()));
    }
    return s;
  }

  static EvaluationKeys keysFor(CompiledNetwork program, int... leaveOut) {
    List<SwitchingKey> g = new ArrayList<>();
    for (int rot : program.rotations()) {
      if (Arrays.stream(leaveOut).noneMatch(x -> x == rot)) {
        g.add(GALOIS.computeIfAbsent(rot,
            x -> keygen.galoisKey(sk, Evaluator.galoisElement(PARAMS, x))));
      }
    }
    return new EvaluationKeys(PARAMS, program.needsRelinearization() ? relin : null, g);
  }

  static void checkLatency(Network net, long seed) {
    Random r = new Random(seed);
    List<double[]> cal = samples(net, r, 16);
    CompiledNetwork program = NetworkCompiler.compile(net,
        CompileOptions.latency().withParameters(PARAMS).withCalibration(cal));
    CompiledNetwork.Server server = program.server(ctx);
    CompiledNetwork.Client client = program.client(ctx, sk);
    Evaluator ev = new Evaluator(ctx, keysFor(program));
    for (int t = 0; t < 3; t++) {
      double[] x = uniform(r, net.input().size());
      double[] want = net.forward(x, Network.Mode.POLYNOMIAL);
      double[] got = client.decrypt(server.evaluate(ev, client.encrypt(x)))[0];
      for (int k = 0; k < want.length; k++) {
        assertThat(got[k]).as("output %d of input %d", k, t).isCloseTo(want[k],
            org.assertj.core.data.Offset.offset(1e-3));
      }
    }
  }

  static void checkThroughput(Network net, long seed) {
    Random r = new Random(seed);
    List<double[]> cal = samples(net, r, 16);
    CompiledNetwork program = NetworkCompiler.compile(net,
        CompileOptions.throughput().withParameters(PARAMS).withCalibration(cal));
    assertThat(program.rotations()).isEmpty();
    CompiledNetwork.Server server = program.server(ctx);
    CompiledNetwork.Client client = program.client(ctx, sk);
    Evaluator ev = new Evaluator(ctx, keysFor(program));
    List<double[]> batch = samples(net, r, 37);
    double[][] got = client.decrypt(server.evaluate(ev, client.encryptBatch(batch)));
    assertThat(got).hasNumberOfRows(37);
    for (int i = 0; i < batch.size(); i++) {
      double[] want = net.forward(batch.get(i), Network.Mode.POLYNOMIAL);
      for (int k = 0; k < want.length; k++) {
        assertThat(got[i][k]).as("output %d of input %d", k, i).isCloseTo(want[k],
            org.assertj.core.data.Offset.offset(1e-3));
      }
    }
  }

  @Test
  void latency_conv_square_dense_matches_the_plaintext_network() {
    Network net = cryptoNetsLike(new Random(1));
    checkLatency(net, 11);
  }

  @Test
  void latency_first_conv_takes_the_im2col_layout() {
    Network net = cryptoNetsLike(new Random(1));
    CompiledNetwork program = NetworkCompiler.compile(net,
        CompileOptions.latency().withParameters(PARAMS));
    assertThat(program.im2colInput()).isTrue();
    // taps + channels - 1 = 9 + 3 - 1 offsets: a handful of key switches
    LayerReport conv = program.layers().get(0);
    assertThat(conv.keySwitches()).isLessThanOrEqualTo(8);
  }

  @Test
  void throughput_conv_square_dense_matches_the_plaintext_network() {
    checkThroughput(cryptoNetsLike(new Random(2)), 12);
  }

  @Test
  void latency_pool_activation_residual_affine_reshape_match() {
    checkLatency(mixed(new Random(3)), 13);
  }

  @Test
  void throughput_pool_activation_residual_affine_reshape_match() {
    checkThroughput(mixed(new Random(4)), 14);
  }

  @Test
  void global_pool_and_a_square_added_to_its_input_match_in_both_modes() {
    checkLatency(gapAndSquareAdd(new Random(5)), 15);
    checkThroughput(gapAndSquareAdd(new Random(6)), 16);
  }

  @Test
  void the_galois_keys_requested_are_exactly_those_used() {
    Network net = cryptoNetsLike(new Random(7));
    CompiledNetwork program = NetworkCompiler.compile(net,
        CompileOptions.latency().withParameters(PARAMS));
    CompiledNetwork.Server server = program.server(ctx);
    CompiledNetwork.Client client = program.client(ctx, sk);
    double[] x = uniform(new Random(8), net.input().size());
    CompiledNetwork.EncryptedInput in = client.encrypt(x);
    assertThat(program.rotations()).isNotEmpty();
    // every requested key is used: without it the evaluation fails
    for (int rot : program.rotations()) {
      Evaluator ev = new Evaluator(ctx, keysFor(program, rot));
      assertThatThrownBy(() -> server.evaluate(ev, in)).as("rotation %d", rot)
          .isInstanceOf(MissingKeyException.class);
    }
    // and no other key is needed
    EvaluationKeys exact = program.evaluationKeys(keygen, sk);
    assertThat(exact.galoisKeys().keySet()).containsExactlyInAnyOrder(
        Arrays.stream(program.galoisElements()).boxed().toArray(Long[]::new));
    double[] got = client.decrypt(server.evaluate(new Evaluator(ctx, exact), in))[0];
    double[] want = net.forward(x, Network.Mode.POLYNOMIAL);
    for (int k = 0; k < want.length; k++) {
      assertThat(got[k]).isCloseTo(want[k], org.assertj.core.data.Offset.offset(1e-3));
    }
  }

  @Test
  void reports_every_layer_with_levels_and_counts() {
    Network net = cryptoNetsLike(new Random(9));
    CompiledNetwork program = NetworkCompiler.compile(net,
        CompileOptions.latency().withParameters(PARAMS));
    List<LayerReport> layers = program.layers();
    assertThat(layers).hasSize(5);
    int top = PARAMS.maxLevel();
    assertThat(layers.get(0).levelIn()).isEqualTo(top);
    for (LayerReport l : layers) {
      assertThat(l.levelOut()).isEqualTo(l.levelIn() - 1);
    }
    assertThat(layers.get(1).ciphertextMultiplications()).isEqualTo(1);
    long total = layers.stream().mapToLong(LayerReport::keySwitches).sum();
    assertThat(total).isGreaterThan(program.rotations().length);
    CompiledNetwork thr = NetworkCompiler.compile(net,
        CompileOptions.throughput().withParameters(PARAMS));
    List<LayerReport> t = thr.layers();
    // the squares feed dense layers: relinearised and rescaled by them, once per output
    assertThat(t.get(1).keySwitches()).isZero();
    assertThat(t.get(2).keySwitches()).isEqualTo(10);
    assertThat(t.get(4).keySwitches()).isEqualTo(4);
  }

  @Test
  void sanitised_latency_result_is_at_level_zero_with_the_other_slots_cleared() {
    Network net = cryptoNetsLike(new Random(10));
    Random r = new Random(20);
    CompiledNetwork program = NetworkCompiler.compile(net, CompileOptions.latency()
        .withParameters(PARAMS).withCalibration(samples(net, r, 16))
        .withSanitization(CompileOptions.Sanitization.of(16).withNoiseBoundBits(0)));
    assertThat(program.noiseBoundBits()).isGreaterThan(0);
    assertThat(program.floodingPolicy().noiseBoundBits()).isZero();
    CompiledNetwork.Server server = program.server(ctx);
    CompiledNetwork.Client client = program.client(ctx, sk);
    Evaluator ev = new Evaluator(ctx, keysFor(program));
    double[] x = uniform(r, net.input().size());
    CompiledNetwork.EncryptedOutput out = server.sanitize(server.evaluate(ev,
        client.encrypt(x)), pk);
    assertThat(out.ciphertexts()).allSatisfy(c -> assertThat(c.level()).isZero());
    assertThat(out.results()[0].descriptor().otherSlotsZero()).isTrue();
    double[] want = net.forward(x, Network.Mode.POLYNOMIAL);
    double[] got = client.decrypt(out)[0];
    for (int k = 0; k < want.length; k++) {
      assertThat(got[k]).isCloseTo(want[k], org.assertj.core.data.Offset.offset(1e-3));
    }
    // the slots past the scores decrypt to (flooded) zeros, not to by-products
    double[] slots = new dev.veil.he.ckks.Encoder(ctx).decode(
        new dev.veil.he.rlwe.Decryptor(ctx, sk).decrypt(out.ciphertexts().get(0)));
    for (int s = want.length; s < slots.length; s++) {
      assertThat(Math.abs(slots[s])).as("slot %d", s).isLessThan(1e-3);
    }
  }

  @Test
  void traced_flooding_that_leaves_no_precision_is_refused_without_given_parameters() {
    Network net = cryptoNetsLike(new Random(11));
    assertThatThrownBy(() -> NetworkCompiler.compile(net, CompileOptions.latency()
        .withSanitization(CompileOptions.Sanitization.of(1L << 40)).withMinPrecisionBits(40)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no 128-bit-secure parameters");
  }

  @Test
  void chooses_the_smallest_secure_ring_for_an_unsanitised_program() {
    Network net = cryptoNetsLike(new Random(12));
    CompiledNetwork program = NetworkCompiler.compile(net, CompileOptions.throughput()
        .withCalibration(samples(net, new Random(13), 8)));
    assertThat(program.parameters().securityOff()).isFalse();
    // five levels of at least 2^24 do not fit N = 2^12's 109 bits
    assertThat(program.parameters().logN()).isGreaterThanOrEqualTo(13);
    assertThat(program.expectedPrecisionBits()).isGreaterThanOrEqualTo(10);
    // asking for less precision never needs a larger ring or scale
    CompiledNetwork low = NetworkCompiler.compile(net, CompileOptions.throughput()
        .withCalibration(samples(net, new Random(13), 8)).withMinPrecisionBits(2));
    assertThat(low.parameters().logN()).isLessThanOrEqualTo(program.parameters().logN());
    assertThat(low.parameters().logQP()).isLessThanOrEqualTo(program.parameters().logQP());
    assertThat(program.parameters().maxLevel()).isEqualTo(program.depth());
  }

  @Test
  void a_one_level_program_on_its_own_parameters_has_room_for_its_product() {
    // ONNX's test_operator_add_broadcast: one affine layer, compiled for the smallest secure
    // ring; the product before the rescale must fit the modulus (it did not: 2^70 in 2^71)
    Network net = Network.sequential(Shape.vector(3), Network.Output.NONE,
        new Layer.Affine(new double[] {1, 1, 1}, new double[] {0.0125, -0.025, 0.0375}));
    double[] x = {0.015, -0.04, 0.005}; // outputs below 2^-4: the headroom from them was 1 bit
    CompiledNetwork p = NetworkCompiler.compile(net, CompileOptions.latency()
        .withCalibration(List.of(x)).withSanitization(null).withMinPrecisionBits(20));
    try (HeContext ctx = new HeContext(p.parameters(), 1)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      CompiledNetwork.Client client = p.client(ctx, sk);
      double[] y = client.decrypt(p.server(ctx).evaluate(new Evaluator(ctx,
          p.evaluationKeys(kg, sk)), client.encrypt(x)))[0];
      double[] want = net.forward(x, Network.Mode.POLYNOMIAL);
      for (int k = 0; k < want.length; k++) {
        assertThat(Math.abs(y[k] - want[k])).isLessThan(1e-3);
      }
    }
  }

  @Test
  void a_layer_whose_diagonals_exceed_the_memory_budget_is_refused_not_run_out_of_memory() {
    // ONNX's test_operator_conv: 16 x 50 x 40 -> 13 x 48 x 38 ran the compiler out of 8 GiB
    Random r = new Random(21);
    double[] w = new double[13 * 16 * 9];
    for (int k = 0; k < w.length; k++) {
      w[k] = r.nextGaussian();
    }
    Network net = Network.sequential(new Shape(16, 50, 40), Network.Output.NONE,
        new Layer.Conv2d(13, 16, 3, 3, 1, 1, 0, 0, 0, 0, w, new double[13]));
    double[] x = new double[net.input().size()];
    assertThatThrownBy(() -> NetworkCompiler.compile(net, CompileOptions.latency()
        .withCalibration(List.of(x)).withSanitization(null).withMinPrecisionBits(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("diagonals").hasMessageContaining("a sixteenth of the heap");
  }
}
