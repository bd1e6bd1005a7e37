package dev.veil.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.data.Idx;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;
import dev.veil.ml.nn.compile.CompileOptions;
import dev.veil.ml.nn.compile.CompiledNetwork;
import dev.veil.ml.nn.compile.CostModel;
import dev.veil.ml.nn.compile.LayerReport;
import dev.veil.ml.nn.compile.NetworkCompiler;
import dev.veil.ml.nn.train.Examples;
import dev.veil.ml.nn.train.NetworkTrainer;
import dev.veil.ml.nn.train.TrainingOptions;

/**
 * Encrypted MNIST inference with a compiled network ({@link NetworkCompiler}), in latency mode
 * (one image per request: the client encrypts its im2col layout, the server evaluates and
 * sanitises, the client decrypts) and throughput mode (one image per slot, N/2 per batch).
 *
 * <p>The model comes from a {@link Supplier} ({@link Config#model()}): by default {@link
 * #trainedModel}, the CryptoNets network (conv 5x5, 5 channels, stride 2 -> 5x13x13 -> square
 * -> dense 845->100 -> square -> dense 100->10) trained here as {@code veil nn train} trains it;
 * or a network file ({@code --model}: ONNX through the importer, or a Veil network file).
 *
 * <p>Times: {@code seconds*} from the encrypted input on the server to the sanitised encrypted
 * result (evaluation + sanitisation), and apart the client's encryption and decryption. {@code
 * agreement} is the share of images whose encrypted prediction equals the plaintext network's
 * ({@link Network.Mode#POLYNOMIAL}); {@code accuracy} against the labels. Sizes: the serialised
 * (seeded) input ciphertexts, the sanitised result, the evaluation keys. Every program is
 * compiled with sanitisation (s = 30, D = {@link #MAX_RESULTS}) and a {@link
 * #MIN_PRECISION_BITS}-bit precision target, calibrated on 64 training (else test) images.
 */
public final class MnistBenchmark {
  /** Sanitised results one key holder may receive (the flooding's D). */
  public static final long MAX_RESULTS = 1L << 16;
  /** Precision asked of the outputs after flooding. */
  public static final double MIN_PRECISION_BITS = 8;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MnistBenchmark() {}

  /**
   * One run.
   *
   * @param data directory of the IDX files
   * @param latency run latency mode
   * @param throughput run throughput mode
   * @param images test images per mode
   * @param threads engine threads
   * @param json report path or null
   * @param model the network (the hook for trained or imported models)
   * @param modelName how the report names it
   * @param flooding sanitise the results (traced flooding, else a declared bound); false: no
   *     sanitisation, parameters for the arithmetic alone (a reference, not a deployment)
   */
  public record Config(Path data, boolean latency, boolean throughput, int images, int threads,
      Path json, Supplier<Network> model, String modelName, boolean flooding) {
    public Config {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(model, "model");
    }
  }

  /** Runs the benchmark; the table to {@code out}, progress to {@code err}; 0 or 1. */
  public static int run(Config c, PrintStream out, PrintStream err) throws IOException {
    long start = System.nanoTime();
    double[] loadStart = InferBenchmark.loadAverage();
    MnistData test = MnistData.test(c.data(), c.images());
    MnistData cal = MnistData.hasTrain(c.data()) ? MnistData.train(c.data(), 64)
        : MnistData.test(c.data(), 64);
    err.println("model: " + c.modelName());
    Network net = c.model().get();
    int plainCorrect = 0;
    int[] plainPred = new int[test.size()];
    for (int i = 0; i < test.size(); i++) {
      plainPred[i] = net.predict(test.images()[i], Network.Mode.POLYNOMIAL);
      plainCorrect += plainPred[i] == test.labels()[i] ? 1 : 0;
    }
    ObjectNode root = JSON.createObjectNode();
    ObjectNode model = root.putObject("model");
    model.put("name", c.modelName());
    ArrayNode kinds = model.putArray("layers");
    for (Network.Node n : net.nodes()) {
      kinds.add(n.layer().toString());
    }
    model.put("parameters", net.parameters());
    model.put("plainAccuracy", round((double) plainCorrect / test.size(), 4));
    err.printf(Locale.ROOT, "plaintext accuracy %.4f on %d test images%n",
        (double) plainCorrect / test.size(), test.size());
    ObjectNode layers = root.putObject("layers");
    ObjectNode modes = root.putObject("modes");
    List<double[]> calibration = Arrays.asList(cal.images());
    CompileOptions base = CompileOptions.latency().withCalibration(calibration)
        .withSanitization(c.flooding() ? CompileOptions.Sanitization.of(MAX_RESULTS) : null)
        .withMinPrecisionBits(MIN_PRECISION_BITS);
    boolean first = true;
    if (c.latency()) {
      long t0 = System.nanoTime();
      CompiledNetwork p = compile(net, base, err);
      double compile = (System.nanoTime() - t0) / 1e9;
      params(root.putObject("params"), p);
      first = false;
      latency(c, p, net, test, plainPred, root.putObject("latency"), layers, modes, compile, err);
    }
    if (c.throughput()) {
      long t0 = System.nanoTime();
      CompiledNetwork p = compile(net, base.withMode(NetworkCompiler.Mode.THROUGHPUT), err);
      double compile = (System.nanoTime() - t0) / 1e9;
      if (first) {
        params(root.putObject("params"), p);
      }
      throughput(c, p, test, plainPred, root.putObject("throughput"), layers, modes, compile,
          err);
    }
    ObjectNode machine = root.putObject("machine");
    CkksBenchmark.environment(machine);
    machine.put("threads", c.threads());
    machine.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    ObjectNode load = machine.putObject("loadAverage"); // 1, 5, 15 minutes; -1: unknown
    ArrayNode ls = load.putArray("start");
    for (double v : loadStart) {
      ls.add(v);
    }
    ArrayNode le = load.putArray("end");
    for (double v : InferBenchmark.loadAverage()) {
      le.add(v);
    }
    root.put("seconds", round((System.nanoTime() - start) / 1e9, 1));
    out.println(JSON.writeValueAsString(root));
    if (c.json() != null) {
      VeilIO.writeAtomically(c.json(), o -> JSON.writeValue(o, root));
      err.println("report written to " + c.json().toAbsolutePath());
    }
    return 0;
  }

  /**
   * Compiles with the traced flooding; where no secure parameters leave the precision asked
   * for after it, with a declared bound B = 2^0 instead (the sanitiser's cost is the same; its
   * noise then does not meet the circuit-privacy bound, and the report says so).
   */
  private static CompiledNetwork compile(Network net, CompileOptions o, PrintStream err) {
    try {
      return NetworkCompiler.compile(net, o);
    } catch (IllegalArgumentException e) {
      if (o.sanitization() == null) {
        throw e;
      }
      err.println(o.mode() + ": traced flooding infeasible (" + e.getMessage() + "); flooding"
          + " with a declared bound B = 2^0 instead");
      return NetworkCompiler.compile(net, o.withSanitization(o.sanitization()
          .withNoiseBoundBits(0)));
    }
  }

  private static void params(ObjectNode n, CompiledNetwork p) {
    Parameters prm = p.parameters();
    n.put("logN", prm.logN());
    n.put("levels", prm.maxLevel());
    n.put("logQP", round(prm.logQP(), 1));
    n.put("galoisKeys", p.rotations().length);
  }

  private static ObjectNode modeInfo(ObjectNode modes, String name, CompiledNetwork p,
      double compileSeconds) {
    ObjectNode m = modes.putObject(name);
    params(m.putObject("params"), p);
    Parameters prm = p.parameters();
    m.put("logScale", round(prm.logDefaultScale(), 2));
    m.put("firstPrimeBits", round(Math.log(prm.q(0)) / Math.log(2), 1));
    m.put("dnum", prm.dnum());
    m.put("depth", p.depth());
    m.put("relinearizationKey", p.needsRelinearization());
    m.put("im2colInput", p.im2colInput());
    m.put("noiseBoundBits", p.noiseBoundBits());
    m.put("expectedPrecisionBits", round(p.expectedPrecisionBits(), 2));
    m.put("sanitized", p.floodingPolicy() != null);
    if (p.floodingPolicy() != null) {
      m.put("floodingSecurityBits", p.floodingPolicy().securityBits());
      m.put("floodingNoiseBoundBits", p.floodingPolicy().noiseBoundBits());
      m.put("floodingTraced", p.options().sanitization().traced());
      m.put("floodingMaxResults", p.floodingPolicy().maxDecryptions());
    }
    m.put("compileSeconds", round(compileSeconds, 2));
    return m;
  }

  private static void latency(Config c, CompiledNetwork p, Network net, MnistData test,
      int[] plainPred, ObjectNode out, ObjectNode layers, ObjectNode modes, double compile,
      PrintStream err) {
    err.printf(Locale.ROOT, "latency: N = 2^%d, %d levels, log QP %.1f, %d Galois keys%n",
        p.parameters().logN(), p.parameters().maxLevel(), p.parameters().logQP(),
        p.rotations().length);
    ObjectNode info = modeInfo(modes, "latency", p, compile);
    try (HeContext ctx = new HeContext(p.parameters(), c.threads())) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      long tk = System.nanoTime();
      EvaluationKeys evk = p.evaluationKeys(kg, sk);
      info.put("keygenSeconds", round((System.nanoTime() - tk) / 1e9, 2));
      long tp = System.nanoTime();
      CompiledNetwork.Server server = p.server(ctx);
      info.put("prepareSeconds", round((System.nanoTime() - tp) / 1e9, 2));
      CompiledNetwork.Client client = p.client(ctx, sk);
      Evaluator ev = new Evaluator(ctx, evk);
      CostModel cost = CostModel.calibrate(ctx, 5);
      int n = test.size();
      double[] server_ = new double[n];
      double[] enc = new double[n];
      double[] dec = new double[n];
      double[][] perLayer = new double[n][];
      long upload = 0;
      long result = 0;
      int correct = 0;
      int agree = 0;
      // one untimed warm-up image (JIT)
      client.decrypt(sanitize(server, server.evaluate(ev, client.encrypt(test.images()[0])), pk));
      for (int i = 0; i < n; i++) {
        long a = System.nanoTime();
        CompiledNetwork.EncryptedInput in = client.encrypt(test.images()[i]);
        long b = System.nanoTime();
        CompiledNetwork.Evaluation e = server.evaluateTimed(ev, in);
        CompiledNetwork.EncryptedOutput o = sanitize(server, e.output(), pk);
        long d = System.nanoTime();
        double[] scores = client.decrypt(o)[0];
        long f = System.nanoTime();
        enc[i] = (b - a) / 1e9;
        server_[i] = (d - b) / 1e9;
        dec[i] = (f - d) / 1e9;
        perLayer[i] = e.layerSeconds();
        upload = bytes(in.ciphertexts());
        result = bytes(o.ciphertexts().toArray(new Ciphertext[0]));
        int pred = Network.argmax(scores);
        correct += pred == test.labels()[i] ? 1 : 0;
        agree += pred == plainPred[i] ? 1 : 0;
        if ((i + 1) % 25 == 0 || i == n - 1) {
          err.printf(Locale.ROOT, "latency: %d/%d images, median %.3f s%n", i + 1, n,
              median(Arrays.copyOf(server_, i + 1)));
        }
      }
      out.put("images", n);
      out.put("accuracy", round((double) correct / n, 4));
      out.put("agreement", round((double) agree / n, 4));
      out.put("secondsMedian", round(median(server_), 4));
      out.put("secondsP95", round(quantile(server_, 0.95), 4));
      out.put("uploadBytes", upload);
      out.put("resultBytes", result);
      out.put("evaluationKeyBytes", VeilIO.serializedSize(evk));
      info.put("clientEncryptSecondsMedian", round(median(enc), 4));
      info.put("clientDecryptSecondsMedian", round(median(dec), 4));
      layers.set("latency", layerArray(p.layers(cost), perLayer));
    }
  }

  private static void throughput(Config c, CompiledNetwork p, MnistData test, int[] plainPred,
      ObjectNode out, ObjectNode layers, ObjectNode modes, double compile, PrintStream err) {
    int slots = p.parameters().slots();
    err.printf(Locale.ROOT, "throughput: N = 2^%d (%d images per batch), %d levels, log QP %.1f"
        + "%n", p.parameters().logN(), slots, p.parameters().maxLevel(), p.parameters().logQP());
    ObjectNode info = modeInfo(modes, "throughput", p, compile);
    try (HeContext ctx = new HeContext(p.parameters(), c.threads())) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      EvaluationKeys evk = p.evaluationKeys(kg, sk);
      long tp = System.nanoTime();
      CompiledNetwork.Server server = p.server(ctx);
      info.put("prepareSeconds", round((System.nanoTime() - tp) / 1e9, 2));
      CompiledNetwork.Client client = p.client(ctx, sk);
      Evaluator ev = new Evaluator(ctx, evk);
      CostModel cost = CostModel.calibrate(ctx, 3);
      int n = test.size();
      int batches = (n + slots - 1) / slots;
      double serverSeconds = 0;
      double encSeconds = 0;
      double decSeconds = 0;
      long upload = 0;
      int correct = 0;
      int agree = 0;
      List<double[]> perLayer = new ArrayList<>();
      for (int bIdx = 0; bIdx < batches; bIdx++) {
        int from = bIdx * slots;
        int to = Math.min(n, from + slots);
        List<double[]> batch = Arrays.asList(test.images()).subList(from, to);
        long a = System.nanoTime();
        CompiledNetwork.EncryptedInput in = client.encryptBatch(batch);
        long b = System.nanoTime();
        CompiledNetwork.Evaluation e = server.evaluateTimed(ev, in);
        CompiledNetwork.EncryptedOutput o = sanitize(server, e.output(), pk);
        long d = System.nanoTime();
        double[][] scores = client.decrypt(o);
        long f = System.nanoTime();
        encSeconds += (b - a) / 1e9;
        serverSeconds += (d - b) / 1e9;
        decSeconds += (f - d) / 1e9;
        upload += bytes(in.ciphertexts());
        perLayer.add(e.layerSeconds());
        for (int i = from; i < to; i++) {
          int pred = Network.argmax(scores[i - from]);
          correct += pred == test.labels()[i] ? 1 : 0;
          agree += pred == plainPred[i] ? 1 : 0;
        }
        err.printf(Locale.ROOT, "throughput: batch %d/%d (%d images) %.2f s on the server%n",
            bIdx + 1, batches, to - from, (d - b) / 1e9);
      }
      out.put("images", n);
      out.put("accuracy", round((double) correct / n, 4));
      out.put("agreement", round((double) agree / n, 4));
      out.put("imagesPerSecond", round(n / serverSeconds, 1));
      out.put("uploadBytesPerImage", upload / n);
      info.put("batches", batches);
      info.put("imagesPerBatch", slots);
      info.put("serverSeconds", round(serverSeconds, 3));
      info.put("clientEncryptSeconds", round(encSeconds, 3));
      info.put("clientDecryptSeconds", round(decSeconds, 3));
      info.put("evaluationKeyBytes", VeilIO.serializedSize(evk));
      layers.set("throughput", layerArray(p.layers(cost), perLayer.toArray(new double[0][])));
    }
  }

  private static CompiledNetwork.EncryptedOutput sanitize(CompiledNetwork.Server server,
      CompiledNetwork.EncryptedOutput out, PublicKey pk) {
    return server.sanitizes() ? server.sanitize(out, pk) : out;
  }

  private static long bytes(Ciphertext[] cts) {
    long s = 0;
    for (Ciphertext c : cts) {
      s += VeilIO.serializedSize(c);
    }
    return s;
  }

  private static ArrayNode layerArray(List<LayerReport> reports, double[][] measured) {
    ArrayNode a = JSON.createArrayNode();
    for (LayerReport r : reports) {
      ObjectNode l = a.addObject();
      l.put("node", r.node());
      l.put("name", r.name());
      l.put("kind", r.kind());
      l.put("lowering", r.lowering());
      l.put("layout", r.layout());
      l.put("levelIn", r.levelIn());
      l.put("levelOut", r.levelOut());
      l.put("rotationKeys", r.rotationKeys());
      l.put("keySwitches", r.keySwitches());
      l.put("hoistedDecompositions", r.hoistedDecompositions());
      l.put("ciphertextMultiplications", r.ciphertextMultiplications());
      l.put("plaintextMultiplications", r.plaintextMultiplications());
      l.put("rescales", r.rescales());
      l.put("plaintextBytes", r.plaintextBytes());
      l.put("predictedSeconds", round(r.predictedSeconds(), 4));
      double[] m = new double[measured.length];
      for (int i = 0; i < m.length; i++) {
        m[i] = measured[i][r.node()];
      }
      l.put("measuredSecondsMedian", round(median(m), 4));
    }
    return a;
  }

  // ================================================================ the default model

  /**
   * The CryptoNets network trained here on the directory's training images, as {@code veil nn
   * train} trains it with its defaults ({@link TrainingOptions#defaults()}, seed {@code seed}):
   * conv 5x5, 5 channels, stride 2 (28x28 -> 5x13x13), square, dense 845 -> 100, square, dense
   * 100 -> 10. Progress (one line per epoch) on {@code log}.
   */
  public static Supplier<Network> trainedModel(Path dir, long seed, int threads,
      PrintStream log) {
    return () -> {
      try {
        Examples train = Examples.of(Idx.mnist(dir, true), 10);
        Examples test = Examples.of(Idx.mnist(dir, false), 10);
        TrainingOptions options = TrainingOptions.defaults().withSeed(seed).withThreads(threads);
        Network initial = NetworkTrainer.cryptonets(new Shape(1, MnistData.SIDE, MnistData.SIDE),
            100, 10, seed);
        log.printf(Locale.ROOT, "training the model: %d epochs on %d images, seed %d%n",
            options.epochs(), train.count(), seed);
        NetworkTrainer.Result r = new NetworkTrainer(options).train(initial, train, test,
            e -> log.printf(Locale.ROOT, "epoch %d/%d: test accuracy %.2f %%, %.1f s%n",
                e.epoch(), options.epochs(), 100 * e.testAccuracy(), e.seconds()));
        return r.network();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read the MNIST images for training: "
            + e.getMessage(), e);
      }
    };
  }

  static double median(double[] v) {
    return quantile(v, 0.5);
  }

  static double quantile(double[] v, double q) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(q * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  static double round(double v, int decimals) {
    if (!Double.isFinite(v)) {
      return v;
    }
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
