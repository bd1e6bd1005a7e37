package dev.veil.bench.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.ModelFile;
import dev.veil.api.NewWorker;
import dev.veil.api.RegisterWorkerRequest;
import dev.veil.api.Scaling;
import dev.veil.client.VeilClient;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
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
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.OutputSanitizer;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.infer.ResultReader;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import dev.veil.server.he.KeyCache;
import dev.veil.server.http.Json;
import dev.veil.server.inference.InferenceSettings;
import dev.veil.server.remote.RemoteWorker;

/**
 * The inference half of the server benchmark: a seller publishes an 18-feature logistic model;
 * buyers, each with their own key set, buy probabilities for a batch of their encrypted rows, all
 * at once: each request uploads the rows ({@code POST /api/inputs}), submits the job ({@code POST
 * /api/jobs}), follows it by server-sent events to its end and downloads the sanitised result.
 * Beside it, the same computation in-process: {@link FeatureMajorInference} and the same {@link
 * OutputSanitizer} on the same model, parameters and batch, with as many threads as the server
 * has job workers.
 *
 * <p>The rows are packed feature-major (one ciphertext per feature holding up to N/2 rows) and
 * encrypted by the buyer under their secret key, so that each ciphertext travels seeded (its
 * uniform half as a 32-byte seed), or under their public key (twice the bytes).
 */
final class InferenceBench {
  static final int FEATURES = 18;
  /** The L2 norm of the model's feature weights (below 1 keeps the flooding bound smallest). */
  static final double WEIGHT_NORM = 0.9;

  /** One timed round of requests from every buyer. */
  record Round(int requests, long rows, double seconds, double cpuSeconds, long jitMillis,
      long gcMillis, Map<String, Double> cpuByThreads, double[] latenciesMs, double maxError) {
    double requestsPerSecond() {
      return requests / seconds;
    }

    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  /**
   * One in-process measurement: each batch parses the request's bytes (the buyer's 18
   * ciphertexts, seed expansion included), computes the probabilities, sanitises them and
   * serialises the result, the work a server's worker does for one request without the transport,
   * the storage and the bookkeeping. {@code phaseNanos}: thread time in each of those steps, summed
   * over the threads (parse, compute, sanitise, serialise).
   */
  record InProcess(int threads, int threadsPerJob, int batches, long rows, double seconds,
      double cpuSeconds, long[] phaseNanos) {
    double rowsPerSecond() {
      return rows / seconds;
    }

    /** Wall milliseconds per batch in each step, summed over the threads. */
    Map<String, Double> msPerBatch() {
      Map<String, Double> out = new LinkedHashMap<>();
      String[] names = {"parse", "compute", "sanitise", "serialise"};
      for (int i = 0; i < names.length; i++) {
        out.put(names[i], phaseNanos[i] / 1e6 / batches);
      }
      return out;
    }
  }

  /** A buyer: account, keys, rows and their encryption. */
  private static final class Buyer {
    final String name;
    final String token;
    final HeContext ctx;
    final PublicKey pk;
    final EvaluationKeys evk;
    final Encoder encoder;
    final Decryptor decryptor;
    final double[][] rows;
    final byte[] input;
    final String inputSha256;
    final int inputCiphertexts;
    String keySetId;
    byte[] lastResult;

    Buyer(String name, String token, HeContext ctx, PublicKey pk, EvaluationKeys evk,
        Encoder encoder, Decryptor decryptor, double[][] rows, byte[] input, int cts) {
      this.name = name;
      this.token = token;
      this.ctx = ctx;
      this.pk = pk;
      this.evk = evk;
      this.encoder = encoder;
      this.decryptor = decryptor;
      this.rows = rows;
      this.input = input;
      this.inputSha256 = UploadBench.sha256(input);
      this.inputCiphertexts = cts;
    }
  }

  private final String url;
  private final String sellerToken;
  private final Parameters params;
  private final InferenceSettings settings;
  private final int rows;
  private final double[] weights;
  private final List<Buyer> buyers;
  private final PrintStream log;
  private int listings;

  private InferenceBench(String url, String sellerToken, Parameters params,
      InferenceSettings settings, int rows, double[] weights, List<Buyer> buyers,
      PrintStream log) {
    this.url = url;
    this.sellerToken = sellerToken;
    this.params = params;
    this.settings = settings;
    this.rows = rows;
    this.weights = weights;
    this.buyers = buyers;
    this.log = log;
  }

  /**
   * Registers the seller and the buyers, makes each buyer's keys (uploaded as a key set) and
   * encrypted rows, and credits each buyer with {@code funds}.
   */
  static InferenceBench prepare(String url, String operatorToken, Parameters params,
      InferenceSettings settings, int buyerCount, int rows, boolean secretKeyRows, long funds,
      PrintStream log) {
    BenchHttp http = new BenchHttp(url, Duration.ofMinutes(10));
    String seller = ServerBenchmark.user(http, "seller", "MODEL_SELLER");
    double[] w = weights(new Random(7));
    List<Buyer> buyers = new ArrayList<>();
    SecureRandom random = new SecureRandom();
    for (int b = 0; b < buyerCount; b++) {
      String name = "buyer" + b;
      String token = ServerBenchmark.user(http, name, "BUYER");
      HeContext ctx = new HeContext(params, 1);
      KeyGenerator kg = new KeyGenerator(ctx, random);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      EvaluationKeys evk = new EvaluationKeys(params, kg.relinearizationKey(sk), List.of());
      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = secretKeyRows ? Encryptor.withSecretKey(ctx, sk, random)
          : Encryptor.withPublicKey(ctx, pk, random);
      Random values = new Random(100 + b);
      double[][] table = new double[rows][FEATURES];
      for (double[] row : table) {
        for (int j = 0; j < FEATURES; j++) {
          row[j] = 2 * values.nextDouble() - 1;
        }
      }
      List<Ciphertext> cts = new ArrayList<>();
      new FeatureMajorInference.Owner(encoder, encryptor, null).encrypt(table)
          .forEach(batch -> cts.addAll(List.of(batch.features())));
      byte[] input = UploadBench.bytes(o -> {
        for (Ciphertext ct : cts) {
          VeilIO.write(o, ct);
        }
      });
      Buyer buyer = new Buyer(name, token, ctx, pk, evk, encoder, new Decryptor(ctx, sk), table,
          input, cts.size());
      buyer.keySetId = keySet(http, buyer, params);
      http.json("POST", "/api/deposits", operatorToken, Map.of("username", name, "amount",
          funds, "memo", "benchmark"), 201, Map.of("Idempotency-Key", "bench-" + name));
      buyers.add(buyer);
    }
    log.printf(Locale.ROOT, "  %d buyers ready: %d rows of %d features each, %,d bytes of"
            + " ciphertexts per request (%s-key encryption)%n", buyerCount, rows, FEATURES,
        buyers.get(0).input.length, secretKeyRows ? "secret" : "public");
    return new InferenceBench(url, seller, params, settings, rows, w, buyers, log);
  }

  private static String keySet(BenchHttp http, Buyer b, Parameters params) {
    byte[] prm = UploadBench.bytes(o -> VeilIO.write(o, params));
    byte[] pk = UploadBench.bytes(o -> VeilIO.write(o, b.pk));
    byte[] evk = UploadBench.bytes(o -> VeilIO.write(o, b.evk));
    String id = http.post("/api/keys", b.token, Map.of("name", b.name + " keys", "params",
        Base64.getEncoder().encodeToString(prm)), 201).get("id").asText();
    http.upload("PUT", "/api/keys/" + id + "/public", b.token, BodyPublishers.ofByteArray(pk),
        UploadBench.sha256(pk), 200);
    http.upload("PUT", "/api/keys/" + id + "/evaluation", b.token,
        BodyPublishers.ofByteArray(evk), UploadBench.sha256(evk), 200);
    return id;
  }

  /** Intercept 0.1, feature weights Gaussian scaled to an L2 norm of {@value #WEIGHT_NORM}. */
  static double[] weights(Random r) {
    double[] w = new double[FEATURES + 1];
    double norm = 0;
    for (int j = 1; j <= FEATURES; j++) {
      w[j] = r.nextGaussian();
      norm += w[j] * w[j];
    }
    norm = Math.sqrt(norm);
    for (int j = 1; j <= FEATURES; j++) {
      w[j] *= WEIGHT_NORM / norm;
    }
    w[0] = 0.1;
    return w;
  }

  /** The model's weights (intercept first). */
  double[] weights() {
    return weights.clone();
  }

  /** Rows per request. */
  int rows() {
    return rows;
  }

  /** Bytes each request uploads. */
  long requestBytes() {
    return buyers.get(0).input.length;
  }

  int inputCiphertexts() {
    return buyers.get(0).inputCiphertexts;
  }

  /**
   * The flooding's D for a listing allowing {@code queries} requests per buyer: its total row
   * budget (every buyer's rows), as the server takes it.
   */
  long floodingResults(int queries) {
    return (long) queries * rows * buyers.size();
  }

  /** Publishes a new listing of the model allowing {@code queries} requests of a batch per buyer. */
  String publish(int queries) {
    return publish(queries, true);
  }

  /**
   * Publishes a new listing allowing {@code queries} requests per buyer: hosted (the weights sent,
   * run by the server's workers) or not (the model card only, served by remote workers).
   */
  String publish(int queries, boolean hosted) {
    Map<String, Object> request = new LinkedHashMap<>();
    request.put("name", "bench model " + (++listings));
    request.put("description", "18-feature logistic regression");
    request.put("pricePerPrediction", 1);
    request.put("maxQueriesPerBuyer", queries);
    request.put("maxRowsPerBuyer", (long) queries * rows);
    request.put("maxRowsTotal", floodingResults(queries));
    request.put("model", model(hosted));
    request.put("hosted", hosted);
    BenchHttp http = new BenchHttp(url, Duration.ofMinutes(1));
    return http.post("/api/models", sellerToken, request, 201).get("id").asText();
  }

  /** The model file (with the weights) or its card (without). */
  private Map<String, Object> model(boolean withWeights) {
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("format", "veil-model/1");
    model.put("model", "logistic");
    model.put("featureNames", featureNames());
    model.put("scaler", Map.of("kind", "MIN_MAX", "offsets", new double[FEATURES], "scales",
        ones()));
    if (withWeights) {
      model.put("weights", weights);
      // a hosted listing's weights must come from veil decrypt --for-sharing: the record it writes
      model.put("decryption", Map.of("mode", "flooded", "securityBits", 30,
          "sharedDecryptions", 16, "log2Sigma", 40.0, "precisionBits", 12.0));
    }
    return model;
  }

  private static List<String> featureNames() {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < FEATURES; j++) {
      names.add("x" + (j + 1));
    }
    return names;
  }

  private static double[] ones() {
    double[] ones = new double[FEATURES];
    Arrays.fill(ones, 1);
    return ones;
  }

  /**
   * One round of every buyer's requests on a new listing that is not hosted, served by {@code
   * workers} remote workers ({@code veil worker}'s {@link RemoteWorker}, in this process) that
   * claim the jobs over loopback HTTP, each with {@code threadsPerWorker} engine threads and the
   * model file's weights in memory; the workers share {@code keys}, as the threads of one {@code
   * veil worker} would.
   */
  Round workerRound(int workers, int threadsPerWorker, int requests, KeyCache keys,
      Path scratch) {
    String modelId = publish(requests, false);
    VeilClient seller = VeilClient.connect(url, sellerToken);
    ModelFile file = new ModelFile(ModelFile.FORMAT, "logistic", featureNames(), null,
        new Scaling("MIN_MAX", new double[FEATURES], ones()), weights.clone(), null, null);
    List<RemoteWorker> running = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    List<String> registered = new ArrayList<>();
    PrintWriter quiet = new PrintWriter(Writer.nullWriter());
    try {
      for (int w = 0; w < workers; w++) {
        NewWorker n = seller.registerWorker(new RegisterWorkerRequest("bench worker " + w,
            List.of(modelId), false));
        registered.add(n.worker().id());
        RemoteWorker rw = new RemoteWorker(seller.asWorker(n.token()), Map.of(modelId, file),
            new RemoteWorker.Settings(threadsPerWorker, Duration.ofSeconds(1), false, scratch),
            keys, Json.mapper(), quiet);
        running.add(rw);
        Thread t = new Thread(rw::run, "veil-worker-remote-" + w); // counted as job workers
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
      return round(modelId, requests);
    } finally {
      running.forEach(RemoteWorker::stop);
      for (Thread t : threads) {
        try {
          t.join(30_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      registered.forEach(seller::revokeWorker);
    }
  }

  /** Every buyer runs {@code requests} requests on the model, all buyers at once. */
  Round round(String modelId, int requests) {
    ExecutorService pool = Executors.newFixedThreadPool(buyers.size(), r -> {
      Thread t = new Thread(r, "bench-buyer");
      t.setDaemon(true);
      return t;
    });
    List<Future<double[]>> futures = new ArrayList<>();
    long cpu = ServerBenchmark.processCpuNanos();
    long jit = ServerBenchmark.jitMillis();
    long gc = ServerBenchmark.gcMillis();
    ThreadTimes threads = new ThreadTimes();
    long start = System.nanoTime();
    try {
      for (Buyer b : buyers) {
        futures.add(pool.submit(() -> {
          BenchHttp http = new BenchHttp(url, Duration.ofMinutes(10));
          double[] latencies = new double[requests];
          for (int i = 0; i < requests; i++) {
            long t0 = System.nanoTime();
            b.lastResult = request(http, b, modelId);
            latencies[i] = (System.nanoTime() - t0) / 1e6;
          }
          return latencies;
        }));
      }
      List<Double> all = new ArrayList<>();
      for (Future<double[]> f : futures) {
        for (double l : ServerBenchmark.join(f)) {
          all.add(l);
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (ServerBenchmark.processCpuNanos() - cpu) / 1e9;
      long jitMillis = ServerBenchmark.jitMillis() - jit;
      long gcMillis = ServerBenchmark.gcMillis() - gc;
      Map<String, Double> byThreads = threads.since(cpuSeconds);
      double[] latencies = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      int total = buyers.size() * requests;
      double error = maxError();
      Round round = new Round(total, (long) total * rows, seconds, cpuSeconds, jitMillis,
          gcMillis, byThreads, latencies, error);
      StringBuilder split = new StringBuilder();
      byThreads.forEach((k, v) -> split.append(String.format(Locale.ROOT, " %s %.0f,", k,
          v * 1000 / total)));
      log.printf(Locale.ROOT, "  %d requests in %.2f s: %.2f requests/s, %,.0f rows/s; processor"
              + " ms per request %.0f:%s JIT compilation %d ms, GC %d ms in the round; latency"
              + " median %.0f ms; largest error of the decrypted probabilities %.4f%n", total,
          seconds, round.requestsPerSecond(), round.rowsPerSecond(), cpuSeconds * 1000 / total,
          split, jitMillis, gcMillis, ServerBenchmark.median(latencies), error);
      return round;
    } finally {
      pool.shutdownNow();
    }
  }

  /** One request: upload the rows, submit, follow to the end, download the result. */
  private byte[] request(BenchHttp http, Buyer b, String modelId) {
    String input = http.upload("POST", "/api/inputs", b.token,
        BenchHttp.slices(b.input, 0, b.input.length), b.inputSha256, 201).get("id").asText();
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("kind", "INFERENCE");
    job.put("modelId", modelId);
    job.put("keySetId", b.keySetId);
    job.put("inputId", input);
    job.put("rows", rows);
    job.put("packing", "feature-major");
    job.put("output", "probabilities");
    String id = http.json("POST", "/api/jobs", b.token, job, 201,
        Map.of("Idempotency-Key", UUID.randomUUID().toString())).get("id").asText();
    String state = http.awaitJob(id, b.token);
    if (!state.equals("SUCCEEDED")) {
      JsonNode j = http.get("/api/jobs/" + id, b.token);
      throw new IllegalStateException("inference job " + id + " ended " + state + ": "
          + j.path("error").asText());
    }
    return http.download("/api/jobs/" + id + "/result", b.token);
  }

  /**
   * Decrypts every buyer's last result and returns the largest difference from the polynomial
   * sigmoid of the plaintext scores (what the server computes, before the flooding noise).
   */
  private double maxError() {
    LogisticModel model = new LogisticModel(weights);
    SigmoidApproximation sigmoid = settings.sigmoid();
    double worst = 0;
    for (Buyer b : buyers) {
      if (b.lastResult == null) {
        continue;
      }
      Ciphertext ct;
      try (InputStream in = new ByteArrayInputStream(b.lastResult)) {
        ct = VeilIO.readCiphertext(in, b.ctx);
      } catch (IOException e) {
        throw new UncheckedIOException("a result is not a ciphertext", e);
      }
      double[] got = new ResultReader(b.encoder, b.decryptor).read(new EncryptedResult(
          new Ciphertext[] {ct}, new ResultDescriptor(Layout.of(params.slots(), rows, 1),
              ResultDescriptor.Output.PROBABILITIES, true)));
      for (int r = 0; r < rows; r++) {
        worst = Math.max(worst, Math.abs(got[r] - sigmoid.evaluate(model.score(b.rows[r]))));
      }
    }
    return worst;
  }

  /**
   * The same work in-process: {@code threads} threads, each with a context of {@code
   * threadsPerJob} threads, each batch parsing the first buyer's request bytes, computing
   * probabilities, sanitising them (flooding for {@code floodingResults}) and serialising the
   * result, {@code batches} times each after a warm-up.
   */
  InProcess inProcess(int threads, int threadsPerJob, int batches, long floodingResults) {
    Buyer b = buyers.get(0);
    LogisticModel model = new LogisticModel(weights);
    SigmoidApproximation sigmoid = settings.sigmoid();
    FloodingPolicy policy = settings.floodingPolicy(params, weights, true, floodingResults);
    CyclicBarrier ready = new CyclicBarrier(threads + 1);
    CyclicBarrier done = new CyclicBarrier(threads + 1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<long[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          long[] phases = new long[4];
          try (HeContext ctx = new HeContext(params, threadsPerJob)) {
            FeatureMajorInference fm = new FeatureMajorInference(new Evaluator(ctx, b.evk));
            OutputSanitizer sanitizer = new OutputSanitizer(ctx, b.pk, policy,
                settings.minPrecisionBits());
            ResultDescriptor raw = new ResultDescriptor(Layout.of(params.slots(), rows, 1),
                ResultDescriptor.Output.PROBABILITIES, false);
            for (int i = 0; i < 2; i++) {
              batch(ctx, b, fm, sanitizer, model, sigmoid, raw, new long[4]);
            }
            ready.await();
            for (int i = 0; i < batches; i++) {
              batch(ctx, b, fm, sanitizer, model, sigmoid, raw, phases);
            }
            done.await();
          }
          return phases;
        }));
      }
      ServerBenchmark.await(ready);
      long cpu = ServerBenchmark.processCpuNanos();
      long start = System.nanoTime();
      ServerBenchmark.await(done);
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpuSeconds = (ServerBenchmark.processCpuNanos() - cpu) / 1e9;
      long[] phases = new long[4];
      for (Future<long[]> f : futures) {
        long[] p = ServerBenchmark.join(f);
        for (int i = 0; i < phases.length; i++) {
          phases[i] += p[i];
        }
      }
      InProcess r = new InProcess(threads, threadsPerJob, threads * batches,
          (long) threads * batches * rows, seconds, cpuSeconds, phases);
      StringBuilder split = new StringBuilder();
      r.msPerBatch().forEach((k, v) -> split.append(String.format(Locale.ROOT, " %s %.0f,", k,
          v)));
      log.printf(Locale.ROOT, "  in-process, %d thread%s: %d batches in %.2f s: %,.0f rows/s,"
              + " %.0f ms of processor time per batch; ms per batch:%s%n", threads,
          threads == 1 ? "" : "s", r.batches(), seconds, r.rowsPerSecond(),
          cpuSeconds * 1000 / r.batches(), split);
      return r;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * One request's work in-process: parse the request's bytes, compute, sanitise, serialise; the
   * time of each step added to {@code phases}.
   */
  private void batch(HeContext ctx, Buyer b, FeatureMajorInference fm, OutputSanitizer sanitizer,
      LogisticModel model, SigmoidApproximation sigmoid, ResultDescriptor raw, long[] phases)
      throws IOException {
    long t0 = System.nanoTime();
    Ciphertext[] cts = new Ciphertext[b.inputCiphertexts];
    try (InputStream in = new ByteArrayInputStream(b.input)) {
      for (int c = 0; c < cts.length; c++) {
        cts[c] = VeilIO.readCiphertext(in, ctx);
      }
    }
    long t1 = System.nanoTime();
    Ciphertext p = fm.probabilities(new FeatureMajorInference.Batch(cts, rows), model, sigmoid)
        .ciphertext();
    long t2 = System.nanoTime();
    EncryptedResult clean = sanitizer.sanitize(new EncryptedResult(new Ciphertext[] {p}, raw));
    long t3 = System.nanoTime();
    byte[] out = UploadBench.bytes(o -> {
      for (Ciphertext ct : clean.ciphertexts()) {
        VeilIO.write(o, ct);
      }
    });
    long t4 = System.nanoTime();
    if (out.length == 0) {
      throw new IllegalStateException("an empty result");
    }
    phases[0] += t1 - t0;
    phases[1] += t2 - t1;
    phases[2] += t3 - t2;
    phases[3] += t4 - t3;
  }

  /**
   * Processor time of the JVM's threads by what they do, from a start snapshot: the server's job
   * workers, its HTTP threads, the benchmark's clients, and the rest (JIT compilers, garbage
   * collector, threads that ended meanwhile), which is the process's total minus the others.
   */
  static final class ThreadTimes {
    private final ThreadMXBean mx =
        ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> start = new HashMap<>();

    ThreadTimes() {
      if (supported()) {
        for (long id : mx.getAllThreadIds()) {
          start.put(id, Math.max(0, mx.getThreadCpuTime(id)));
        }
      }
    }

    private boolean supported() {
      return mx.isThreadCpuTimeSupported() && mx.isThreadCpuTimeEnabled();
    }

    /** Seconds per group since the snapshot; {@code total}: the process's seconds meanwhile. */
    Map<String, Double> since(double total) {
      Map<String, Double> out = new LinkedHashMap<>();
      out.put("job workers", 0.0);
      out.put("HTTP", 0.0);
      out.put("clients", 0.0);
      if (!supported()) {
        return Map.of();
      }
      double known = 0;
      for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (t == null) {
          continue;
        }
        long now = mx.getThreadCpuTime(t.getThreadId());
        if (now < 0) {
          continue;
        }
        double s = (now - start.getOrDefault(t.getThreadId(), 0L)) / 1e9;
        String name = t.getThreadName();
        String group = name.startsWith("veil-worker") ? "job workers"
            : name.startsWith("veil-http") ? "HTTP"
            : name.startsWith("bench-buyer") || name.startsWith("HttpClient") ? "clients"
            : null;
        if (group != null) {
          out.merge(group, s, Double::sum);
          known += s;
        }
      }
      out.put("other", Math.max(0, total - known));
      return out;
    }
  }

  /** Closes the buyers' contexts. */
  void close() {
    for (Buyer b : buyers) {
      b.ctx.close();
    }
  }
}
