package dev.veil.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.FeatureMajorInference.Batch;
import dev.veil.ml.infer.FeatureMajorInference.Result;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.OutputSanitizer;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.infer.ResultReader;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import dev.veil.server.inference.InferenceSettings;

/**
 * Encrypted batch inference end to end, behind {@code veil bench infer}: a buyer's table of
 * {@value #FEATURES}-feature rows, a seller's plaintext logistic model, and every step a row
 * goes through on the platform, each timed on its own:
 *
 * <ol>
 *   <li>{@code encrypt}: the buyer packs the rows feature-major ({@link
 *       FeatureMajorInference.Owner}: one ciphertext per feature and batch of N/2 rows) and
 *       encrypts them at the top level, under the public key (as {@code veil encrypt --schema})
 *       or the secret key (seeded, as the server benchmark's buyers);
 *   <li>{@code scores}: the log-odds of every row ({@link FeatureMajorInference#scores}; not part
 *       of the end-to-end time, which buys probabilities);
 *   <li>{@code probabilities}: the scores and the server's degree-3 least-squares sigmoid on
 *       [-8, 8] ({@link InferenceSettings#sigmoid()}), relinearisation key only;
 *   <li>{@code sanitize}: {@link OutputSanitizer} on the probabilities: non-result slots cleared,
 *       level 0, re-randomised under the buyer's public key and flooded, with the server's policy
 *       ({@link InferenceSettings#floodingPolicy}: s = 40) for D = the number of rows;
 *   <li>{@code decrypt}: the buyer decrypts and decodes the sanitised results.
 * </ol>
 *
 * {@code endToEnd} is encrypt + probabilities + sanitize + decrypt of the same round. Key
 * generation (secret, public, relinearisation key) is done once, timed apart and excluded. All
 * stages share one {@link HeContext} of {@code threads} threads. After {@code warmup} untimed
 * rounds (the JIT), {@code rounds} timed rounds; the report gives each stage's median and fastest
 * round and the rows per second of the median. The precision of the last round is checked
 * against the plaintext model, untimed.
 *
 * <p>Flooding costs precision: a sanitised value keeps about {@code log2(scale) - log2(sigma) -
 * log2(N)/2} bits ({@link OutputSanitizer#expectedPrecisionBits}). At a preset's scale 2^40 that
 * is negative (the decrypted probabilities are noise: the server would refuse such a job below
 * its minimum, {@link InferenceSettings#minPrecisionBits()}); the benchmark runs it anyway, for
 * the cost, and reports the expected and measured precision and whether the server would accept
 * it. Parameters at scale 2^59 ({@link #inferenceParameters(int)}) keep usable precision.
 *
 * <p>JSON report (every field always present): {@code benchmark}, {@code parameters} {name,
 * logN, slots, levels, logQP, logScale, firstPrimeBits, dnum, secure}, {@code rows}, {@code
 * features}, {@code batches}, {@code rowEncryption}, {@code threads}, {@code warmupRounds},
 * {@code rounds}, {@code stages} {encrypt, scores, probabilities, sanitize, decrypt: each
 * {medianSeconds, minSeconds, rowsPerSecond, roundSeconds}}, {@code endToEnd} {the same and
 * {@code includes}}, {@code keygenSeconds}, {@code flooding} {securityBits, noiseBoundBits,
 * maxResults, log2Sigma, expectedPrecisionBits, serverMinimumPrecisionBits, serverWouldAccept},
 * {@code precision} {scoresMeanBits, probabilitiesMeanBits, sanitizedMeanBits, sanitizedMaxError}
 * (probabilities against the polynomial sigmoid of the plaintext scores), {@code machine}
 * ({@link CkksBenchmark}'s environment fields and {@code os}), {@code loadAverage} {start, end:
 * 1, 5 and 15 minutes}, {@code seconds}.
 */
public final class InferBenchmark {
  /** Features of the model and of every row. */
  public static final int FEATURES = 18;
  /** The L2 norm of the model's feature weights (that of the server benchmark's model). */
  static final double WEIGHT_NORM = 0.9;
  /** The model's intercept. */
  static final double INTERCEPT = 0.1;
  /** The timed stages, in the order of the JSON {@code stages} object. */
  public static final List<String> STAGES =
      List.of("encrypt", "scores", "probabilities", "sanitize", "decrypt");
  /** The stages that make up {@code endToEnd}. */
  public static final List<String> END_TO_END =
      List.of("encrypt", "probabilities", "sanitize", "decrypt");
  /** The first prime of {@link #inferenceParameters(int)}, in bits. */
  static final int FIRST_PRIME_BITS = 61;
  /** Passed to the sanitiser so that it floods whatever precision is left (see the class doc). */
  private static final double NO_MINIMUM = -1e9;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private InferBenchmark() {}

  /**
   * What to run.
   *
   * @param name how the parameters are reported (a preset's name)
   * @param params the parameters; at least {@link #levelsNeeded()} levels
   * @param rows rows of the buyer's table, at least 1
   * @param secretKeyRows whether the buyer encrypts under the secret key (else the public key)
   * @param threads threads of the context, at least 1
   * @param warmup untimed rounds, at least 0
   * @param rounds timed rounds, at least 1
   * @param json where to write the report; null for none
   */
  public record Config(String name, Parameters params, int rows, boolean secretKeyRows,
      int threads, int warmup, int rounds, Path json) {
    public Config {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(params, "params");
      if (rows < 1 || threads < 1 || warmup < 0 || rounds < 1) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "invalid inference"
                + " benchmark: rows %d, threads %d, warm-up %d, rounds %d (need rows, threads,"
                + " rounds >= 1, warm-up >= 0)", rows, threads, warmup, rounds));
      }
      String problem = problem(params, rows);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
    }
  }

  /** Levels the benchmark needs: the probabilities' and one for the sanitiser's mask. */
  public static int levelsNeeded() {
    return FeatureMajorInference.levelsNeeded(InferenceSettings.defaults().sigmoid()) + 1;
  }

  /**
   * The smallest 128-bit-secure parameters with {@link #levelsNeeded()} levels at scale {@code
   * 2^scaleBits} under a {@value #FIRST_PRIME_BITS}-bit first prime: what the server benchmark
   * and {@code veil keygen --model inference} choose (at 2^59).
   */
  public static Parameters inferenceParameters(int scaleBits) {
    return ParameterSelector.select(levelsNeeded(), scaleBits, 1, FIRST_PRIME_BITS - scaleBits);
  }

  /**
   * Why these parameters cannot run the benchmark for {@code rows} rows (too few levels, or
   * flooding noise that does not fit the first prime), or null when they can.
   */
  public static String problem(Parameters params, int rows) {
    int needed = levelsNeeded();
    if (params.maxLevel() < needed) {
      return String.format(Locale.ROOT, "the parameters have %d level%s; degree-3"
              + " probabilities (%d) and the sanitiser's mask (1) need %d", params.maxLevel(),
          params.maxLevel() == 1 ? "" : "s", needed - 1, needed);
    }
    double log2Sigma = policy(params, rows).log2Sigma();
    double logQ0 = Math.log(params.q(0)) / Math.log(2);
    if (log2Sigma + 3 + 1 > logQ0 - 1) {
      return String.format(Locale.ROOT, "flooding noise 2^%.1f for %d rows does not fit the"
          + " first prime (2^%.1f): use fewer rows or a larger first prime", log2Sigma, rows,
          logQ0);
    }
    return null;
  }

  /** The server's flooding for a buyer who receives {@code rows} rows of the model. */
  static FloodingPolicy policy(Parameters params, int rows) {
    return InferenceSettings.defaults().floodingPolicy(params, weights(), true, rows);
  }

  /** The model: intercept {@value #INTERCEPT}, feature weights of L2 norm {@value #WEIGHT_NORM}. */
  static double[] weights() {
    Random random = new Random(7);
    double[] w = new double[FEATURES + 1];
    double norm = 0;
    for (int j = 1; j <= FEATURES; j++) {
      w[j] = random.nextGaussian();
      norm += w[j] * w[j];
    }
    double f = WEIGHT_NORM / Math.sqrt(norm);
    for (int j = 1; j <= FEATURES; j++) {
      w[j] *= f;
    }
    w[0] = INTERCEPT;
    return w;
  }

  /** The buyer's table: values uniform in [-1, 1] (every score within [-8, 8]). */
  static double[][] table(int rows) {
    Random random = new Random(2018);
    double[][] t = new double[rows][FEATURES];
    for (double[] row : t) {
      for (int j = 0; j < FEATURES; j++) {
        row[j] = 2 * random.nextDouble() - 1;
      }
    }
    return t;
  }

  /**
   * Runs the benchmark: progress to {@code err}, the table to {@code out}, the report to the
   * config's JSON path.
   *
   * @return 0, or 1 when the report could not be written
   */
  public static int run(Config config, PrintStream out, PrintStream err) {
    Objects.requireNonNull(config, "config");
    long start = System.nanoTime();
    double[] loadStart = loadAverage();
    ObjectNode machine = JSON.createObjectNode();
    CkksBenchmark.environment(machine); // startedAt: now, before the keys
    machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version")
        + " " + System.getProperty("os.arch"));
    Run run = new Run(config, err);
    ObjectNode root;
    try {
      root = run.measure();
    } finally {
      run.close();
    }
    root.set("machine", machine);
    root.set("loadAverage", JSON.createObjectNode()
        .<ObjectNode>set("start", array(loadStart)).set("end", array(loadAverage())));
    root.put("seconds", CkksBenchmark.round((System.nanoTime() - start) / 1e9, 2));
    print(root, out);
    if (config.json() != null) {
      try {
        VeilIO.writeAtomically(config.json(), o -> JSON.writeValue(o, root));
      } catch (IOException e) {
        err.println("cannot write the report " + config.json() + ": " + e);
        return 1;
      }
      err.println("report written to " + config.json().toAbsolutePath());
    }
    return 0;
  }

  /** The keys, model and data of one run. */
  private static final class Run {
    private final Config c;
    private final PrintStream err;
    private final HeContext ctx;
    private final Encoder encoder;
    private final FeatureMajorInference.Owner owner;
    private final ResultReader reader;
    private final FeatureMajorInference inference;
    private final OutputSanitizer sanitizer;
    private final ResultDescriptor descriptor;
    private final LogisticModel model = new LogisticModel(weights());
    private final SigmoidApproximation sigmoid = InferenceSettings.defaults().sigmoid();
    private final double[][] table;
    private final double keygenSeconds;
    private final Map<String, double[]> times = new LinkedHashMap<>();
    private double[] lastScores;
    private double[] lastProbabilities;
    private double[] lastSanitized;

    Run(Config c, PrintStream err) {
      this.c = c;
      this.err = err;
      Parameters p = c.params();
      this.table = table(c.rows());
      this.ctx = new HeContext(p, c.threads());
      long t0 = System.nanoTime();
      SecureRandom random = new SecureRandom();
      KeyGenerator kg = new KeyGenerator(ctx, random);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      EvaluationKeys evk = new EvaluationKeys(p, kg.relinearizationKey(sk), List.of());
      this.keygenSeconds = (System.nanoTime() - t0) / 1e9;
      this.encoder = new Encoder(ctx);
      Encryptor encryptor = c.secretKeyRows() ? Encryptor.withSecretKey(ctx, sk, random)
          : Encryptor.withPublicKey(ctx, pk, random);
      Decryptor decryptor = new Decryptor(ctx, sk);
      this.owner = new FeatureMajorInference.Owner(encoder, encryptor, decryptor);
      this.reader = new ResultReader(encoder, decryptor);
      this.inference = new FeatureMajorInference(new Evaluator(ctx, evk));
      this.sanitizer = new OutputSanitizer(ctx, pk, policy(p, c.rows()), NO_MINIMUM, random);
      this.descriptor = new ResultDescriptor(Layout.of(p.slots(), c.rows(), 1),
          ResultDescriptor.Output.PROBABILITIES, false);
      for (String s : STAGES) {
        times.put(s, new double[c.rounds()]);
      }
    }

    ObjectNode measure() {
      err.printf(Locale.ROOT, "keys made in %.2f s; %d warm-up and %d timed rounds of %,d rows%n",
          keygenSeconds, c.warmup(), c.rounds(), c.rows());
      for (int i = 0; i < c.warmup(); i++) {
        round(-1);
        err.printf(Locale.ROOT, "  warm-up round %d done%n", i + 1);
      }
      for (int i = 0; i < c.rounds(); i++) {
        round(i);
        err.printf(Locale.ROOT, "  round %d: %.3f s end to end%n", i + 1, endToEnd()[i]);
      }
      return report();
    }

    /** One pass through every stage; {@code r < 0}: not recorded. */
    private void round(int r) {
      long t0 = System.nanoTime();
      List<Batch> batches = owner.encrypt(table);
      long t1 = System.nanoTime();
      List<Result> scores = inference.scores(batches, model);
      long t2 = System.nanoTime();
      List<Result> probabilities = inference.probabilities(batches, model, sigmoid);
      long t3 = System.nanoTime();
      Ciphertext[] cts = new Ciphertext[probabilities.size()];
      for (int b = 0; b < cts.length; b++) {
        cts[b] = probabilities.get(b).ciphertext();
      }
      EncryptedResult clean = sanitizer.sanitize(new EncryptedResult(cts, descriptor));
      long t4 = System.nanoTime();
      double[] decrypted = reader.read(clean);
      long t5 = System.nanoTime();
      if (r >= 0) {
        long[] marks = {t0, t1, t2, t3, t4, t5};
        for (int s = 0; s < STAGES.size(); s++) {
          times.get(STAGES.get(s))[r] = (marks[s + 1] - marks[s]) / 1e9;
        }
        if (r == c.rounds() - 1) {
          lastScores = owner.decrypt(scores);
          lastProbabilities = owner.decrypt(probabilities);
          lastSanitized = decrypted;
        }
      }
    }

    private double[] endToEnd() {
      double[] total = new double[c.rounds()];
      for (String s : END_TO_END) {
        double[] t = times.get(s);
        for (int i = 0; i < total.length; i++) {
          total[i] += t[i];
        }
      }
      return total;
    }

    private ObjectNode report() {
      Parameters p = c.params();
      ObjectNode root = JSON.createObjectNode();
      root.put("benchmark", "infer");
      ObjectNode prm = root.putObject("parameters");
      prm.put("name", c.name());
      prm.put("logN", p.logN());
      prm.put("slots", p.slots());
      prm.put("levels", p.maxLevel());
      prm.put("logQP", CkksBenchmark.round(p.logQP(), 2));
      prm.put("logScale", p.logDefaultScale());
      prm.put("firstPrimeBits", CkksBenchmark.round(Math.log(p.q(0)) / Math.log(2), 2));
      prm.put("dnum", p.dnum());
      prm.put("secure", !p.securityOff());
      root.put("rows", c.rows());
      root.put("features", FEATURES);
      root.put("batches", owner.batches(c.rows()));
      root.put("rowEncryption", c.secretKeyRows() ? "secret" : "public");
      root.put("threads", c.threads());
      root.put("warmupRounds", c.warmup());
      root.put("rounds", c.rounds());
      ObjectNode stages = root.putObject("stages");
      for (String s : STAGES) {
        stages.set(s, timing(times.get(s)));
      }
      ObjectNode e2e = timing(endToEnd());
      ArrayNode includes = e2e.putArray("includes");
      END_TO_END.forEach(includes::add);
      root.set("endToEnd", e2e);
      root.put("keygenSeconds", CkksBenchmark.round(keygenSeconds, 4));
      root.set("flooding", flooding());
      root.set("precision", precision());
      return root;
    }

    private ObjectNode timing(double[] seconds) {
      double[] sorted = seconds.clone();
      Arrays.sort(sorted);
      int n = sorted.length;
      double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      ObjectNode t = JSON.createObjectNode();
      t.put("medianSeconds", CkksBenchmark.round(median, 9));
      t.put("minSeconds", CkksBenchmark.round(sorted[0], 9));
      t.put("rowsPerSecond", CkksBenchmark.round(c.rows() / median, 1));
      t.set("roundSeconds", array(seconds, 9));
      return t;
    }

    private ObjectNode flooding() {
      InferenceSettings settings = InferenceSettings.defaults();
      FloodingPolicy policy = sanitizer.policy();
      double expected = sanitizer.expectedPrecisionBits(c.params().defaultScale());
      ObjectNode f = JSON.createObjectNode();
      f.put("securityBits", policy.securityBits());
      f.put("noiseBoundBits", CkksBenchmark.round(policy.noiseBoundBits(), 3));
      f.put("maxResults", policy.maxDecryptions());
      f.put("log2Sigma", CkksBenchmark.round(sanitizer.log2Sigma(), 3));
      f.put("expectedPrecisionBits", CkksBenchmark.round(expected, 3));
      f.put("serverMinimumPrecisionBits", settings.minPrecisionBits());
      f.put("serverWouldAccept", expected >= settings.minPrecisionBits());
      return f;
    }

    private ObjectNode precision() {
      double[] scores = new double[c.rows()];
      double[] poly = new double[c.rows()];
      for (int r = 0; r < scores.length; r++) {
        scores[r] = model.score(table[r]);
        poly[r] = sigmoid.evaluate(scores[r]);
      }
      PrecisionStats sanitized = PrecisionStats.of(poly, lastSanitized);
      ObjectNode n = JSON.createObjectNode();
      n.put("scoresMeanBits", bits(PrecisionStats.of(scores, lastScores)));
      n.put("probabilitiesMeanBits", bits(PrecisionStats.of(poly, lastProbabilities)));
      n.put("sanitizedMeanBits", bits(sanitized));
      n.put("sanitizedMaxError", sanitized.maxError());
      return n;
    }

    private static double bits(PrecisionStats s) {
      return CkksBenchmark.round(s.meanBits(), 3);
    }

    void close() {
      ctx.close();
    }
  }

  // ================================================================ report and formatting

  private static void print(ObjectNode root, PrintStream out) {
    JsonNode p = root.get("parameters");
    out.printf(Locale.ROOT, "Veil encrypted inference: %,d rows x %d features (%d batch%s),"
            + " %s (N = 2^%d, %d levels, log2 QP %.0f, scale 2^%.0f, %s), %d thread%s,"
            + " %s-key rows%n", root.get("rows").asInt(), FEATURES, root.get("batches").asInt(),
        root.get("batches").asInt() == 1 ? "" : "es", p.get("name").asText(),
        p.get("logN").asInt(), p.get("levels").asInt(), p.get("logQP").asDouble(),
        p.get("logScale").asDouble(), p.get("secure").asBoolean() ? "128-bit secure"
            : "INSECURE", root.get("threads").asInt(), root.get("threads").asInt() == 1 ? ""
            : "s", root.get("rowEncryption").asText());
    out.println();
    out.println("| stage | median s | fastest s | rows/s |");
    out.println("|---|---:|---:|---:|");
    for (String s : STAGES) {
      row(out, s, root.get("stages").get(s));
    }
    row(out, "end to end (" + String.join(" + ", END_TO_END) + ")", root.get("endToEnd"));
    JsonNode f = root.get("flooding");
    JsonNode q = root.get("precision");
    out.println();
    out.printf(Locale.ROOT, "precision (mean bits): scores %.1f, probabilities %.1f, after"
            + " flooding %.1f (expected %.1f; max error %.3g); log2 sigma %.1f for D = %d; the"
            + " server %s (minimum %.0f bits)%n", q.get("scoresMeanBits").asDouble(),
        q.get("probabilitiesMeanBits").asDouble(), q.get("sanitizedMeanBits").asDouble(),
        f.get("expectedPrecisionBits").asDouble(), q.get("sanitizedMaxError").asDouble(),
        f.get("log2Sigma").asDouble(), f.get("maxResults").asLong(),
        f.get("serverWouldAccept").asBoolean() ? "would accept it" : "would refuse it",
        f.get("serverMinimumPrecisionBits").asDouble());
    out.printf(Locale.ROOT, "keys %.2f s (not included); load average %s at the start, %s at"
            + " the end%n", root.get("keygenSeconds").asDouble(),
        root.get("loadAverage").get("start"), root.get("loadAverage").get("end"));
    out.flush();
  }

  private static void row(PrintStream out, String name, JsonNode t) {
    out.printf(Locale.ROOT, "| %s | %.4f | %.4f | %,.0f |%n", name,
        t.get("medianSeconds").asDouble(), t.get("minSeconds").asDouble(),
        t.get("rowsPerSecond").asDouble());
  }

  /**
   * The system's load averages over 1, 5 and 15 minutes from {@code /proc/loadavg}; elsewhere the
   * JVM's one-minute figure, the others -1 (and -1 where it has none).
   */
  static double[] loadAverage() {
    Path proc = Path.of("/proc/loadavg");
    if (Files.isReadable(proc)) {
      try {
        String[] f = Files.readString(proc).strip().split("\\s+");
        if (f.length >= 3) {
          return new double[] {
            Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])
          };
        }
      } catch (IOException | NumberFormatException e) {
        // fall through to the JVM's figure
      }
    }
    double one = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    return new double[] {one < 0 ? -1 : one, -1, -1};
  }

  private static ArrayNode array(double[] values) {
    ArrayNode a = JSON.createArrayNode();
    for (double v : values) {
      a.add(v);
    }
    return a;
  }

  private static ArrayNode array(double[] values, int decimals) {
    double[] r = new double[values.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = CkksBenchmark.round(values[i], decimals);
    }
    return array(r);
  }
}
