package dev.veil.server.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DecryptionInfo;
import dev.veil.api.ModelFile;
import dev.veil.api.RegisterWorkerRequest;
import dev.veil.api.WorkerClaim;
import dev.veil.cli.VeilCli;
import dev.veil.client.Upload;
import dev.veil.client.VeilApiException;
import dev.veil.client.VeilClient;
import dev.veil.client.WorkerClient;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.infer.ResultReader;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.server.app.ServerConfig;
import dev.veil.server.he.KeyCache;
import dev.veil.server.http.Json;
import dev.veil.server.remote.RemoteWorker;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.KeyHolder;
import dev.veil.server.testing.MemoryBlobStore;
import dev.veil.server.testing.MemoryCatalog;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Remote workers over real HTTP: a seller's {@code veil worker} serves its listing (the buyer
 * encrypts, pays, decrypts correct predictions) while the weights are found nowhere in the
 * server's data directory or database; a worker that dies mid-job loses its lease, the job is
 * re-queued and done by another worker and paid once; a late report of the dead worker is refused
 * with a 409 and changes nothing; who may register a worker for what, and what a worker sees.
 *
 * <p>Test-only parameters ({@code securityOff()}, allowed by the test server): N = 2^12 with six
 * 55-bit levels, 200 rows of 5 features.
 */
class WorkerHttpTest {
  enum Db { SQLITE, POSTGRES }

  static final ObjectMapper JSON = new ObjectMapper();
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 55, 55, 55, 55, 55, 55).logP(61).securityOff().build();
  /** Distinctive digits, searched for afterwards. */
  static final double[] WEIGHTS = {0.3137914, 0.8261753, -0.6172853, 0.4419287, -0.2538461,
      0.5794312};
  static final int D = 5;
  static final int ROWS = 200;

  static KeyHolder buyerKeys;
  static double[][] rows;
  static byte[] encryptedRows;

  @TempDir Path dir;
  private ServerConfig config;
  private TestServer server;

  @BeforeAll
  static void keysAndRows() {
    buyerKeys = new KeyHolder("buyer", PARAMS, new int[0], 31, new MemoryBlobStore(),
        new MemoryCatalog());
    Random r = new Random(5);
    rows = new double[ROWS][D];
    for (double[] row : rows) {
      for (int j = 0; j < D; j++) {
        row[j] = 2 * r.nextDouble() - 1;
      }
    }
    List<Ciphertext> cts = new ArrayList<>();
    new FeatureMajorInference.Owner(buyerKeys.encoder, buyerKeys.encryptor, null).encrypt(rows)
        .forEach(b -> cts.addAll(List.of(b.features())));
    encryptedRows = KeyHolder.concat(cts);
  }

  private TestServer start(Db db, Duration lease) {
    ServerConfig.Builder b = TestServer.config(dir.resolve("server")).jobWorkers(1)
        .jobThreads(1).jobLease(lease);
    config = (db == Db.POSTGRES ? TestDatabases.postgres(b) : b).build();
    server = new TestServer(config);
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close();
      if (config.dbSchema() != null) {
        try (Connection c = DriverManager.getConnection(config.jdbcUrl(), config.dbUser(), "");
            Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA " + config.dbSchema() + " CASCADE");
        }
      }
    }
  }

  // ---------------------------------------------------------------- scenario helpers

  /** The model card (what the server may see) or the full model file (the seller's). */
  static Map<String, Object> model(boolean withWeights) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "veil-model/1");
    m.put("model", "logistic");
    m.put("featureNames", List.of("a", "b", "c", "d", "e"));
    m.put("scaler", Map.of("kind", "MIN_MAX", "offsets", new double[D], "scales",
        new double[] {1, 1, 1, 1, 1}));
    if (withWeights) {
      m.put("weights", WEIGHTS);
      m.put("decryption", new DecryptionInfo(DecryptionInfo.FLOODED, 30, 16L, 40.0, 10.0));
    }
    return m;
  }

  /** A listing that is not hosted; returns its id. */
  String publish(String seller) {
    return TestServer.expect(server.post("/api/models", seller, Map.of("name", "churn",
        "pricePerPrediction", 2, "maxQueriesPerBuyer", 10, "maxRowsPerBuyer", 1000, "model",
        model(false))), 201).json().get("id").asText();
  }

  /** The buyer's keys and rows uploaded and a job submitted on the model; returns the job id. */
  String buy(String buyer, String modelId) {
    String ks = server.keySet(buyer, buyerKeys);
    String input = TestServer.expect(server.send("POST", "/api/inputs", buyer,
        "application/octet-stream", java.net.http.HttpRequest.BodyPublishers.ofByteArray(
            encryptedRows), Map.of("X-Content-SHA256", TestCrypto.sha256(encryptedRows))), 201)
        .json().get("id").asText();
    return TestServer.expect(server.post("/api/jobs", buyer, Map.of("kind", "INFERENCE",
        "modelId", modelId, "keySetId", ks, "inputId", input, "rows", ROWS)), 201).json()
        .get("id").asText();
  }

  String deposit(String username, long amount) {
    String op = server.login("operator", "operator-password");
    TestServer.expect(server.post("/api/deposits", op, Map.of("username", username, "amount",
        amount)), 201);
    return op;
  }

  long available(String token) {
    return TestServer.expect(server.get("/api/balance", token), 200).json().get("available")
        .asLong();
  }

  JsonNode job(String token, String id) {
    return TestServer.expect(server.get("/api/jobs/" + id, token), 200).json();
  }

  /** {@code veil worker ...} in-process as the seller; returns the exit code and stderr. */
  record Run(int exit, String err) {}

  Run veilWorker(String token, String... args) {
    List<String> all = new ArrayList<>(List.of("worker", "--once", "--wait", "5", "--threads",
        "1", "--scratch", dir.resolve("seller-scratch").toString()));
    all.addAll(List.of(args));
    return veil(token, all.toArray(String[]::new));
  }

  /** {@code veil ARGS} in-process with this token; returns the exit code and stdout + stderr. */
  Run veil(String token, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("VEIL_HOME", dir.resolve("seller-home").toString());
    env.put("VEIL_SERVER", server.url());
    env.put("VEIL_TOKEN", token);
    env.put("VEIL_PROGRESS", "lines");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = VeilCli.commandLine(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]), env).execute(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8)
        + err.toString(StandardCharsets.UTF_8));
  }

  /** The seller's model file, on the seller's machine (outside the server's data directory). */
  Path modelFile() throws IOException {
    Path f = Files.createDirectories(dir.resolve("seller")).resolve("model.json");
    // synthetic weights, recorded as a flooded decryption so that veil model publish takes them
    Map<String, Object> m = model(true);
    m.put("decryption", new DecryptionInfo(DecryptionInfo.FLOODED, 30, 16L, 40.0, 10.0));
    JSON.writeValue(f.toFile(), m);
    return f;
  }

  double[] scores(String buyer, String jobId) throws Exception {
    JsonNode info = job(buyer, jobId).get("result");
    VeilClient c = VeilClient.connect(server.url(), buyer);
    Path file = dir.resolve(jobId + ".ct");
    c.downloadResult(jobId, file);
    int n = info.get("ciphertexts").asInt();
    Ciphertext[] cts = new Ciphertext[n];
    try (InputStream in = Files.newInputStream(file)) {
      for (int i = 0; i < n; i++) {
        cts[i] = VeilIO.readCiphertext(in, buyerKeys.ctx);
      }
    }
    return new ResultReader(buyerKeys.encoder, buyerKeys.decryptor).read(new EncryptedResult(cts,
        new ResultDescriptor(Layout.of(info.get("slots").asInt(), info.get("rows").asInt(),
            info.get("layoutFeatures").asInt()), ResultDescriptor.Output.SCORES, true)));
  }

  void assertCorrect(double[] got) {
    LogisticModel plain = new LogisticModel(WEIGHTS);
    for (int r = 0; r < ROWS; r++) {
      assertThat(Math.abs(got[r] - plain.score(rows[r]))).as("row " + r).isLessThan(0.05);
    }
  }

  // ---------------------------------------------------------------- the tests

  @ParameterizedTest
  @EnumSource(Db.class)
  void aSellersWorkerServesItsListingAndTheWeightsNeverReachTheServer(Db db) throws Exception {
    TestServer s = start(db, Duration.ofSeconds(30));
    String seller = s.user("seller", "MODEL_SELLER");
    String buyer = s.user("buyer", "BUYER");
    deposit("buyer", 1000);
    // weights sent without asking for a hosted listing are refused, and nothing is stored
    TestServer.Response refused = s.post("/api/models", seller, Map.of("name", "churn",
        "pricePerPrediction", 2, "maxQueriesPerBuyer", 10, "maxRowsPerBuyer", 1000, "model",
        model(true)));
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("not hosted");
    // veil model publish sends the model card only
    Run published = veil(seller, "model", "publish", "--model", modelFile().toString(),
        "--name", "churn", "--price", "2", "--max-queries", "10", "--max-rows", "1000");
    assertThat(published.exit()).as(published.err()).isZero();
    assertThat(published.err()).contains("served by your worker");
    String modelId = published.err().substring(published.err().indexOf("mdl_"))
        .split("[:\\s]")[0];
    assertThat(s.get("/api/models/" + modelId, buyer).json().get("hosted").asBoolean())
        .isFalse();

    String jobId = buy(buyer, modelId);
    // the server's own workers never claim it
    Thread.sleep(1500);
    assertThat(job(buyer, jobId).get("state").asText()).isEqualTo("QUEUED");

    Run run = veilWorker(seller, "--model", modelId + "=" + modelFile());
    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err()).contains("claimed " + jobId, jobId + ": SUCCEEDED");
    JsonNode done = job(buyer, jobId);
    assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("attempts").asInt()).isEqualTo(1);
    assertCorrect(scores(buyer, jobId));
    assertThat(available(buyer)).isEqualTo(1000 - 2 * ROWS);
    assertThat(available(seller)).isEqualTo(2 * ROWS * 9 / 10);
    // the worker revoked its token when it stopped
    JsonNode workers = s.get("/api/workers", seller).json().get("workers");
    assertThat(workers).hasSize(1);
    assertThat(workers.get(0).get("revokedAt").isNull()).isFalse();

    List<byte[]> needles = weightRepresentations();
    byte[] sellers = Files.readAllBytes(modelFile());
    assertThat(needles.subList(0, 2)).allSatisfy(n -> assertThat(indexOf(sellers, n))
        .as("the search finds the weights where they are").isNotNegative());
    try (Stream<Path> files = Files.walk(config.dataDir())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        byte[] bytes = Files.readAllBytes(f);
        for (byte[] n : needles) {
          assertThat(indexOf(bytes, n)).as(f + " holds " + new String(n,
              StandardCharsets.ISO_8859_1)).isEqualTo(-1);
        }
      }
    }
    String dump = databaseText();
    assertThat(dump).contains(modelId);
    for (byte[] n : needles) {
      assertThat(indexOf(dump.getBytes(StandardCharsets.ISO_8859_1), n)).isEqualTo(-1);
    }
    assertThat(s.get("/api/ledger/verify", s.login("operator", "operator-password")).json()
        .get("ok").asBoolean()).isTrue();
  }

  @Test
  void aWorkerThatDiesLosesItsJobToAnotherWhichIsPaidOnceAndItsLateResultIsRefused()
      throws Exception {
    TestServer s = start(Db.SQLITE, Duration.ofMillis(1500));
    String seller = s.user("seller", "MODEL_SELLER");
    String buyer = s.user("buyer", "BUYER");
    deposit("buyer", 1000);
    String modelId = publish(seller);
    String jobId = buy(buyer, modelId);

    // worker A claims the job, starts on it, and dies (no more heartbeats)
    VeilClient sellerClient = VeilClient.connect(s.url(), seller);
    WorkerClient a = sellerClient.asWorker(sellerClient.registerWorker(
        new RegisterWorkerRequest("a", List.of(modelId), false)).token());
    WorkerClaim claim = a.claim(Duration.ofSeconds(5)).orElseThrow();
    assertThat(claim.jobId()).isEqualTo(jobId);
    assertThat(claim.model().featureNames()).containsExactly("a", "b", "c", "d", "e");
    Path scratch = Files.createDirectories(dir.resolve("a"));
    a.downloadInput(jobId, claim.attempt(), claim.keySet().paramsSha256(),
        scratch.resolve("params"));
    a.progress(jobId, claim.attempt(), "computing scores", 40);
    assertThat(job(buyer, jobId).get("state").asText()).isEqualTo("RUNNING");
    Await.until("the lapsed lease's job re-queued", Duration.ofSeconds(20),
        () -> job(buyer, jobId).get("state").asText().equals("QUEUED"));
    byte[] forged = TestCrypto.ciphertext(3);
    assertThat(status(() -> a.uploadResult(jobId, claim.attempt(), Upload.of(
        new ByteArrayInputStream(forged), forged.length), null))).isEqualTo(409);
    assertThat(job(buyer, jobId).get("state").asText()).isEqualTo("QUEUED");

    // worker B (veil worker, finding the listing by the model file) takes it over, finishes it
    Run run = veilWorker(seller, "--model-file", modelFile().toString());
    assertThat(run.exit()).as(run.err()).isZero();
    JsonNode done = job(buyer, jobId);
    assertThat(done.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(done.get("attempts").asInt()).isEqualTo(2);
    assertCorrect(scores(buyer, jobId));

    // A's late reports change nothing
    String sha = done.get("resultSha256").asText();
    assertThat(status(() -> a.progress(jobId, claim.attempt(), null, null))).isEqualTo(409);
    assertThat(status(() -> a.uploadResult(jobId, claim.attempt(), Upload.of(
        new ByteArrayInputStream(forged), forged.length), null))).isEqualTo(409);
    assertThat(status(() -> a.complete(jobId, claim.attempt(), TestCrypto.sha256(forged),
        JSON.createObjectNode().put("format", "forged")))).isEqualTo(409);
    assertThat(status(() -> a.fail(jobId, claim.attempt(), "late"))).isEqualTo(409);
    JsonNode after = job(buyer, jobId);
    assertThat(after.get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(after.get("resultSha256").asText()).isEqualTo(sha);
    assertThat(after.get("result")).isEqualTo(done.get("result"));
    // paid once
    assertThat(available(buyer)).isEqualTo(1000 - 2 * ROWS);
    assertThat(available(seller)).isEqualTo(2 * ROWS * 9 / 10);
  }

  @Test
  void aStoppingWorkerPutsItsJobBackInTheQueueWithoutUsingAnAttempt() throws Exception {
    TestServer s = start(Db.SQLITE, Duration.ofSeconds(30));
    String seller = s.user("seller", "MODEL_SELLER");
    String buyer = s.user("buyer", "BUYER");
    deposit("buyer", 1000);
    String modelId = publish(seller);
    VeilClient sellerClient = VeilClient.connect(s.url(), seller);
    WorkerClient client = sellerClient.asWorker(sellerClient.registerWorker(
        new RegisterWorkerRequest("w", List.of(modelId), false)).token());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Path file = modelFile();
    ModelFile model = JSON.readValue(file.toFile(), ModelFile.class);
    try (KeyCache keys = new KeyCache(KeyCache.Limits.defaults())) {
      RemoteWorker w = new RemoteWorker(client, Map.of(modelId, model),
          new RemoteWorker.Settings(1, Duration.ofSeconds(20), false,
              Files.createDirectories(dir.resolve("w"))), keys, Json.mapper(),
          new PrintWriter(log, true, StandardCharsets.UTF_8));
      Thread t = new Thread(w::run);
      t.start();
      Thread.sleep(300); // its claim waits for a job
      w.stop(); // SIGTERM: what the shutdown hook of veil worker does
      String jobId = buy(buyer, modelId);
      t.join(30_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(log.toString(StandardCharsets.UTF_8)).contains("claimed " + jobId,
          jobId + ": put back in the queue");
      JsonNode j = job(buyer, jobId);
      assertThat(j.get("state").asText()).isEqualTo("QUEUED");
      assertThat(j.get("attempts").asInt()).isZero();
    }
    assertThat(available(buyer)).isEqualTo(1000 - 2 * ROWS); // still held for the next worker
  }

  @Test
  void workersSeeOnlyTheJobsOfWhatTheyServe() throws Exception {
    TestServer s = start(Db.SQLITE, Duration.ofSeconds(30));
    String seller = s.user("seller", "MODEL_SELLER");
    String other = s.user("other", "MODEL_SELLER", "DATA_OWNER");
    String buyer = s.user("buyer", "BUYER");
    deposit("buyer", 1000);
    String modelId = publish(seller);
    String othersModel = publish(other);
    String hosted = TestServer.expect(s.post("/api/models", other, Map.of("name", "h",
        "pricePerPrediction", 1, "maxQueriesPerBuyer", 1, "maxRowsPerBuyer", 1000, "model",
        model(true), "hosted", true)), 201).json().get("id").asText();
    String jobId = buy(buyer, modelId);

    // registration: own listings that are not hosted; training needs a role for it
    assertThat(s.post("/api/workers", seller, Map.of("name", "w", "models",
        List.of(othersModel))).status()).isEqualTo(404);
    assertThat(s.post("/api/workers", other, Map.of("name", "w", "models",
        List.of(hosted))).status()).isEqualTo(400);
    assertThat(s.post("/api/workers", seller, Map.of("name", "w", "training", true)).status())
        .isEqualTo(403);
    assertThat(s.post("/api/workers", seller, Map.of("name", "w")).status()).isEqualTo(400);
    assertThat(s.post("/api/workers", buyer, Map.of("name", "w", "models", List.of(modelId)))
        .status()).isEqualTo(404);
    String sellerToken = TestServer.expect(s.post("/api/workers", seller, Map.of("name", "w",
        "models", List.of(modelId))), 201).json().get("token").asText();
    String otherToken = TestServer.expect(s.post("/api/workers", other, Map.of("name", "w",
        "models", List.of(othersModel), "training", true)), 201).json().get("token").asText();

    // a worker token is not a login token, nor the other way round
    assertThat(s.get("/api/models", sellerToken).status()).isEqualTo(401);
    assertThat(s.post("/api/worker/claim", seller, "{}").status()).isEqualTo(401);

    // the other seller's worker (its model, its training) sees nothing of this job
    assertThat(s.post("/api/worker/claim?wait=1", otherToken, "{}").status()).isEqualTo(204);
    assertThat(s.post("/api/worker/jobs/" + jobId + "/progress", otherToken,
        Map.of("attempt", 1)).status()).isEqualTo(404);
    assertThat(job(buyer, jobId).get("state").asText()).isEqualTo("QUEUED");

    // the seller's worker claims it, downloads only its inputs
    TestServer.Response claim = TestServer.expect(s.post("/api/worker/claim?wait=5",
        sellerToken, "{}"), 200);
    assertThat(claim.json().get("jobId").asText()).isEqualTo(jobId);
    int attempt = claim.json().get("attempt").asInt();
    String paramsSha = claim.json().get("keySet").get("paramsSha256").asText();
    TestServer.Response params = s.get("/api/worker/jobs/" + jobId + "/blobs/" + paramsSha
        + "?attempt=" + attempt, sellerToken);
    assertThat(params.status()).isEqualTo(200);
    assertThat(params.header("X-Content-SHA256")).isEqualTo(paramsSha);
    assertThat(s.get("/api/worker/jobs/" + jobId + "/blobs/" + "0".repeat(64) + "?attempt="
        + attempt, sellerToken).status()).isEqualTo(404);
    assertThat(s.get("/api/worker/jobs/" + jobId + "/blobs/" + paramsSha + "?attempt="
        + (attempt + 1), sellerToken).status()).isEqualTo(409);
    assertThat(s.get("/api/worker/jobs/" + jobId + "/blobs/" + paramsSha + "?attempt="
        + attempt, otherToken).status()).isEqualTo(404);
    // an empty result is refused and leaves no empty blob behind
    TestServer.Response empty = s.upload("/api/worker/jobs/" + jobId + "/result?attempt="
        + attempt, sellerToken, new byte[0], null);
    assertThat(empty.status()).as(empty.toString()).isEqualTo(400);
    String emptySha = TestCrypto.sha256(new byte[0]);
    assertThat(s.app().config().blobDir().resolve(emptySha.substring(0, 2))
        .resolve(emptySha.substring(2))).doesNotExist();
    // complete needs the claim's own upload
    assertThat(s.post("/api/worker/jobs/" + jobId + "/complete", sellerToken, Map.of(
        "attempt", attempt, "sha256", paramsSha, "info", Map.of("format", "x"))).status())
        .isEqualTo(409);
    TestServer.expect(s.post("/api/worker/jobs/" + jobId + "/fail", sellerToken, Map.of(
        "attempt", attempt, "reason", "the seller's machine is out of disk")), 200);
    JsonNode failed = job(buyer, jobId);
    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
    assertThat(failed.get("error").asText()).isEqualTo("the seller's machine is out of disk");
    assertThat(available(buyer)).isEqualTo(1000);
    // a revoked worker token stops working
    String id = s.get("/api/workers", seller).json().get("workers").get(0).get("id").asText();
    TestServer.expect(s.delete("/api/workers/" + id, other), 404);
    TestServer.expect(s.delete("/api/workers/" + id, seller), 204);
    assertThat(s.post("/api/worker/claim", sellerToken, "{}").status()).isEqualTo(401);
  }

  // ---------------------------------------------------------------- the weights search

  /** The weights as text (each one, and the JSON array) and as 8-byte doubles both ways. */
  static List<byte[]> weightRepresentations() throws IOException {
    List<byte[]> out = new ArrayList<>();
    out.add(JSON.writeValueAsBytes(WEIGHTS));
    for (double w : WEIGHTS) {
      String t = Double.toString(Math.abs(w));
      out.add(t.substring(t.indexOf('.')).getBytes(StandardCharsets.US_ASCII));
      for (ByteOrder o : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
        out.add(ByteBuffer.allocate(8).order(o).putDouble(w).array());
      }
    }
    return out;
  }

  /** Every value of every table of the app's database, as text. */
  String databaseText() throws Exception {
    StringBuilder sb = new StringBuilder();
    var jdbi = server.app().database().jdbi();
    List<String> tables = TestDatabases.tables(server.app().database());
    assertThat(tables).contains("models", "jobs", "workers", "audit_log");
    for (String t : tables) {
      jdbi.useHandle(h -> {
        try (Statement st = h.getConnection().createStatement();
            ResultSet rs = st.executeQuery("SELECT * FROM " + t)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            for (int c = 1; c <= n; c++) {
              sb.append(rs.getString(c)).append('\t');
            }
            sb.append('\n');
          }
        }
      });
    }
    return sb.toString();
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @FunctionalInterface
  interface Call {
    Object run() throws Exception;
  }

  static int status(Call c) throws Exception {
    try {
      c.run();
      return 200;
    } catch (VeilApiException e) {
      return e.status();
    }
  }
}
