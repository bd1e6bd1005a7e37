package dev.veil.ml.nn.compile;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.OutputSanitizer;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.nn.Layer;
import dev.veil.ml.nn.Network;
import dev.veil.ml.nn.Shape;

/**
 * A network compiled for encrypted inference ({@link NetworkCompiler}): the parameters, the
 * per-layer plan and report, the evaluation keys it needs (exactly), and the three roles:
 *
 * <pre>{@code
 * CompiledNetwork program = NetworkCompiler.compile(network, CompileOptions.latency()
 *     .withCalibration(samples).withSanitization(Sanitization.of(maxResults)));
 * HeContext ctx = new HeContext(program.parameters(), threads);
 * // key holder (client)
 * CompiledNetwork.Client client = program.client(ctx, secretKey);
 * EvaluationKeys evk = program.evaluationKeys(new KeyGenerator(ctx), secretKey);
 * CompiledNetwork.EncryptedInput in = client.encrypt(image);      // or encryptBatch(images)
 * // model holder (server)
 * CompiledNetwork.Server server = program.server(ctx);             // encodes the weights once
 * CompiledNetwork.EncryptedOutput out = server.evaluate(new Evaluator(ctx, evk), in);
 * out = server.sanitize(out, clientPublicKey);                     // flooded, level 0
 * double[][] scores = client.decrypt(out);                        // one row per input
 * }</pre>
 *
 * Immutable; the server and client objects are thread-safe for distinct ciphertexts.
 */
public final class CompiledNetwork {
  private final Network network;
  private final CompileOptions options;
  private final Parameters params;
  private final NetworkCompiler.Plan plan;
  private final double noiseBoundBits;
  private final FloodingPolicy policy;
  private final double precisionBits;
  private final int[] rotations;

  CompiledNetwork(Network network, CompileOptions options, Parameters params,
      NetworkCompiler.Plan plan, double noiseBoundBits, FloodingPolicy policy,
      double precisionBits) {
    this.network = network;
    this.options = options;
    this.params = params;
    this.plan = plan;
    this.noiseBoundBits = noiseBoundBits;
    this.policy = policy;
    this.precisionBits = precisionBits;
    TreeSet<Integer> all = new TreeSet<>();
    for (Step s : plan.steps) {
      for (int r : s.rotations) {
        if (Math.floorMod(r, params.slots()) != 0) {
          all.add(r);
        }
      }
    }
    this.rotations = all.stream().mapToInt(Integer::intValue).toArray();
  }

  public Network network() {
    return network;
  }

  public NetworkCompiler.Mode mode() {
    return plan.mode;
  }

  public CompileOptions options() {
    return options;
  }

  public Parameters parameters() {
    return params;
  }

  /** Levels the program consumes (the sanitiser's mask included when it needs one). */
  public int depth() {
    return plan.depth;
  }

  /** Inputs per evaluation: 1 in latency mode, N/2 in throughput mode. */
  public int batchSize() {
    return plan.mode == NetworkCompiler.Mode.LATENCY ? 1 : params.slots();
  }

  /** Outputs per input (class scores). */
  public int outputs() {
    return plan.outputs;
  }

  /** The rotations whose Galois keys the program uses: sorted, distinct, none by 0. */
  public int[] rotations() {
    return rotations.clone();
  }

  /** The Galois elements of {@link #rotations()}. */
  public long[] galoisElements() {
    return Evaluator.galoisElements(params, rotations);
  }

  /** Whether a ciphertext product (square, activation) needs the relinearisation key. */
  public boolean needsRelinearization() {
    for (Step s : plan.steps) {
      if (s instanceof Step.Square || s instanceof Step.Activation) {
        return true;
      }
    }
    return false;
  }

  /** log2 of the traced bound on the result's noise coefficients (sizes the flooding). */
  public double noiseBoundBits() {
    return noiseBoundBits;
  }

  /** The sanitiser's flooding policy; null when compiled without sanitisation. */
  public FloodingPolicy floodingPolicy() {
    return policy;
  }

  /** Bits of absolute precision the outputs are expected to keep (after flooding if any). */
  public double expectedPrecisionBits() {
    return precisionBits;
  }

  /** Whether the first convolution takes LoLa's convolution representation (im2col). */
  public boolean im2colInput() {
    return plan.im2col != null;
  }

  /** The per-layer report, without time predictions. */
  public List<LayerReport> layers() {
    return layers(null);
  }

  /** The per-layer report with the times {@code cost} predicts (null: NaN). */
  public List<LayerReport> layers(CostModel cost) {
    Step.Schedule s = NetworkCompiler.schedule(plan, params);
    List<LayerReport> out = new ArrayList<>();
    for (Step st : plan.steps) {
      int lin = s.level(st.inputs[0]);
      int lout = s.level[st.node] - st.pending;
      String layout = plan.mode == NetworkCompiler.Mode.LATENCY ? st.layout.toString()
          : "one value per ciphertext";
      long bytes = st.plaintextRows * (long) params.n() * 8 * (lin + 1);
      if (st instanceof Step.MultiplyAccumulate mac) {
        bytes = mac.map.entries() * 16L * (lin + 1);
      }
      double predicted = cost == null ? Double.NaN : cost.predict(st, lin, params);
      out.add(new LayerReport(st.node, st.name, st.kind, st.lowering, layout, lin, lout,
          st.rotations.length, st.keySwitches, st.hoisted, st.ctMults, st.ptMults,
          st.rescales, bytes, predicted));
    }
    return out;
  }

  /** The evaluation keys the program needs, exactly: relinearisation if any, its rotations. */
  public EvaluationKeys evaluationKeys(KeyGenerator keygen, SecretKey sk) {
    return new EvaluationKeys(params, needsRelinearization() ? keygen.relinearizationKey(sk) : null,
        keygen.galoisKeys(sk, galoisElements()));
  }

  /** The model holder's side under {@code ctx}: encodes every plaintext and constant once. */
  public Server server(HeContext ctx) {
    params.requireSame(ctx.parameters(), "compiled network");
    return new Server(ctx);
  }

  /** The key holder's side: encodes, encrypts (secret key, seeded) and decrypts. */
  public Client client(HeContext ctx, SecretKey sk) {
    params.requireSame(ctx.parameters(), "compiled network");
    return new Client(ctx, sk);
  }

  // ================================================================ data

  /**
   * An encrypted request: latency, one ciphertext in the program's input layout; throughput,
   * one ciphertext per input value, slot i holding input i's value.
   *
   * @param count inputs held (1 in latency mode)
   */
  public record EncryptedInput(Ciphertext[] ciphertexts, int count) {
    public EncryptedInput {
      ciphertexts = ciphertexts.clone();
    }

    @Override
    public Ciphertext[] ciphertexts() {
      return ciphertexts.clone();
    }
  }

  /**
   * An encrypted response: one {@link EncryptedResult} (latency: the scores in slots 0..m-1;
   * throughput: one per class, slot i holding input i's score) and the inputs it answers.
   */
  public record EncryptedOutput(EncryptedResult[] results, int count) {
    public EncryptedOutput {
      results = results.clone();
    }

    @Override
    public EncryptedResult[] results() {
      return results.clone();
    }

    /** All ciphertexts, in order. */
    public List<Ciphertext> ciphertexts() {
      List<Ciphertext> all = new ArrayList<>();
      for (EncryptedResult r : results) {
        for (Ciphertext c : r.ciphertexts()) {
          all.add(c);
        }
      }
      return all;
    }
  }

  /** An evaluation and the wall time of each layer, in node order. */
  public record Evaluation(EncryptedOutput output, double[] layerSeconds) {
    public Evaluation {
      layerSeconds = layerSeconds.clone();
    }

    @Override
    public double[] layerSeconds() {
      return layerSeconds.clone();
    }
  }

  // ================================================================ server

  /** The model holder: the prepared program. */
  public final class Server {
    private final HeContext ctx;
    private final List<Step.Prepared> prepared = new ArrayList<>();
    private final Step.Schedule schedule;

    private Server(HeContext ctx) {
      this.ctx = ctx;
      this.schedule = NetworkCompiler.schedule(plan, params);
      Step.Env env = new Step.Env(ctx, schedule);
      for (Step s : plan.steps) {
        prepared.add(s.prepare(env));
      }
    }

    /** The program on an encrypted input. */
    public EncryptedOutput evaluate(Evaluator ev, EncryptedInput in) {
      return evaluateTimed(ev, in).output();
    }

    /** The program on an encrypted input, each layer timed. */
    public Evaluation evaluateTimed(Evaluator ev, EncryptedInput in) {
      Objects.requireNonNull(in, "input");
      params.requireSame(ev.context().parameters(), "compiled network");
      int expected = plan.mode == NetworkCompiler.Mode.LATENCY ? 1 : plan.inputShape.size();
      Ciphertext[] x = in.ciphertexts();
      if (x.length != expected) {
        throw new IllegalArgumentException("the program takes " + expected
            + " input ciphertext(s), got " + x.length);
      }
      for (Ciphertext c : x) {
        params.requireSame(c.parameters(), "compiled network input");
        if (c.level() != params.maxLevel() || c.degree() != 1) {
          throw new IllegalArgumentException("inputs must be fresh degree-1 ciphertexts at level "
              + params.maxLevel() + ", got " + c);
        }
      }
      Ciphertext[][] values = new Ciphertext[plan.steps.size()][];
      double[] seconds = new double[plan.steps.size()];
      int[] lastUse = new int[plan.steps.size()];
      for (Step st : plan.steps) {
        for (int i : st.inputs) {
          if (i != Network.INPUT) {
            lastUse[i] = st.node;
          }
        }
      }
      for (int k = 0; k < plan.steps.size(); k++) {
        Step st = plan.steps.get(k);
        Ciphertext[][] args = new Ciphertext[st.inputs.length][];
        for (int j = 0; j < args.length; j++) {
          args[j] = st.inputs[j] == Network.INPUT ? x : values[st.inputs[j]];
        }
        long t0 = System.nanoTime();
        values[k] = prepared.get(k).run(ev, args);
        seconds[k] = (System.nanoTime() - t0) / 1e9;
        for (int i : st.inputs) {
          if (i != Network.INPUT && lastUse[i] == k) {
            values[i] = null; // no later step reads it: let it go
          }
        }
      }
      Ciphertext[] y = values[values.length - 1];
      Step.materialize(ev, y, plan.last().pending);
      return new Evaluation(wrap(y, in.count()), seconds);
    }

    private EncryptedOutput wrap(Ciphertext[] y, int count) {
      int slots = params.slots();
      if (plan.mode == NetworkCompiler.Mode.LATENCY) {
        ResultDescriptor d = new ResultDescriptor(Layout.of(slots, plan.outputs, 1),
            ResultDescriptor.Output.SCORES, !plan.mask);
        return new EncryptedOutput(new EncryptedResult[] {new EncryptedResult(y, d)}, count);
      }
      ResultDescriptor d = new ResultDescriptor(Layout.of(slots, slots, 1),
          ResultDescriptor.Output.SCORES, true);
      EncryptedResult[] r = new EncryptedResult[y.length];
      for (int c = 0; c < y.length; c++) {
        r[c] = new EncryptedResult(new Ciphertext[] {y[c]}, d);
      }
      return new EncryptedOutput(r, count);
    }

    /** Whether the program was compiled with sanitisation ({@link #sanitize} works). */
    public boolean sanitizes() {
      return policy != null;
    }

    /**
     * The output sanitised for the key holder whose public key is {@code resultKey}: non-result
     * slots cleared, level 0, re-randomised and flooded with the program's policy ({@link
     * OutputSanitizer}).
     *
     * @throws IllegalStateException if the program was compiled without sanitisation
     */
    public EncryptedOutput sanitize(EncryptedOutput out, PublicKey resultKey) {
      return sanitize(out, resultKey, new SecureRandom());
    }

    /** As above with the flooding randomness from {@code random}. */
    public EncryptedOutput sanitize(EncryptedOutput out, PublicKey resultKey,
        SecureRandom random) {
      if (policy == null) {
        throw new IllegalStateException("compiled without sanitisation: give CompileOptions a"
            + " Sanitization to size the flooding");
      }
      OutputSanitizer s = new OutputSanitizer(ctx, resultKey, policy, 0, random);
      EncryptedResult[] r = out.results();
      for (int k = 0; k < r.length; k++) {
        r[k] = s.sanitize(r[k]);
      }
      return new EncryptedOutput(r, out.count());
    }
  }

  // ================================================================ client

  /** The key holder: lays out, encodes, encrypts and decrypts. */
  public final class Client {
    private final Encoder encoder;
    private final Encryptor encryptor;
    private final Decryptor decryptor;

    private Client(HeContext ctx, SecretKey sk) {
      this.encoder = new Encoder(ctx);
      this.encryptor = Encryptor.withSecretKey(ctx, sk);
      this.decryptor = new Decryptor(ctx, sk);
    }

    /** The slot vector of one input in the program's input layout (latency mode). */
    public double[] layout(double[] x) {
      checkInput(x);
      if (plan.im2col == null) {
        return plan.inputLayout.spread(x);
      }
      Layer.Conv2d c = plan.im2col;
      Shape in = plan.inputShape;
      Shape o = c.outputShape(in);
      int plane = o.height() * o.width();
      double[] v = new double[plan.inputLayout.size()];
      for (int ch = 0; ch < c.inChannels(); ch++) {
        for (int u = 0; u < c.kernelH(); u++) {
          for (int w = 0; w < c.kernelW(); w++) {
            int t = (ch * c.kernelH() + u) * c.kernelW() + w;
            for (int i = 0; i < o.height(); i++) {
              int yy = i * c.strideH() + u - c.padTop();
              for (int j = 0; j < o.width(); j++) {
                int xx = j * c.strideW() + w - c.padLeft();
                if (yy >= 0 && yy < in.height() && xx >= 0 && xx < in.width()) {
                  v[t * plane + i * o.width() + j] = x[in.index(ch, yy, xx)];
                }
              }
            }
          }
        }
      }
      return plan.inputLayout.spread(v);
    }

    /** One input, encrypted in latency mode; in throughput mode a batch of one. */
    public EncryptedInput encrypt(double[] x) {
      if (plan.mode == NetworkCompiler.Mode.THROUGHPUT) {
        return encryptBatch(List.of(x));
      }
      double[] slots = layout(x);
      Ciphertext ct = encryptor.encrypt(encoder.encode(slots, params.maxLevel(),
          params.defaultScale()));
      return new EncryptedInput(new Ciphertext[] {ct}, 1);
    }

    /** Up to N/2 inputs, one per slot (throughput mode). */
    public EncryptedInput encryptBatch(List<double[]> xs) {
      if (plan.mode != NetworkCompiler.Mode.THROUGHPUT) {
        throw new IllegalStateException("latency programs take one input per request");
      }
      int slots = params.slots();
      if (xs.isEmpty() || xs.size() > slots) {
        throw new IllegalArgumentException("a batch holds 1 to " + slots + " inputs, got "
            + xs.size());
      }
      for (double[] x : xs) {
        checkInput(x);
      }
      int n = plan.inputShape.size();
      Ciphertext[] cts = new Ciphertext[n];
      double[] v = new double[slots];
      for (int k = 0; k < n; k++) {
        java.util.Arrays.fill(v, 0);
        for (int i = 0; i < xs.size(); i++) {
          v[i] = xs.get(i)[k];
        }
        cts[k] = encryptor.encrypt(encoder.encode(v, params.maxLevel(), params.defaultScale()));
      }
      return new EncryptedInput(cts, xs.size());
    }

    /** The scores, one row of {@link #outputs()} values per input. */
    public double[][] decrypt(EncryptedOutput out) {
      EncryptedResult[] r = out.results();
      if (plan.mode == NetworkCompiler.Mode.LATENCY) {
        double[] slots = encoder.decode(decryptor.decrypt(r[0].ciphertext(0)));
        return new double[][] {java.util.Arrays.copyOf(slots, plan.outputs)};
      }
      double[][] scores = new double[out.count()][plan.outputs];
      for (int c = 0; c < plan.outputs; c++) {
        double[] slots = encoder.decode(decryptor.decrypt(r[c].ciphertext(0)));
        for (int i = 0; i < out.count(); i++) {
          scores[i][c] = slots[i];
        }
      }
      return scores;
    }

    private void checkInput(double[] x) {
      if (x.length != plan.inputShape.size()) {
        throw new IllegalArgumentException("the network takes " + plan.inputShape.size()
            + " values, got " + x.length);
      }
      for (double v : x) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("input value " + v + " is not finite");
        }
      }
    }
  }
}
