package dev.veil.bench.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import dev.veil.bench.HeapMonitor;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;

/**
 * The upload half of the server benchmark: a data owner's encrypted data set sent part by part
 * ({@code PUT /api/datasets/{id}/parts/{index}}, each part one ciphertext with its {@code
 * X-Content-SHA256}) by one client or by several at once, timed from the first request to the
 * last answer, with the JVM's peak heap over the run.
 *
 * <p>The parts are real ciphertexts: a few encryptions under the owner's public key of random
 * values in every slot at the top level, as {@code veil encrypt} makes them. So that every part
 * is a distinct blob (a content-addressed store keeps identical parts once, which would flatter
 * it), part i is base ciphertext {@code i mod K} with its scale nudged by a distinct tiny
 * amount: still a valid ciphertext the server parses in full, with another digest. The client
 * streams each part from the shared base bytes (the 8 bytes of the scale patched on the way),
 * so that the client holds K ciphertexts whatever the total: the heap the run measures is the
 * server's streaming, not the client's data. The digests are computed before the clock starts.
 */
final class UploadBench {
  /** Distinct base encryptions the parts are made from. */
  static final int BASES = 4;

  /** One timed run. */
  record Run(int clients, int parts, long bytes, double seconds, double cpuSeconds,
      long peakUsedBytes, long peakLiveBytes) {
    double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }

    /** Processor time of the whole JVM (server and clients) per gigabyte uploaded. */
    double cpuSecondsPerGb() {
      return cpuSeconds / (bytes / 1e9);
    }
  }

  private final String url;
  private final String token;
  private final Parameters params;
  private final String keySetId;
  private final String keyId;
  private final byte[][] bases;
  private final int scaleOffset;
  private final double scale;
  private final PrintStream log;
  private int datasets;

  private UploadBench(String url, String token, Parameters params, String keySetId,
      String keyId, byte[][] bases, int scaleOffset, double scale, PrintStream log) {
    this.url = url;
    this.token = token;
    this.params = params;
    this.keySetId = keySetId;
    this.keyId = keyId;
    this.bases = bases;
    this.scaleOffset = scaleOffset;
    this.scale = scale;
    this.log = log;
  }

  /**
   * Registers a data owner, makes and uploads their key set (parameters, public key,
   * relinearisation key) and encrypts the base parts. The secret key is dropped at the end.
   */
  static UploadBench prepare(String url, Parameters params, PrintStream log) {
    BenchHttp http = new BenchHttp(url, Duration.ofMinutes(10));
    String token = ServerBenchmark.user(http, "owner", "DATA_OWNER");
    byte[][] bases = new byte[BASES][];
    byte[] pkBytes;
    byte[] evkBytes;
    byte[] moved;
    SecureRandom random = new SecureRandom();
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator kg = new KeyGenerator(ctx, random);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      pkBytes = bytes(o -> VeilIO.write(o, pk));
      evkBytes = bytes(o -> VeilIO.write(o, new EvaluationKeys(params,
          kg.relinearizationKey(sk), List.of())));
      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = Encryptor.withPublicKey(ctx, pk, random);
      Ciphertext first = null;
      for (int b = 0; b < BASES; b++) {
        double[] values = new double[params.slots()];
        for (int s = 0; s < values.length; s++) {
          values[s] = 2 * random.nextDouble() - 1;
        }
        Ciphertext ct = encryptor.encrypt(encoder.encode(values, params.maxLevel(),
            params.defaultScale()));
        bases[b] = bytes(o -> VeilIO.write(o, ct));
        if (first == null) {
          first = ct;
        }
      }
      Ciphertext copy = first.copy();
      copy.setScale(first.scale() * 2);
      moved = bytes(o -> VeilIO.write(o, copy));
    }
    int offset = scaleOffset(bases[0], moved, params.defaultScale());
    String keySet = http.post("/api/keys", token, Map.of("name", "owner keys", "params",
        Base64.getEncoder().encodeToString(bytes(o -> VeilIO.write(o, params)))), 201)
        .get("id").asText();
    http.upload("PUT", "/api/keys/" + keySet + "/public", token, BodyPublishers.ofByteArray(
        pkBytes), sha256(pkBytes), 200);
    http.upload("PUT", "/api/keys/" + keySet + "/evaluation", token, BodyPublishers.ofByteArray(
        evkBytes), sha256(evkBytes), 200);
    String keyId = http.get("/api/keys/" + keySet, token).get("keyId").asText();
    return new UploadBench(url, token, params, keySet, keyId, bases, offset,
        params.defaultScale(), log);
  }

  /** Bytes of one part. */
  long partBytes() {
    return bases[0].length;
  }

  /**
   * Uploads a new data set of about {@code totalBytes} (at least one part per client) with
   * {@code clients} concurrent clients and completes it.
   */
  Run run(int clients, long totalBytes, HeapMonitor heap) {
    return run(clients, totalBytes, heap, false);
  }

  /**
   * As {@link #run(int, long, HeapMonitor)}; with {@code collectAtEnd}, a full collection as the
   * last client finishes, so that even a run shorter than the sampler's period reports the heap
   * after one.
   */
  Run run(int clients, long totalBytes, HeapMonitor heap, boolean collectAtEnd) {
    int parts = (int) Math.max(clients, (totalBytes + partBytes() - 1) / partBytes());
    BenchHttp setup = new BenchHttp(url, Duration.ofMinutes(10));
    String dataset = setup.post("/api/datasets", token, Map.of("name", "bench data set "
        + (++datasets), "keySetId", keySetId, "meta", meta(parts), "pricePerTraining", 0,
        "listed", false), 201).get("id").asText();
    String[] digests = new String[parts];
    for (int i = 0; i < parts; i++) {
      digests[i] = digest(i);
    }
    ServerBenchmark.collect();
    heap.reset();
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients, r -> {
      Thread t = new Thread(r, "bench-upload-client");
      t.setDaemon(true);
      return t;
    });
    long cpu = ServerBenchmark.processCpuNanos();
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(pool.submit(() -> {
          BenchHttp http = new BenchHttp(url, Duration.ofMinutes(10));
          for (int i = next.getAndIncrement(); i < parts; i = next.getAndIncrement()) {
            http.upload("PUT", "/api/datasets/" + dataset + "/parts/" + i, token, body(i),
                digests[i], 200);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        ServerBenchmark.join(f);
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (ServerBenchmark.processCpuNanos() - cpu) / 1e9;
    if (collectAtEnd) {
      ServerBenchmark.collect();
    }
    long peakUsed = heap.peakUsed();
    long peakLive = heap.peakLive();
    setup.post("/api/datasets/" + dataset + "/complete", token, Map.of(), 200);
    Run run = new Run(clients, parts, parts * partBytes(), seconds, cpuSeconds, peakUsed,
        peakLive);
    log.printf(Locale.ROOT, "  %d client%s: %,d parts, %.0f MB in %.2f s: %.0f MB/s"
            + " (%.1f processor-seconds per GB), peak heap used %d MiB (after GC %d MiB)%n",
        clients, clients == 1 ? "" : "s", parts, run.bytes() / 1e6, seconds, run.mbPerSecond(),
        run.cpuSecondsPerGb(), peakUsed >> 20, peakLive >> 20);
    return run;
  }

  private Map<String, Object> meta(int parts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "veil-data/1");
    m.put("model", "logistic");
    m.put("rows", parts * params.slots());
    m.put("features", 1);
    m.put("slots", params.slots());
    m.put("ciphertexts", parts);
    m.put("paramsDigest", params.digestHex());
    m.put("keyId", keyId);
    return m;
  }

  /** The scale of part i: distinct for parts of the same base, and as good as the default. */
  private double scaleOf(int i) {
    return scale * (1 + (i / BASES + 1) * 0x1p-40);
  }

  private byte[] patch(int i) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(scaleOf(i)).array();
  }

  /** The SHA-256 trailer of a Veil object (format version 2) ends every base. */
  static final int TRAILER = 32;

  /**
   * Part i as a request body, streamed from its base without copying it: the base with part i's
   * scale, and the SHA-256 trailer of those bytes (so the server's integrity check holds).
   */
  private BodyPublisher body(int i) {
    byte[] base = bases[i % BASES];
    int tail = scaleOffset + 8;
    return BodyPublishers.concat(BenchHttp.slices(base, 0, scaleOffset),
        BodyPublishers.ofByteArray(patch(i)),
        BenchHttp.slices(base, tail, base.length - TRAILER - tail),
        BodyPublishers.ofByteArray(trailer(i)));
  }

  /** The trailer of part i: the SHA-256 of every byte before it. */
  private byte[] trailer(int i) {
    byte[] base = bases[i % BASES];
    MessageDigest md = sha();
    md.update(base, 0, scaleOffset);
    md.update(patch(i));
    md.update(base, scaleOffset + 8, base.length - TRAILER - scaleOffset - 8);
    return md.digest();
  }

  private String digest(int i) {
    byte[] base = bases[i % BASES];
    MessageDigest md = sha();
    md.update(base, 0, scaleOffset);
    md.update(patch(i));
    md.update(base, scaleOffset + 8, base.length - TRAILER - scaleOffset - 8);
    md.update(trailer(i));
    return HexFormat.of().formatHex(md.digest());
  }

  /**
   * Where the scale lies in a serialised ciphertext: the 8 bytes that differ between the same
   * ciphertext written at two scales, which must hold the first scale as a little-endian double.
   */
  static int scaleOffset(byte[] a, byte[] b, double scaleOfA) {
    if (a.length != b.length) {
      throw new IllegalStateException("changing the scale changed the ciphertext's length");
    }
    int first = -1;
    int last = -1;
    for (int i = 0; i < a.length - TRAILER; i++) { // the trailers differ everywhere
      if (a[i] != b[i]) {
        first = first < 0 ? i : first;
        last = i;
      }
    }
    byte[] expected = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(scaleOfA)
        .array();
    for (int at = Math.max(0, last - 7); at <= first && at + 8 <= a.length; at++) {
      if (Arrays.equals(a, at, at + 8, expected, 0, 8)) {
        return at;
      }
    }
    throw new IllegalStateException("cannot find the scale in a serialised ciphertext");
  }

  static byte[] bytes(VeilIO.ObjectWriter w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      w.writeTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(sha().digest(Objects.requireNonNull(bytes)));
  }

  private static MessageDigest sha() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
