package dev.veil.bench.server;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.bench.HeapMonitor;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.ckks.Presets;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.server.account.PasswordHasher;
import dev.veil.server.app.App;
import dev.veil.server.app.ServerConfig;
import dev.veil.server.he.KeyCache;
import dev.veil.server.inference.InferenceSettings;

/**
 * {@code veil bench server}: the real {@link App} in this process, on a free port of 127.0.0.1
 * with a fresh data directory (embedded SQLite, blob store on disk; deleted at the end), measured over
 * real HTTP by clients in the same JVM:
 *
 * <ol>
 *   <li><b>Uploads</b> ({@link UploadBench}): a data set's encrypted parts sent by one client,
 *       then by eight at once ({@link Config#repeat} times each, medians reported), in MB/s (MB =
 *       10^6 bytes); then the same upload and a larger one with a full collection every half
 *       second, whose heaps right after a collection (the live sets) show whether memory grows
 *       with the size.
 *   <li><b>Inference</b> ({@link InferenceBench}): {@link Config#buyers} buyers buying
 *       probabilities of an 18-feature logistic model for a batch of encrypted rows each, all at
 *       once, {@link Config#requestsPerBuyer} requests each per round; beside it, the rows per
 *       second of the same computation in-process with as many threads as the server has job
 *       workers, and the ratio.
 * </ol>
 *
 * The clients share the processors with the server: on a small machine they take a visible part
 * of them.
 */
public final class ServerBenchmark {
  /** Megabyte of the options and the rates: 10^6 bytes. */
  static final long MB = 1_000_000;
  /** Warm-up rounds of inference at most. */
  static final int MAX_WARMUP_ROUNDS = 20;
  /** Warm-up ends when the JIT compilers took less than this share of a round's time. */
  static final double WARM_JIT_SHARE = 0.2;

  /**
   * The parameter sets and the server settings.
   *
   * @param uploadName how the upload parameters are reported
   * @param upload the data owner's parameters: each part is one fresh ciphertext of them
   * @param inference the buyers' parameters
   * @param insecure whether the server must accept parameters below 128-bit security (tests)
   * @param passwordHashing the server's Argon2id cost
   */
  public record Profile(String uploadName, Parameters upload, Parameters inference,
      boolean insecure, PasswordHasher.Params passwordHashing) {
    public Profile {
      Objects.requireNonNull(uploadName, "uploadName");
      Objects.requireNonNull(upload, "upload");
      Objects.requireNonNull(inference, "inference");
      Objects.requireNonNull(passwordHashing, "passwordHashing");
    }

    /**
     * Uploads of N15QP881 ciphertexts (6.7 MB each); inference on the smallest 128-bit-secure
     * parameters with the levels of feature-major probabilities and the sanitiser at scale 2^59
     * under a 61-bit first prime (N = 2^14), what {@code veil keygen --model inference} would
     * choose at that scale.
     */
    public static Profile standard() {
      return new Profile(Presets.N15QP881.name(), Presets.N15QP881.parameters(),
          inferenceParameters(InferenceSettings.defaults(), 59), false,
          PasswordHasher.Params.DEFAULT);
    }

    /** The smallest secure parameters for feature-major probabilities plus the sanitiser. */
    static Parameters inferenceParameters(InferenceSettings s, int scaleBits) {
      int levels = FeatureMajorInference.levelsNeeded(s.sigmoid()) + 1;
      return ParameterSelector.select(levels, scaleBits, 1, 61 - scaleBits);
    }
  }

  /**
   * What to run.
   *
   * @param uploadBytes bytes per timed upload run
   * @param largeUploadBytes bytes of the large run compared for memory (0: none)
   * @param repeat runs of each kind; medians are reported
   * @param buyers concurrent buyers
   * @param requestsPerBuyer requests of each buyer per round
   * @param rows rows per request, at most the inference parameters' slots
   * @param secretKeyRows whether buyers encrypt under their secret key (seeded ciphertexts)
   * @param warmupSeconds the most time the inference warm-up may take
   * @param profile parameters and server settings
   */
  public record Config(long uploadBytes, long largeUploadBytes, int repeat, int buyers,
      int requestsPerBuyer, int rows, boolean secretKeyRows, int warmupSeconds,
      Profile profile) {
    public Config {
      Objects.requireNonNull(profile, "profile");
      if (uploadBytes < 1 || largeUploadBytes < 0 || repeat < 1 || buyers < 1
          || requestsPerBuyer < 1 || rows < 1 || rows > profile.inference().slots()
          || warmupSeconds < 0) {
        throw new IllegalArgumentException("invalid benchmark configuration");
      }
    }
  }

  private ServerBenchmark() {}

  /**
   * Runs the benchmark, printing progress to {@code log} and the tables to {@code out}.
   *
   * @return the report, as the JSON of {@code --json}
   */
  public static ObjectNode run(Config c, PrintStream out, PrintStream log) throws IOException {
    Profile profile = c.profile();
    ObjectNode root = new ObjectMapper().createObjectNode();
    ObjectNode machine = root.putObject("machine");
    environment(machine);
    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    Path dir = Files.createTempDirectory("veil-bench-server-");
    String operatorPassword = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new SecureRandom().generateSeed(18));
    ServerConfig config = ServerConfig.builder()
        .host("127.0.0.1")
        .port(0)
        .dataDir(dir)
        .allowInsecureParameters(profile.insecure())
        .operatorPassword(operatorPassword)
        .passwordHashing(profile.passwordHashing())
        .build();
    log.printf(Locale.ROOT, "veil bench server: the server in this process on 127.0.0.1, data in"
        + " %s (embedded SQLite), %d job workers x %d thread%s%n", dir, config.jobWorkers(),
        config.jobThreads(), config.jobThreads() == 1 ? "" : "s");
    try (App app = App.create(config).start()) {
      try (HeapMonitor heap = new HeapMonitor(); HeapSampler sampler = new HeapSampler(heap)) {
        uploads(c, app.url(), heap, sampler, root.putObject("upload"), log);
      }
      String operator = new BenchHttp(app.url(), Duration.ofMinutes(1)).post("/api/login", null,
          Map.of("username", config.operatorUsername(), "password", operatorPassword), 200)
          .get("token").asText();
      inference(c, config, app.url(), operator, root.putObject("inference"), log);
    } finally {
      deleteTree(dir, log);
    }
    machine.put("loadAverageBefore", round2(loadBefore));
    machine.put("loadAverageAfter", round2(
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    print(root, out);
    return root;
  }

  /** The upload measurements, reported into {@code upload}. */
  private static void uploads(Config c, String url, HeapMonitor heap, HeapSampler sampler,
      ObjectNode upload, PrintStream log) {
    Profile profile = c.profile();
    log.printf(Locale.ROOT, "uploads: %s ciphertexts, one per part%n", profile.uploadName());
    UploadBench up = UploadBench.prepare(url, profile.upload(), log);
    log.println("  warm-up:");
    up.run(8, Math.max(c.uploadBytes() / 2, 8 * up.partBytes()), heap);
    List<UploadBench.Run> ones = new ArrayList<>();
    List<UploadBench.Run> eights = new ArrayList<>();
    for (int r = 0; r < c.repeat(); r++) {
      ones.add(up.run(1, c.uploadBytes(), heap));
      eights.add(up.run(8, c.uploadBytes(), heap));
    }
    // memory: the same upload and a larger one, with a full collection every half second, so
    // that the heap right after one (the live set) is measured, not the garbage in between
    log.println("  memory (a full collection every 0.5 s):");
    sampler.collectEvery(500);
    UploadBench.Run small = up.run(8, c.uploadBytes(), heap, true);
    UploadBench.Run large = c.largeUploadBytes() > 0
        ? up.run(8, c.largeUploadBytes(), heap, true) : null;
    sampler.collectEvery(0);

    upload.put("mbPerSecond1", round1(median(ones, UploadBench.Run::mbPerSecond)));
    upload.put("mbPerSecond8", round1(median(eights, UploadBench.Run::mbPerSecond)));
    upload.put("cpuSecondsPerGB1", round2(median(ones, UploadBench.Run::cpuSecondsPerGb)));
    upload.put("cpuSecondsPerGB8", round2(median(eights, UploadBench.Run::cpuSecondsPerGb)));
    upload.put("parameters", profile.uploadName());
    upload.put("logN", profile.upload().logN());
    upload.put("partBytes", up.partBytes());
    upload.put("megabytesPerRun", c.uploadBytes() / (double) MB);
    upload.put("runs", c.repeat());
    ArrayNode runs = upload.putArray("samples");
    for (UploadBench.Run run : interleave(ones, eights)) {
      runs.add(runJson(run));
    }
    ObjectNode memory = upload.putObject("memory");
    memory.put("peakHeapUsedMiBThroughputRuns", eights.stream()
        .mapToLong(UploadBench.Run::peakUsedBytes).max().orElse(0) >> 20);
    memory.put("megabytes", round1(small.bytes() / (double) MB));
    memory.put("peakHeapUsedMiB", small.peakUsedBytes() >> 20);
    memory.put("peakHeapLiveMiB", small.peakLiveBytes() >> 20);
    if (large != null) {
      memory.put("largeMegabytes", round1(large.bytes() / (double) MB));
      memory.put("largePeakHeapUsedMiB", large.peakUsedBytes() >> 20);
      memory.put("largePeakHeapLiveMiB", large.peakLiveBytes() >> 20);
      memory.put("flat", large.peakLiveBytes() <= small.peakLiveBytes() * 1.1 + (16 << 20));
    }
    memory.put("heapMaxMiB", HeapMonitor.maxHeap() >> 20);
  }

  /** The inference measurements, reported into {@code inference}. */
  private static void inference(Config c, ServerConfig config, String url, String operator,
      ObjectNode inference, PrintStream log) throws IOException {
    InferenceSettings settings = InferenceSettings.defaults();
    int rows = c.rows();
    Parameters ip = c.profile().inference();
    log.printf(Locale.ROOT, "inference: %d buyers x %d requests of %d rows (N = 2^%d, %d levels,"
            + " scale 2^%.0f, log2 QP %.0f)%n", c.buyers(), c.requestsPerBuyer(), rows, ip.logN(),
        ip.maxLevel(), ip.logDefaultScale(), ip.logQP());
    // the warm-up, the rounds of the server's workers, and the worker path's warm-up and rounds
    long funds = (long) (MAX_WARMUP_ROUNDS + 2 * c.repeat() + 1) * c.requestsPerBuyer() * rows;
    InferenceBench inf = InferenceBench.prepare(url, operator, ip, settings, c.buyers(), rows,
        c.secretKeyRows(), funds, log);
    try {
      log.printf(Locale.ROOT, "  warm-up: rounds until the JIT compilers take less than %.0f%% of"
          + " a round (at most %d rounds, %d s)%n", WARM_JIT_SHARE * 100, MAX_WARMUP_ROUNDS,
          c.warmupSeconds());
      long warmUntil = System.nanoTime() + c.warmupSeconds() * 1_000_000_000L;
      int warmRounds = 0;
      while (warmRounds < MAX_WARMUP_ROUNDS && System.nanoTime() < warmUntil) {
        InferenceBench.Round warm = inf.round(inf.publish(c.requestsPerBuyer()),
            c.requestsPerBuyer());
        warmRounds++;
        if (warm.jitMillis() < WARM_JIT_SHARE * warm.seconds() * 1000) {
          break;
        }
      }
      int workers = config.jobWorkers();
      int perWorker = Math.max(2, c.buyers() * c.requestsPerBuyer() / workers);
      long flooding = inf.floodingResults(c.requestsPerBuyer());
      List<InferenceBench.Round> rounds = new ArrayList<>();
      List<InferenceBench.InProcess> local = new ArrayList<>();
      for (int r = 0; r < c.repeat(); r++) {
        rounds.add(inf.round(inf.publish(c.requestsPerBuyer()), c.requestsPerBuyer()));
        local.add(inf.inProcess(workers, config.jobThreads(), perWorker, flooding));
      }
      InferenceBench.InProcess single = inf.inProcess(1, 1, perWorker, flooding);

      // the worker path: listings that are not hosted, served by remote workers (veil worker's
      // RemoteWorker, in this process) claiming over loopback HTTP; a first round warms it up
      List<InferenceBench.Round> workerRounds = new ArrayList<>();
      log.printf(Locale.ROOT, "  the worker path: %d remote worker%s x %d thread%s over loopback"
          + " HTTP%n", workers, workers == 1 ? "" : "s", config.jobThreads(),
          config.jobThreads() == 1 ? "" : "s");
      Path scratch = Files.createTempDirectory("veil-bench-worker-");
      try (KeyCache keys = new KeyCache(KeyCache.Limits.defaults())) {
        for (int r = 0; r <= c.repeat(); r++) {
          InferenceBench.Round round = inf.workerRound(workers, config.jobThreads(),
              c.requestsPerBuyer(), keys, scratch);
          if (r > 0) {
            workerRounds.add(round);
          }
        }
      } finally {
        deleteTree(scratch, log);
      }

      double rowsPs = median(rounds, InferenceBench.Round::rowsPerSecond);
      double localPs = median(local, InferenceBench.InProcess::rowsPerSecond);
      inference.put("requestsPerSecond", round2(median(rounds,
          InferenceBench.Round::requestsPerSecond)));
      inference.put("rowsPerSecond", Math.round(rowsPs));
      inference.put("inProcessRowsPerSecond", Math.round(localPs));
      inference.put("ratio", Math.round(rowsPs / localPs * 1000) / 1000.0);
      double workerPs = median(workerRounds, InferenceBench.Round::rowsPerSecond);
      ObjectNode worker = inference.putObject("worker");
      worker.put("rowsPerSecond", Math.round(workerPs));
      worker.put("ratio", Math.round(workerPs / localPs * 1000) / 1000.0);
      worker.put("requestsPerSecond", round2(median(workerRounds,
          InferenceBench.Round::requestsPerSecond)));
      worker.put("workers", workers);
      worker.put("threadsPerWorker", config.jobThreads());
      worker.put("rounds", workerRounds.size());
      worker.put("maxError", workerRounds.stream().mapToDouble(InferenceBench.Round::maxError)
          .max().orElse(0));
      double cpuPerRequest = median(rounds, r -> r.cpuSeconds() * 1000 / r.requests());
      double cpuPerBatch = median(local, l -> l.cpuSeconds() * 1000 / l.batches());
      inference.put("processorMsPerRequest", Math.round(cpuPerRequest));
      inference.put("inProcessProcessorMsPerBatch", Math.round(cpuPerBatch));
      inference.put("processorRatio", Math.round(cpuPerBatch / cpuPerRequest * 1000) / 1000.0);
      ObjectNode byThreads = inference.putObject("processorMsPerRequestByThreads");
      for (String group : rounds.get(0).cpuByThreads().keySet()) {
        byThreads.put(group, Math.round(median(rounds, r -> r.cpuByThreads()
            .getOrDefault(group, 0.0) * 1000 / r.requests())));
      }
      inference.put("buyers", c.buyers());
      inference.put("requestsPerBuyer", c.requestsPerBuyer());
      inference.put("rounds", c.repeat());
      inference.put("warmupRounds", warmRounds);
      inference.put("rowsPerRequest", rows);
      inference.put("features", InferenceBench.FEATURES);
      inference.put("output", "probabilities");
      inference.put("packing", "feature-major");
      inference.put("sigmoid", settings.sigmoid().name());
      inference.put("rowEncryption", c.secretKeyRows() ? "secret-key (seeded)" : "public-key");
      inference.put("requestBytes", inf.requestBytes());
      inference.put("inputCiphertexts", inf.inputCiphertexts());
      inference.put("floodingResults", flooding);
      ObjectNode p = inference.putObject("parameters");
      p.put("logN", ip.logN());
      p.put("levels", ip.maxLevel());
      p.put("logScale", ip.logDefaultScale());
      p.put("logQP", Math.round(ip.logQP()));
      p.put("secure", !ip.securityOff());
      inference.put("jobWorkers", workers);
      inference.put("threadsPerJob", config.jobThreads());
      inference.put("inProcessThreads", workers);
      // the same compute threads on both sides: jobs run at once x engine threads per job
      inference.put("computeThreads", workers * config.jobThreads());
      inference.put("inProcessComputeThreads", workers * config.jobThreads());
      inference.put("includes", "rowsPerSecond: per request, the buyer's ciphertexts (encrypted"
          + " by the buyer once, before the rounds, and sent again by every request) uploaded"
          + " over loopback HTTP (POST /api/inputs: received, hashed, written and synced), the"
          + " job submitted (admission, budget, hold), claimed by a worker, the rows read from"
          + " the blob store and parsed, probabilities computed, sanitised (cleared, level 0,"
          + " re-randomised, flooded), the result stored, the job followed by server-sent events"
          + " and the result downloaded; inProcessRowsPerSecond: per batch, the same request"
          + " bytes parsed, the same probabilities computed and sanitised with the same flooding,"
          + " the result serialised, with no transport, storage or bookkeeping; worker: as"
          + " rowsPerSecond, the job claimed by remote workers over HTTP which download the rows"
          + " and upload the result");
      ObjectNode phases = inference.putObject("inProcessMsPerBatch");
      for (String phase : local.get(0).msPerBatch().keySet()) {
        phases.put(phase, round1(median(local, l -> l.msPerBatch().get(phase))));
      }
      inference.put("inProcessRowsPerSecond1Thread", Math.round(single.rowsPerSecond()));
      double[] latencies = rounds.stream().flatMapToDouble(r -> Arrays.stream(r.latenciesMs()))
          .sorted().toArray();
      inference.put("latencyMsMedian", Math.round(median(latencies)));
      inference.put("latencyMsP90", Math.round(percentile(latencies, 0.9)));
      inference.put("maxError", rounds.stream().mapToDouble(InferenceBench.Round::maxError)
          .max().orElse(0));
      ArrayNode samples = inference.putArray("samples");
      for (int r = 0; r < rounds.size(); r++) {
        samples.add(roundJson(rounds.get(r), local.get(r)));
      }
    } finally {
      inf.close();
    }
  }

  /** Writes the report to {@code file} (through a temporary file next to it). */
  public static void writeJson(ObjectNode root, Path file) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    Files.createDirectories(target.getParent());
    Path tmp = Files.createTempFile(target.getParent(), ".server-bench-", ".json");
    try {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(tmp.toFile(),
          root);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  // ------------------------------------------------------------------ report

  private static void print(ObjectNode root, PrintStream out) {
    var u = root.get("upload");
    var m = u.get("memory");
    var i = root.get("inference");
    var p = i.get("parameters");
    out.println();
    out.printf(Locale.ROOT, "Uploads (%s parts of %,d bytes, MB = 10^6 bytes; median of %d runs)"
        + "%n", u.get("parameters").asText(), u.get("partBytes").asLong(), u.get("runs").asInt());
    out.println("| clients | MB/s |");
    out.println("|---:|---:|");
    out.printf(Locale.ROOT, "| 1 | %.1f |%n", u.get("mbPerSecond1").asDouble());
    out.printf(Locale.ROOT, "| 8 | %.1f |%n", u.get("mbPerSecond8").asDouble());
    out.println();
    out.println("| upload by 8 clients (a full GC every 0.5 s) | peak heap used (MiB) | peak heap"
        + " after GC (MiB) |");
    out.println("|---:|---:|---:|");
    out.printf(Locale.ROOT, "| %.0f MB | %d | %d |%n", m.get("megabytes").asDouble(),
        m.get("peakHeapUsedMiB").asLong(), m.get("peakHeapLiveMiB").asLong());
    if (m.has("largeMegabytes")) {
      out.printf(Locale.ROOT, "| %.0f MB | %d | %d |%n", m.get("largeMegabytes").asDouble(),
          m.get("largePeakHeapUsedMiB").asLong(), m.get("largePeakHeapLiveMiB").asLong());
    }
    out.println();
    out.printf(Locale.ROOT, "Inference (%d buyers x %d requests of %d rows, %d features,"
            + " %s probabilities, N = 2^%d, %d levels, scale 2^%.0f; median of %d rounds)%n",
        i.get("buyers").asInt(), i.get("requestsPerBuyer").asInt(),
        i.get("rowsPerRequest").asInt(), i.get("features").asInt(), i.get("sigmoid").asText(),
        p.get("logN").asInt(), p.get("levels").asInt(), p.get("logScale").asDouble(),
        i.get("rounds").asInt());
    out.println("| requests/s | rows/s | in-process rows/s | ratio | processor ms per request |"
        + " in-process processor ms per batch | ratio |");
    out.println("|---:|---:|---:|---:|---:|---:|---:|");
    out.printf(Locale.ROOT, "| %.2f | %,d | %,d | %.3f | %d | %d | %.3f |%n",
        i.get("requestsPerSecond").asDouble(), i.get("rowsPerSecond").asLong(),
        i.get("inProcessRowsPerSecond").asLong(), i.get("ratio").asDouble(),
        i.get("processorMsPerRequest").asLong(), i.get("inProcessProcessorMsPerBatch").asLong(),
        i.get("processorRatio").asDouble());
    var w = i.get("worker");
    out.printf(Locale.ROOT, "worker path (%d remote workers over loopback, listings not hosted):"
            + " %,d rows/s, ratio %.3f of in-process%n", w.get("workers").asInt(),
        w.get("rowsPerSecond").asLong(), w.get("ratio").asDouble());
    StringBuilder split = new StringBuilder();
    i.get("processorMsPerRequestByThreads").fields().forEachRemaining(e -> split.append(
        split.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
        .append(e.getValue().asLong()));
    out.println("processor ms per request by threads: " + split);
    out.flush();
  }

  private static ObjectNode roundJson(InferenceBench.Round round, InferenceBench.InProcess local) {
    ObjectNode s = JsonNodeFactory.instance.objectNode();
    s.put("requestsPerSecond", round2(round.requestsPerSecond()));
    s.put("rowsPerSecond", Math.round(round.rowsPerSecond()));
    s.put("seconds", round2(round.seconds()));
    s.put("processorMsPerRequest", Math.round(round.cpuSeconds() * 1000 / round.requests()));
    s.put("jitMs", round.jitMillis());
    s.put("gcMs", round.gcMillis());
    ObjectNode split = s.putObject("processorMsPerRequestByThreads");
    round.cpuByThreads().forEach((k, v) -> split.put(k, Math.round(v * 1000 / round.requests())));
    s.put("inProcessRowsPerSecond", Math.round(local.rowsPerSecond()));
    s.put("inProcessProcessorMsPerBatch", Math.round(local.cpuSeconds() * 1000
        / local.batches()));
    return s;
  }

  private static ObjectNode runJson(UploadBench.Run r) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("clients", r.clients());
    n.put("parts", r.parts());
    n.put("bytes", r.bytes());
    n.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
    n.put("mbPerSecond", round1(r.mbPerSecond()));
    n.put("cpuSecondsPerGB", round2(r.cpuSecondsPerGb()));
    n.put("peakHeapUsedMiB", r.peakUsedBytes() >> 20);
    n.put("peakHeapLiveMiB", r.peakLiveBytes() >> 20);
    return n;
  }

  private static void environment(ObjectNode n) {
    n.put("cpu", cpuName());
    n.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    n.put("javaVersion", System.getProperty("java.version"));
    n.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
    n.put("heapMaxBytes", HeapMonitor.maxHeap());
    ArrayNode gc = n.putArray("gc");
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc.add(b.getName());
    }
    ArrayNode args = n.putArray("jvmArgs");
    ManagementFactory.getRuntimeMXBean().getInputArguments().forEach(args::add);
    n.put("startedAt", Instant.now().toString());
  }

  /** The processor's model name from /proc/cpuinfo, else the architecture. */
  static String cpuName() {
    Path info = Path.of("/proc/cpuinfo");
    if (Files.isReadable(info)) {
      try (Stream<String> lines = Files.lines(info)) {
        return lines.filter(l -> l.startsWith("model name"))
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .filter(s -> !s.isEmpty())
            .findFirst().orElse(System.getProperty("os.arch"));
      } catch (IOException | RuntimeException e) {
        // fall through
      }
    }
    return System.getProperty("os.arch");
  }

  // ------------------------------------------------------------------ helpers

  /** Processor time this JVM has used, all threads, in nanoseconds (-1 if unknown). */
  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  /** Milliseconds the garbage collectors have spent so far (elapsed, all collectors). */
  static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, b.getCollectionTime());
    }
    return t;
  }

  /** Milliseconds the JIT compilers have spent so far (-1 if unknown). */
  static long jitMillis() {
    var jit = ManagementFactory.getCompilationMXBean();
    return jit != null && jit.isCompilationTimeMonitoringSupported()
        ? jit.getTotalCompilationTime() : -1;
  }

  /** Registers a user with one role and returns a login token. */
  static String user(BenchHttp http, String name, String role) {
    String password = "bench-password-" + name;
    http.post("/api/register", null, Map.of("username", name, "password", password, "roles",
        List.of(role)), 201);
    return http.post("/api/login", null, Map.of("username", name, "password", password), 200)
        .get("token").asText();
  }

  /**
   * Asks for a full collection and gives it (and the collectors' notification to the heap
   * monitor) a moment.
   */
  static void collect() {
    System.gc();
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static <T> T join(Future<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause.getMessage(), cause);
    }
  }

  static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (BrokenBarrierException e) {
      throw new IllegalStateException("an in-process worker failed", e);
    }
  }

  static <T> double median(List<T> xs, ToDoubleFunction<T> f) {
    return median(xs.stream().mapToDouble(f).sorted().toArray());
  }

  /** The median of sorted values. */
  static double median(double[] sorted) {
    int n = sorted.length;
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }

  private static <T> List<T> interleave(List<T> a, List<T> b) {
    List<T> out = new ArrayList<>();
    for (int k = 0; k < Math.max(a.size(), b.size()); k++) {
      if (k < a.size()) {
        out.add(a.get(k));
      }
      if (k < b.size()) {
        out.add(b.get(k));
      }
    }
    return out;
  }

  private static double round1(double x) {
    return Math.round(x * 10) / 10.0;
  }

  private static double round2(double x) {
    return Math.round(x * 100) / 100.0;
  }

  private static void deleteTree(Path dir, PrintStream log) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.println("veil bench server: could not delete " + p + ": " + e.getMessage());
        }
      });
    } catch (IOException e) {
      log.println("veil bench server: could not delete " + dir + ": " + e.getMessage());
    }
  }

  /**
   * Samples the heap every few milliseconds, so that peaks between collections count; on demand
   * also asks for a full collection every so often.
   */
  private static final class HeapSampler implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long collectEveryMillis;

    HeapSampler(HeapMonitor heap) {
      thread = new Thread(() -> {
        long lastCollection = System.nanoTime();
        while (running) {
          heap.sample();
          long every = collectEveryMillis;
          if (every > 0 && System.nanoTime() - lastCollection > every * 1_000_000) {
            System.gc();
            lastCollection = System.nanoTime();
          }
          try {
            Thread.sleep(5);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-heap-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    /** Asks for a full collection every {@code millis} milliseconds; 0 for none. */
    void collectEvery(long millis) {
      collectEveryMillis = millis;
    }

    @Override
    public void close() {
      running = false;
      thread.interrupt();
    }
  }
}
