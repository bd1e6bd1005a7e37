package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.infer.ResultReader;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.TrainingPlan;
import dev.veil.server.testing.KeyHolder;
import dev.veil.server.testing.MemoryBlobStore;
import dev.veil.server.testing.MemoryCatalog;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestServer.Response;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The marketplace over HTTP, on SQLite and on PostgreSQL: an operator deposits (idempotently), a
 * seller publishes a model, a buyer uploads keys and encrypted rows, buys predictions (followed
 * through server-sent events), downloads and decrypts them; a data owner lists an encrypted data
 * set, the buyer pays to train on it, and the data owner decrypts the model; every balance is
 * exact and the ledger verifies.
 *
 * <p>Test-only parameters ({@code securityOff()}, allowed by the test server): the buyer's N =
 * 2^12 with six 55-bit levels, the data owner's N = 2^10 with ten 40-bit levels.
 */
class MarketplaceHttpTest {
  /** The record veil decrypt --for-sharing writes (hosted listings must carry one). */
  private static final Map<String, Object> FLOODED = Map.of("mode", "flooded",
      "securityBits", 30, "sharedDecryptions", 16, "log2Sigma", 40.0, "precisionBits", 12.0);

  enum Db { SQLITE, POSTGRES }

  static final ObjectMapper JSON = new ObjectMapper();
  static final Parameters BUYER_PARAMS = Parameters.builder().logN(12)
      .logQ(60, 55, 55, 55, 55, 55, 55).logP(61).securityOff().build();
  static final Parameters OWNER_PARAMS = Parameters.builder().logN(10)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();
  static final double[] WEIGHTS = {0.3, 0.8, -0.6, 0.4, -0.2, 0.5};
  static final int D = 5;
  static final int ROWS = 300;
  static final int TRAIN_ROWS = 64;
  static final int TRAIN_D = 3;

  static KeyHolder buyerKeys;
  static KeyHolder ownerKeys;
  static double[][] rows;
  static byte[] encryptedRows;
  static double[][] trainX;
  static double[] trainY;
  static List<byte[]> trainParts;

  @TempDir Path dir;
  private ServerConfig config;
  private TestServer server;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void keysAndData() {
    MemoryBlobStore scratch = new MemoryBlobStore();
    MemoryCatalog none = new MemoryCatalog();
    buyerKeys = new KeyHolder("buyer", BUYER_PARAMS, new int[0], 31, scratch, none);
    Random r = new Random(3);
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

    TrainingPlan plan = LogisticTraining.planner(TRAIN_ROWS, TRAIN_D, 2, 3)
        .withParameters(OWNER_PARAMS).plan();
    ownerKeys = new KeyHolder("owner", OWNER_PARAMS, plan.rotations(), 41, scratch, none);
    trainX = new double[TRAIN_ROWS][TRAIN_D];
    trainY = new double[TRAIN_ROWS];
    for (int i = 0; i < TRAIN_ROWS; i++) {
      double s = 0.1;
      for (int j = 0; j < TRAIN_D; j++) {
        trainX[i][j] = 2 * r.nextDouble() - 1;
        s += (j == 1 ? -1.2 : 1.4) * trainX[i][j];
      }
      trainY[i] = s + 0.3 * r.nextGaussian() > 0 ? 1 : 0;
    }
    trainParts = new ArrayList<>();
    for (Ciphertext ct : new TablePacker(ownerKeys.encoder, plan.layout())
        .encrypt(EncryptedLogisticRegression.design(trainX, trainY), ownerKeys.encryptor)) {
      trainParts.add(KeyHolder.bytes(o -> VeilIO.write(o, ct)));
    }
  }

  private TestServer start(Db db) {
    ServerConfig.Builder b = TestServer.config(dir).jobWorkers(2).jobThreads(1);
    config = (db == Db.POSTGRES ? TestDatabases.postgres(b) : b).build();
    server = new TestServer(config);
    return server;
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.close(); // the workers stop before the schema goes
      if (config.dbSchema() != null) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(config.jdbcUrl(),
            config.dbUser(), "");
            java.sql.Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA " + config.dbSchema() + " CASCADE");
        }
      }
    }
  }

  private Response postWithKey(String path, String token, Object body, String key) {
    try {
      return server.send("POST", path, token, "application/json",
          HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)),
          Map.of("Idempotency-Key", key));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Follows a job's server-sent events to its end; returns the events' data. */
  private List<JsonNode> events(String token, String jobId) throws Exception {
    assertThat(server.get("/api/jobs/" + jobId + "/events", token).status()).isEqualTo(406);
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/api/jobs/" + jobId
            + "/events")).header("Authorization", "Bearer " + token)
        .header("Accept", "text/event-stream")
        .timeout(Duration.ofSeconds(120)).GET().build();
    HttpResponse<Stream<String>> resp = http.send(req, HttpResponse.BodyHandlers.ofLines());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("Content-Type").orElse("")).startsWith(
        "text/event-stream");
    List<JsonNode> out = new ArrayList<>();
    try (Stream<String> lines = resp.body()) {
      for (String line : (Iterable<String>) lines::iterator) {
        if (line.startsWith("data:")) {
          out.add(JSON.readTree(line.substring(5).strip()));
        }
      }
    }
    return out;
  }

  private byte[] download(String token, String jobId) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/api/jobs/" + jobId
        + "/result")).header("Authorization", "Bearer " + token).GET().build();
    HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.headers().firstValue("X-Content-SHA256").orElseThrow())
        .isEqualTo(TestCrypto.sha256(resp.body()));
    return resp.body();
  }

  private long available(String token) {
    return TestServer.expect(server.get("/api/balance", token), 200).json().get("available")
        .asLong();
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void predictionsAndTrainingAreBoughtPaidAndDeliveredEncrypted(Db db) throws Exception {
    TestServer s = start(db);
    String op = s.login("operator", "operator-password");
    String seller = s.user("seller", "MODEL_SELLER");
    String buyer = s.user("buyer", "BUYER");
    String owner = s.user("owner", "DATA_OWNER");

    // money in, once
    Map<String, Object> deposit = Map.of("username", "buyer", "amount", 10_000, "memo", "card");
    String tx = TestServer.expect(postWithKey("/api/deposits", op, deposit, "pay-77"), 201)
        .json().get("id").asText();
    assertThat(TestServer.expect(postWithKey("/api/deposits", op, deposit, "pay-77"), 201)
        .json().get("id").asText()).isEqualTo(tx);
    assertThat(postWithKey("/api/deposits", op, Map.of("username", "buyer", "amount", 1),
        "pay-77").status()).isEqualTo(409);
    assertThat(postWithKey("/api/deposits", buyer, deposit, "pay-78").status()).isEqualTo(403);
    assertThat(available(buyer)).isEqualTo(10_000);

    // a model on sale
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("format", "veil-model/1");
    model.put("model", "logistic");
    model.put("featureNames", List.of("a", "b", "c", "d", "e"));
    model.put("scaler", Map.of("kind", "MIN_MAX", "offsets", new double[D], "scales",
        new double[] {1, 1, 1, 1, 1}));
    model.put("weights", WEIGHTS);
    model.put("training", Map.of("iterations", 7));
    model.put("decryption", FLOODED);
    Response published = TestServer.expect(s.post("/api/models", seller, Map.of("name",
        "churn", "pricePerPrediction", 2, "maxQueriesPerBuyer", 10, "maxRowsPerBuyer", 1000,
        "model", model, "hosted", true)), 201);
    String modelId = published.json().get("id").asText();
    assertThat(published.body()).doesNotContain("weights").doesNotContain("0.8");
    JsonNode seen = TestServer.expect(s.get("/api/models/" + modelId, buyer), 200).json();
    assertThat(seen.get("inputSchema").get("featureNames")).hasSize(D);
    assertThat(seen.get("usage").get("rows").asLong()).isZero();
    assertThat(s.get("/api/models", buyer).json().get("models")).hasSize(1);

    // predictions
    String buyerKeySet = s.keySet(buyer, buyerKeys);
    Response input = s.send("POST", "/api/inputs", buyer, "application/octet-stream",
        HttpRequest.BodyPublishers.ofByteArray(encryptedRows),
        Map.of("X-Content-SHA256", TestCrypto.sha256(encryptedRows)));
    TestServer.expect(input, 201);
    Map<String, Object> predict = Map.of("kind", "INFERENCE", "modelId", modelId, "keySetId",
        buyerKeySet, "inputId", input.json().get("id").asText(), "rows", ROWS);
    JsonNode job = TestServer.expect(postWithKey("/api/jobs", buyer, predict, "p-1"), 201)
        .json();
    String jobId = job.get("id").asText();
    assertThat(job.get("price").asLong()).isEqualTo(600);
    assertThat(TestServer.expect(postWithKey("/api/jobs", buyer, predict, "p-1"), 201).json()
        .get("id").asText()).isEqualTo(jobId);
    assertThat(s.get("/api/jobs/" + jobId, seller).status()).isEqualTo(404);
    List<JsonNode> events = events(buyer, jobId);
    assertThat(events.get(events.size() - 1).get("state").asText()).as(events.toString())
        .isEqualTo("SUCCEEDED");
    JsonNode done = s.get("/api/jobs/" + jobId, buyer).json();
    assertThat(done.get("result").get("format").asText()).isEqualTo("veil-inference-result/1");
    double[] got = readScores(download(buyer, jobId), done.get("result"));
    LogisticModel plain = new LogisticModel(WEIGHTS);
    for (int r = 0; r < ROWS; r++) {
      assertThat(Math.abs(got[r] - plain.score(rows[r]))).isLessThan(0.05);
    }
    assertThat(s.get("/api/jobs/" + jobId + "/result", seller).status()).isEqualTo(404);
    assertThat(s.post("/api/jobs/" + jobId + "/cancel", buyer, "{}").status()).isEqualTo(409);
    assertThat(available(buyer)).isEqualTo(9_400);
    assertThat(available(seller)).isEqualTo(540);
    assertThat(s.get("/api/models/" + modelId, buyer).json().get("usage").get("rows").asLong())
        .isEqualTo(ROWS);

    // training on a listed data set
    String ds = listedDataset(s, owner);
    assertThat(s.post("/api/jobs", buyer, Map.of("kind", "TRAINING", "datasetId", ds,
        "rows", 3)).status()).isEqualTo(400);
    String trainJob = TestServer.expect(s.post("/api/jobs", buyer, Map.of("kind", "TRAINING",
        "datasetId", ds)), 201).json().get("id").asText();
    List<JsonNode> trainEvents = events(buyer, trainJob);
    assertThat(trainEvents).anyMatch(e -> e.get("stage").asText()
        .equals("training: iteration 2 of 2"));
    JsonNode trained = s.get("/api/jobs/" + trainJob, owner).json();
    assertThat(trained.get("state").asText()).as(trained.toString()).isEqualTo("SUCCEEDED");
    assertThat(trained.get("result").get("format").asText()).isEqualTo("veil-encrypted-model/1");
    assertThat(download(buyer, trainJob)).isEqualTo(download(owner, trainJob));
    Ciphertext w;
    try (InputStream in = new ByteArrayInputStream(download(owner, trainJob))) {
      w = VeilIO.readCiphertext(in, ownerKeys.ctx);
    }
    double[] weights = EncryptedLogisticRegression.decryptWeights(w, ownerKeys.encoder,
        ownerKeys.decryptor, TRAIN_D);
    double[] expected = NesterovLogisticRegression.defaults().withIterations(2)
        .withSigmoid(LogisticTraining.sigmoid(3)).trace(trainX, trainY).betas().get(2);
    for (int j = 0; j <= TRAIN_D; j++) {
      assertThat(Math.abs(weights[j] - expected[j])).isLessThan(1e-3);
    }
    assertThat(available(buyer)).isEqualTo(8_900);
    assertThat(available(owner)).isEqualTo(450);

    JsonNode verify = TestServer.expect(s.get("/api/ledger/verify", op), 200).json();
    assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    assertThat(s.get("/api/ledger/verify", buyer).status()).isEqualTo(403);
    assertThat(TestServer.expect(s.get("/api/audit/verify", op), 200).json().get("ok")
        .asBoolean()).isTrue();
  }

  /**
   * The server stops in the middle of a paid training job and starts again on the same data
   * directory: the job is not lost (it goes back to the queue and runs to the end) and is paid
   * once.
   */
  @org.junit.jupiter.api.Test
  void aRestartInTheMiddleOfAJobLosesNothing() throws Exception {
    TestServer s = start(Db.SQLITE);
    String op = s.login("operator", "operator-password");
    String buyer = s.user("buyer", "BUYER");
    String owner = s.user("owner", "DATA_OWNER");
    TestServer.expect(postWithKey("/api/deposits", op, Map.of("username", "buyer", "amount",
        1000), "d"), 201);
    String ds = listedDataset(s, owner);
    String job = TestServer.expect(s.post("/api/jobs", buyer, Map.of("kind", "TRAINING",
        "datasetId", ds)), 201).json().get("id").asText();
    HttpRequest req = HttpRequest.newBuilder(URI.create(s.url() + "/api/jobs/" + job
            + "/events")).header("Authorization", "Bearer " + buyer)
        .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(60)).GET().build();
    try (Stream<String> lines = http.send(req, HttpResponse.BodyHandlers.ofLines()).body()) {
      lines.filter(l -> l.contains("\"RUNNING\"")).findFirst();
    }
    s.close(); // graceful: the running job goes back to the queue at its next step
    server = new TestServer(config);
    String again = server.login("buyer", TestServer.PASSWORD);
    dev.veil.server.testing.Await.until("the job after the restart", Duration.ofSeconds(60),
        () -> List.of("SUCCEEDED", "FAILED").contains(server.get("/api/jobs/" + job, again)
            .json().get("state").asText()));
    JsonNode done = server.get("/api/jobs/" + job, again).json();
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("attempts").asInt()).isBetween(1, 2);
    assertThat(available(again)).isEqualTo(500);
    String op2 = server.login("operator", "operator-password");
    assertThat(server.get("/api/ledger/verify", op2).json().get("ok").asBoolean()).isTrue();
  }

  /**
   * Four buyers at once, each uploading rows and buying three predictions (each request sent
   * twice with one Idempotency-Key): every job runs once, every balance is exact.
   */
  @ParameterizedTest
  @EnumSource(Db.class)
  void concurrentBuyersArePaidForExactlyOnce(Db db) throws Exception {
    TestServer s = start(db);
    String op = s.login("operator", "operator-password");
    String seller = s.user("seller", "MODEL_SELLER");
    Map<String, Object> model = Map.of("format", "veil-model/1", "model", "logistic",
        "featureNames", List.of("a", "b", "c", "d", "e"), "scaler", Map.of("kind", "MIN_MAX",
            "offsets", new double[D], "scales", new double[] {1, 1, 1, 1, 1}),
        "weights", WEIGHTS, "decryption", FLOODED);
    String modelId = TestServer.expect(s.post("/api/models", seller, Map.of("name", "m",
        "pricePerPrediction", 2, "maxQueriesPerBuyer", 3, "maxRowsPerBuyer", 1000,
        "maxRowsTotal", 1200, "model", model, "hosted", true)), 201).json().get("id").asText();
    int buyers = 4;
    int each = 3;
    List<String> tokens = new ArrayList<>();
    for (int b = 0; b < buyers; b++) {
      tokens.add(s.user("buyer" + b, "BUYER"));
      TestServer.expect(postWithKey("/api/deposits", op, Map.of("username", "buyer" + b,
          "amount", 2000), "d-" + b), 201);
    }
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(buyers);
    List<java.util.concurrent.Future<List<String>>> futures = new ArrayList<>();
    for (int b = 0; b < buyers; b++) {
      String token = tokens.get(b);
      futures.add(pool.submit(() -> {
        String ks = s.keySet(token, buyerKeys);
        String input = TestServer.expect(s.send("POST", "/api/inputs", token,
            "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(encryptedRows),
            Map.of()), 201).json().get("id").asText();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < each; i++) {
          Map<String, Object> req = Map.of("kind", "INFERENCE", "modelId", modelId,
              "keySetId", ks, "inputId", input, "rows", 100);
          String id = TestServer.expect(postWithKey("/api/jobs", token, req, "k" + i), 201)
              .json().get("id").asText();
          assertThat(TestServer.expect(postWithKey("/api/jobs", token, req, "k" + i), 201)
              .json().get("id").asText()).isEqualTo(id);
          ids.add(id);
        }
        // a fourth query is over the budget of three
        assertThat(postWithKey("/api/jobs", token, Map.of("kind", "INFERENCE", "modelId",
            modelId, "keySetId", ks, "inputId", input, "rows", 100), "k9").status())
            .isEqualTo(429);
        return ids;
      }));
    }
    for (int b = 0; b < buyers; b++) {
      for (String id : futures.get(b).get()) {
        dev.veil.server.testing.Await.until("job " + id, Duration.ofSeconds(120), () ->
            !List.of("QUEUED", "RUNNING").contains(s.get("/api/jobs/" + id, op).json().get("state").asText()));
        assertThat(s.get("/api/jobs/" + id, op).json().get("state").asText())
            .isEqualTo("SUCCEEDED");
      }
    }
    pool.shutdown();
    for (String token : tokens) {
      assertThat(available(token)).isEqualTo(2000 - each * 200);
    }
    assertThat(available(seller)).isEqualTo(buyers * each * 180L);
    assertThat(s.get("/api/jobs?all=true", op).json().get("jobs")).hasSize(buyers * each);
    JsonNode verify = TestServer.expect(s.get("/api/ledger/verify", op), 200).json();
    assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
  }

  /**
   * Listing budgets over HTTP: the total bounds all buyers together (429 naming it, nothing
   * charged), a raised budget answers 201 with a new version and its Location, the old version
   * keeps its budget and refuses new jobs (409), and a lowered budget applies in place.
   */
  @ParameterizedTest
  @EnumSource(Db.class)
  void aListingsTotalBoundsAllBuyersAndARaisedBudgetIsANewVersion(Db db) throws Exception {
    TestServer s = start(db);
    String op = s.login("operator", "operator-password");
    String seller = s.user("seller", "MODEL_SELLER");
    Map<String, Object> model = Map.of("format", "veil-model/1", "model", "logistic",
        "featureNames", List.of("a", "b", "c", "d", "e"), "scaler", Map.of("kind", "MIN_MAX",
            "offsets", new double[D], "scales", new double[] {1, 1, 1, 1, 1}),
        "weights", WEIGHTS, "decryption", FLOODED);
    JsonNode v1 = TestServer.expect(s.post("/api/models", seller, Map.of("name", "m",
        "pricePerPrediction", 1, "maxQueriesPerBuyer", 5, "maxRowsPerBuyer", 300,
        "maxRowsTotal", 400, "model", model, "hosted", true)), 201).json();
    String oldId = v1.get("id").asText();
    assertThat(v1.get("floodingRows").asLong()).isEqualTo(400);
    assertThat(v1.get("version").asInt()).isEqualTo(1);
    List<String> tokens = new ArrayList<>();
    List<String> keySets = new ArrayList<>();
    List<String> inputs = new ArrayList<>();
    for (int b = 0; b < 2; b++) {
      tokens.add(s.user("buyer" + b, "BUYER"));
      TestServer.expect(postWithKey("/api/deposits", op, Map.of("username", "buyer" + b,
          "amount", 2000), "d-" + b), 201);
      keySets.add(s.keySet(tokens.get(b), buyerKeys));
      inputs.add(TestServer.expect(s.send("POST", "/api/inputs", tokens.get(b),
          "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(encryptedRows),
          Map.of()), 201).json().get("id").asText());
    }
    java.util.function.BiFunction<Integer, Map.Entry<String, Integer>, Response> job =
        (b, m) -> s.post("/api/jobs", tokens.get(b), Map.of("kind", "INFERENCE", "modelId",
            m.getKey(), "keySetId", keySets.get(b), "inputId", inputs.get(b), "rows",
            m.getValue()));
    List<String> jobs = new ArrayList<>();
    jobs.add(TestServer.expect(job.apply(0, Map.entry(oldId, 300)), 201).json().get("id")
        .asText());
    Response over = job.apply(1, Map.entry(oldId, 200));
    assertThat(over.status()).as(over.toString()).isEqualTo(429);
    assertThat(over.json().get("message").asText()).contains("total row budget", "100 left");
    assertThat(available(tokens.get(1))).isEqualTo(2000);
    jobs.add(TestServer.expect(job.apply(1, Map.entry(oldId, 100)), 201).json().get("id")
        .asText());

    Response raised = s.json("PATCH", "/api/models/" + oldId, seller,
        Map.of("maxRowsTotal", 800));
    assertThat(raised.status()).as(raised.toString()).isEqualTo(201);
    String newId = raised.json().get("id").asText();
    assertThat(newId).isNotEqualTo(oldId);
    assertThat(raised.header("Location")).isEqualTo("/api/models/" + newId);
    assertThat(raised.json().get("version").asInt()).isEqualTo(2);
    assertThat(raised.json().get("previousVersionId").asText()).isEqualTo(oldId);
    assertThat(raised.json().get("floodingRows").asLong()).isEqualTo(800);
    JsonNode old = TestServer.expect(s.get("/api/models/" + oldId, tokens.get(0)), 200).json();
    assertThat(old.get("supersededBy").asText()).isEqualTo(newId);
    assertThat(old.get("maxRowsTotal").asLong()).isEqualTo(400);
    assertThat(old.get("floodingRows").asLong()).isEqualTo(400);
    assertThat(old.get("totalUsage").get("rows").asLong()).isEqualTo(400);
    assertThat(old.get("usage").get("rows").asLong()).isEqualTo(300);
    Response refused = job.apply(1, Map.entry(oldId, 1));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
    assertThat(refused.json().get("message").asText()).contains(newId);
    jobs.add(TestServer.expect(job.apply(1, Map.entry(newId, 200)), 201).json().get("id")
        .asText());
    assertThat(s.get("/api/models", tokens.get(0)).json().get("models")
        .findValuesAsText("id")).containsExactly(newId);

    Response lowered = TestServer.expect(s.json("PATCH", "/api/models/" + newId, seller,
        Map.of("maxRowsPerBuyer", 250)), 200);
    assertThat(lowered.json().get("id").asText()).isEqualTo(newId);
    assertThat(lowered.json().get("floodingRows").asLong()).isEqualTo(800);
    assertThat(lowered.json().get("maxRowsPerBuyer").asLong()).isEqualTo(250);
    assertThat(s.json("PATCH", "/api/models/" + oldId, seller, Map.of("listed", true))
        .status()).isEqualTo(409);

    for (String id : jobs) {
      dev.veil.server.testing.Await.until("job " + id, Duration.ofSeconds(120), () ->
          !List.of("QUEUED", "RUNNING").contains(s.get("/api/jobs/" + id, op).json()
              .get("state").asText()));
      assertThat(s.get("/api/jobs/" + id, op).json().get("state").asText())
          .isEqualTo("SUCCEEDED");
    }
    assertThat(available(tokens.get(0))).isEqualTo(2000 - 300);
    assertThat(available(tokens.get(1))).isEqualTo(2000 - 300);
  }

  /** The data owner's key set and encrypted training table, listed at 500 per training job. */
  /** The owner's listed data set of the training rows, uploaded and complete. */
  static String listedDataset(TestServer s, String owner) {
    return listedDataset(s, owner, ownerKeys, trainParts);
  }

  /** The same, of the training rows encrypted under these keys (the parts of the table). */
  static String listedDataset(TestServer s, String owner, KeyHolder ownerKeys,
      List<byte[]> trainParts) {
    Parameters params = ownerKeys.params;
    String ownerKeySet = s.keySet(owner, ownerKeys);
    String keyId = s.get("/api/keys/" + ownerKeySet, owner).json().get("keyId").asText();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", "veil-data/1");
    meta.put("model", "logistic");
    meta.put("rows", TRAIN_ROWS);
    meta.put("features", TRAIN_D);
    meta.put("featureNames", List.of("x", "y", "z"));
    meta.put("label", Map.of("name", "label"));
    meta.put("scaler", Map.of("kind", "MIN_MAX", "offsets", new double[TRAIN_D], "scales",
        new double[] {1, 1, 1}));
    meta.put("iterations", 2);
    meta.put("degree", 3);
    meta.put("slots", params.slots());
    meta.put("ciphertexts", trainParts.size());
    meta.put("paramsDigest", params.digestHex());
    meta.put("keyId", keyId);
    String ds = TestServer.expect(s.post("/api/datasets", owner, Map.of("name", "clinic",
        "keySetId", ownerKeySet, "meta", meta, "pricePerTraining", 500, "listed", true)), 201)
        .json().get("id").asText();
    for (int i = 0; i < trainParts.size(); i++) {
      TestServer.expect(s.upload("/api/datasets/" + ds + "/parts/" + i, owner,
          trainParts.get(i), null), 200);
    }
    TestServer.expect(s.post("/api/datasets/" + ds + "/complete", owner, "{}"), 200);
    return ds;
  }

  private static double[] readScores(byte[] blob, JsonNode info) throws Exception {
    int n = info.get("ciphertexts").asInt();
    Ciphertext[] cts = new Ciphertext[n];
    try (InputStream in = new ByteArrayInputStream(blob)) {
      for (int c = 0; c < n; c++) {
        cts[c] = VeilIO.readCiphertext(in, buyerKeys.ctx);
      }
    }
    ResultDescriptor d = new ResultDescriptor(Layout.of(info.get("slots").asInt(),
        info.get("rows").asInt(), info.get("layoutFeatures").asInt()),
        ResultDescriptor.Output.SCORES, true);
    return new ResultReader(buyerKeys.encoder, buyerKeys.decryptor)
        .read(new EncryptedResult(cts, d));
  }
}
