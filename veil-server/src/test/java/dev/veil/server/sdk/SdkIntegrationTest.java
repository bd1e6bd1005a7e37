package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.api.AuditVerification;
import dev.veil.api.CreateDatasetRequest;
import dev.veil.api.CreateTokenRequest;
import dev.veil.api.Dataset;
import dev.veil.api.DepositRequest;
import dev.veil.api.Input;
import dev.veil.api.Job;
import dev.veil.api.JobEvent;
import dev.veil.api.JobKind;
import dev.veil.api.JobState;
import dev.veil.api.KeySet;
import dev.veil.api.LedgerTransaction;
import dev.veil.api.Model;
import dev.veil.api.NewToken;
import dev.veil.api.PartList;
import dev.veil.api.PublishModelRequest;
import dev.veil.api.RegisterRequest;
import dev.veil.api.Role;
import dev.veil.api.SubmitJobRequest;
import dev.veil.api.UpdateDatasetRequest;
import dev.veil.api.UpdateModelRequest;
import dev.veil.api.User;
import dev.veil.client.Download;
import dev.veil.client.Upload;
import dev.veil.client.VeilApiException;
import dev.veil.client.VeilClient;
import dev.veil.client.VeilConnectionException;
import dev.veil.client.VeilFiles;
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
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK against the real server on port 0 (SQLite, test parameters allowed): every route through
 * {@link VeilClient}, the file helpers on directories laid out as {@code veil keygen} and {@code
 * veil encrypt} write them, idempotent charges, jobs followed by server-sent events and by
 * polling, checked downloads, and the errors a caller sees. One server for the class; each test
 * registers its own users.
 */
class SdkIntegrationTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String PASSWORD = "sdk-password-1";
  /** The data owner's parameters: enough levels for two training iterations (N = 2^10). */
  static final Parameters OWNER_PARAMS = Parameters.builder().logN(10)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();
  /** The buyer's: scores of feature-major rows with room for flooding (N = 2^12). */
  static final Parameters BUYER_PARAMS = Parameters.builder().logN(12)
      .logQ(60, 55, 55, 55, 55, 55, 55).logP(61).securityOff().build();
  static final int TRAIN_ROWS = 64;
  static final int TRAIN_D = 3;
  static final double[] WEIGHTS = {0.3, 0.8, -0.6, 0.4};
  static final int ROWS = 40;

  @TempDir static Path shared;
  static TestServer server;
  static VeilClient anonymous;
  static VeilClient operator;
  static KeyHolder owner;
  static KeyHolder buyer;
  static double[][] trainX;
  static double[] trainY;
  static Path ownerKeys;
  static Path trainingData;
  static double[][] rows;
  static byte[] encryptedRows;
  static int users;

  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    server = new TestServer(TestServer.config(shared.resolve("server")).jobWorkers(2)
        .jobThreads(1).build());
    anonymous = VeilClient.builder(server.url()).retryDelay(Duration.ofMillis(10)).build();
    operator = anonymous.withToken(anonymous.login("operator", "operator-password").token());

    MemoryBlobStore scratch = new MemoryBlobStore();
    MemoryCatalog none = new MemoryCatalog();
    TrainingPlan plan = LogisticTraining.planner(TRAIN_ROWS, TRAIN_D, 2, 3)
        .withParameters(OWNER_PARAMS).plan();
    owner = new KeyHolder("owner", OWNER_PARAMS, plan.rotations(), 41, scratch, none);
    buyer = new KeyHolder("buyer", BUYER_PARAMS, new int[0], 31, scratch, none);
    Random r = new Random(5);
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
    // the directories veil keygen and veil encrypt write
    ownerKeys = Files.createDirectories(shared.resolve("keys"));
    write(ownerKeys.resolve(VeilFiles.PARAMS), KeyHolder.bytes(o -> VeilIO.write(o,
        OWNER_PARAMS)));
    write(ownerKeys.resolve(VeilFiles.PUBLIC_KEY), KeyHolder.bytes(o -> VeilIO.write(o,
        owner.pk)));
    write(ownerKeys.resolve(VeilFiles.EVALUATION_KEYS), KeyHolder.bytes(o -> VeilIO.write(o,
        owner.evk)));
    trainingData = Files.createDirectories(shared.resolve("data.veil"));
    Ciphertext[] parts = new TablePacker(owner.encoder, plan.layout())
        .encrypt(EncryptedLogisticRegression.design(trainX, trainY), owner.encryptor);
    for (int i = 0; i < parts.length; i++) {
      Ciphertext ct = parts[i];
      write(trainingData.resolve(VeilFiles.datasetPart(i)), KeyHolder.bytes(o ->
          VeilIO.write(o, ct)));
    }
    ObjectNode meta = JSON.createObjectNode();
    meta.put("format", "veil-data/1").put("model", "logistic").put("rows", TRAIN_ROWS)
        .put("features", TRAIN_D);
    meta.putArray("featureNames").add("x").add("y").add("z");
    meta.putObject("label").put("name", "label");
    ObjectNode scaler = meta.putObject("scaler").put("kind", "MIN_MAX");
    scaler.putArray("offsets").add(0).add(0).add(0);
    scaler.putArray("scales").add(1).add(1).add(1);
    meta.put("iterations", 2).put("degree", 3).put("slots", OWNER_PARAMS.slots())
        .put("ciphertexts", parts.length).put("paramsDigest", OWNER_PARAMS.digestHex())
        .put("keyId", VeilFiles.keyId(ownerKeys.resolve(VeilFiles.PUBLIC_KEY)));
    write(trainingData.resolve(VeilFiles.META), JSON.writeValueAsBytes(meta));

    rows = new double[ROWS][WEIGHTS.length - 1];
    for (double[] row : rows) {
      for (int j = 0; j < row.length; j++) {
        row[j] = 2 * r.nextDouble() - 1;
      }
    }
    List<Ciphertext> cts = new ArrayList<>();
    new FeatureMajorInference.Owner(buyer.encoder, buyer.encryptor, null).encrypt(rows)
        .forEach(b -> cts.addAll(List.of(b.features())));
    encryptedRows = KeyHolder.concat(cts);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  private static void write(Path file, byte[] bytes) throws IOException {
    Files.write(file, bytes);
  }

  /** A new user with these roles, logged in. */
  private static synchronized VeilClient user(String prefix, Role... roles) {
    String name = prefix + (++users);
    anonymous.register(new RegisterRequest(name, PASSWORD, List.of(roles)));
    return anonymous.withToken(anonymous.login(name, PASSWORD).token());
  }

  private static VeilApiException apiError(Runnable call) {
    VeilApiException e = catchThrowableOfType(VeilApiException.class, call::run);
    assertThat(e).as("expected a VeilApiException").isNotNull();
    return e;
  }

  @Test
  void accountsAndTokens() {
    User u = anonymous.register(new RegisterRequest("Dora", PASSWORD,
        List.of(Role.BUYER, Role.DATA_OWNER)));
    assertThat(u.username()).isEqualTo("dora");
    assertThat(u.roles()).containsExactlyInAnyOrder(Role.BUYER, Role.DATA_OWNER);
    assertThat(u.createdAt()).isNotNull();
    VeilClient dora = anonymous.withToken(anonymous.login("dora", PASSWORD).token());
    assertThat(dora.me().id()).isEqualTo(u.id());

    NewToken t = dora.createToken(new CreateTokenRequest("ci", 30));
    assertThat(t.token()).startsWith("veil_");
    assertThat(t.toString()).doesNotContain(t.token());
    assertThat(t.info().expiresAt()).isAfter(t.info().createdAt());
    VeilClient ci = anonymous.withToken(t.token());
    assertThat(ci.me().username()).isEqualTo("dora");
    assertThat(dora.listTokens()).extracting(x -> x.name()).contains("ci", "login");
    dora.revokeToken(t.info().id());
    VeilApiException revoked = apiError(ci::me);
    assertThat(revoked.status()).isEqualTo(401);
    assertThat(revoked.error()).isEqualTo("unauthorized");
    assertThat(revoked.isClientError()).isTrue();
    assertThat(revoked.method()).isEqualTo("GET");
    assertThat(revoked.path()).isEqualTo("/api/me");

    VeilApiException taken = apiError(() -> anonymous.register(new RegisterRequest("dora",
        PASSWORD, List.of(Role.BUYER))));
    assertThat(taken.status()).isEqualTo(409);
    VeilApiException wrong = apiError(() -> anonymous.login("dora", "not-the-password"));
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(apiError(() -> anonymous.me()).getMessage()).contains("needs an API token");

    User made = operator.createUser(new RegisterRequest("ops2", PASSWORD,
        List.of(Role.OPERATOR)));
    assertThat(made.roles()).containsExactly(Role.OPERATOR);
    assertThat(apiError(() -> dora.createUser(new RegisterRequest("x-y-z", PASSWORD,
        List.of(Role.BUYER)))).status()).isEqualTo(403);

    dora.logout();
    assertThat(apiError(dora::me).status()).isEqualTo(401);
    assertThat(anonymous.health()).isTrue();
  }

  @Test
  void keySetAndDataSetHelpersUploadWhatVeilKeygenAndEncryptWrote() throws IOException {
    VeilClient alice = user("alice", Role.DATA_OWNER);
    VeilClient bob = user("bob", Role.BUYER);
    // no secret key needed: a key directory as veil keygen leaves it, without secret.key
    assertThat(ownerKeys.resolve(VeilFiles.SECRET_KEY)).doesNotExist();
    List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
    KeySet ks = alice.uploadKeySet(ownerKeys, "clinic keys",
        (done, total) -> progress.add(new long[] {done, total}));
    assertThat(ks.complete()).isTrue();
    assertThat(ks.keyId()).isEqualTo(VeilFiles.keyId(ownerKeys.resolve(VeilFiles.PUBLIC_KEY)));
    assertThat(ks.logN()).isEqualTo(10);
    long keyBytes = Files.size(ownerKeys.resolve(VeilFiles.PUBLIC_KEY))
        + Files.size(ownerKeys.resolve(VeilFiles.EVALUATION_KEYS));
    assertThat(progress.get(progress.size() - 1)).containsExactly(keyBytes, keyBytes);
    assertThat(alice.findKeySet(ks.keyId())).contains(ks);
    assertThat(bob.findKeySet(ks.keyId())).isEmpty();
    assertThat(alice.getKeySet(ks.id()).evaluationKeys().relinearization()).isTrue();

    progress.clear();
    Dataset ds = alice.uploadDataset(trainingData, "clinic", "visits", ks.id(), 300, true,
        (done, total) -> progress.add(new long[] {done, total}));
    assertThat(ds.ready()).isTrue();
    assertThat(ds.rows()).isEqualTo(TRAIN_ROWS);
    assertThat(ds.partsUploaded()).isEqualTo(ds.partsExpected());
    assertThat(progress.get(progress.size() - 1)[0]).isEqualTo(ds.sizeBytes());
    assertThat(ds.meta().scaler()).isNotNull();

    Dataset seen = bob.getDataset(ds.id());
    assertThat(seen.owner()).isEqualTo(alice.me().username());
    assertThat(seen.owned()).isFalse();
    assertThat(seen.keySetId()).isNull();
    assertThat(seen.meta().scaler()).isNull();
    assertThat(bob.listDatasets()).extracting(Dataset::id).contains(ds.id());
    assertThat(alice.updateDataset(ds.id(), new UpdateDatasetRequest(null, null, 50L, false))
        .pricePerTraining()).isEqualTo(50);
    assertThat(apiError(() -> bob.getDataset(ds.id())).status()).isEqualTo(404);

    // an interrupted upload, finished by resume
    Dataset half = alice.createDataset(new CreateDatasetRequest("half", null, ks.id(),
        JSON.readTree(trainingData.resolve(VeilFiles.META).toFile()), 0L, null));
    alice.uploadPart(half.id(), 0, Upload.of(trainingData.resolve(VeilFiles.datasetPart(0))),
        null);
    PartList parts = alice.listParts(half.id());
    assertThat(parts.parts()).hasSize(1);
    assertThat(parts.missingCount()).isEqualTo(half.partsExpected() - 1);
    Dataset resumed = alice.resumeDatasetUpload(half.id(), trainingData, null);
    assertThat(resumed.ready()).isTrue();
    alice.deleteDataset(half.id());
    assertThat(apiError(() -> alice.getDataset(half.id())).status()).isEqualTo(404);

    // bad directories are named before anything is sent
    assertThatThrownBy(() -> alice.uploadKeySet(dir, "none"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("params.bin");
    assertThatThrownBy(() -> alice.uploadDataset(ownerKeys, "x", null, ks.id(), 0, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("meta.json");
  }

  @Test
  void uploadsAreCheckedByDigestAndTheServersRefusalsArriveTyped() throws IOException {
    VeilClient carol = user("carol", Role.DATA_OWNER);
    KeySet ks = carol.createKeySet("k", TestCrypto.PARAMS_BIN);
    Path pk = Files.write(dir.resolve("public.key"), TestCrypto.PUBLIC_KEY);
    // a digest given in advance that does not match: refused, nothing stored
    VeilApiException mismatch = apiError(() -> {
      try {
        carol.uploadPublicKey(ks.id(), Upload.of(pk).withSha256("0".repeat(64)), null);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(carol.getKeySet(ks.id()).publicKey()).isNull();
    // a secret key is refused from its header
    VeilApiException secret = apiError(() -> {
      try {
        carol.uploadEvaluationKeys(ks.id(), Upload.of(new ByteArrayInputStream(
            TestCrypto.SECRET_KEY), TestCrypto.SECRET_KEY.length), null);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    });
    assertThat(secret.error()).isEqualTo("secret_key_refused");
    // a stream of unknown length: digest computed while it streams and checked against the
    // server's
    KeySet withKey = carol.uploadPublicKey(ks.id(), Upload.of(
        () -> new ByteArrayInputStream(TestCrypto.PUBLIC_KEY), -1), null);
    assertThat(withKey.publicKey().sha256()).isEqualTo(TestCrypto.sha256(TestCrypto.PUBLIC_KEY));
    assertThat(withKey.publicKey().size()).isEqualTo(TestCrypto.PUBLIC_KEY.length);

    assertThat(apiError(() -> carol.getDataset("ds_nope")).getMessage())
        .isEqualTo("data set 'ds_nope' does not exist (HTTP 404 not_found)");
    assertThat(apiError(() -> carol.getJob("weird/../id")).status()).isEqualTo(404);
    assertThat(apiError(() -> carol.verifyAudit()).status()).isEqualTo(403);
    assertThat(apiError(() -> carol.createDataset(new CreateDatasetRequest("d", null, ks.id(),
        JSON.createObjectNode().put("format", "veil-data/1").put("bogus", 1), 0L, false)))
        .serverMessage()).contains("bogus");
  }

  @Test
  void aServerThatIsNotThereIsAConnectionFailureAfterTheRetries() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    VeilClient nowhere = VeilClient.builder("http://127.0.0.1:" + port + "/")
        .token("veil_x").retries(2).retryDelay(Duration.ofMillis(5)).build();
    VeilConnectionException e = catchThrowableOfType(VeilConnectionException.class,
        nowhere::me);
    assertThat(e.getMessage()).contains("cannot reach the Veil server at http://127.0.0.1:"
        + port, "connection refused", "3 attempts", "GET /api/me");
    assertThat(e.server().getPort()).isEqualTo(port);
    // not retried: a registration could be done twice
    assertThat(catchThrowableOfType(VeilConnectionException.class, () -> nowhere.register(
        new RegisterRequest("x-1", PASSWORD, List.of(Role.BUYER)))).getMessage())
        .doesNotContain("attempts");
    assertThatThrownBy(() -> VeilClient.builder("ftp://example.com"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://");
  }

  @Test
  void trainingIsPaidOnceFollowedByEventsAndDownloadedChecked() throws Exception {
    VeilClient dan = user("dan", Role.DATA_OWNER);
    VeilClient erin = user("erin", Role.BUYER);
    KeySet ks = dan.uploadKeySet(ownerKeys, "k");
    Dataset ds = dan.uploadDataset(trainingData, "listed", null, ks.id(), 400, true);

    // no money, no job
    VeilApiException broke = apiError(() -> erin.submitJob(SubmitJobRequest.training(ds.id())));
    assertThat(broke.status()).isEqualTo(402);
    String erinName = erin.me().username();
    LedgerTransaction paid = operator.deposit(DepositRequest.toUser(erinName, 1000, "card"),
        "pay-" + erinName);
    assertThat(operator.deposit(DepositRequest.toUser(erinName, 1000, "card"), "pay-"
        + erinName).id()).isEqualTo(paid.id());
    assertThat(erin.balance().available()).isEqualTo(1000);
    assertThat(apiError(() -> erin.deposit(DepositRequest.toUser(erinName, 5, null)))
        .status()).isEqualTo(403);

    // the same idempotency key twice: one job, one charge
    Job job = erin.submitJob(SubmitJobRequest.training(ds.id()), "train-1");
    assertThat(erin.submitJob(SubmitJobRequest.training(ds.id()), "train-1").id())
        .isEqualTo(job.id());
    assertThat(job.kind()).isEqualTo(JobKind.TRAINING);
    assertThat(job.price()).isEqualTo(400);
    // events only: a client that would poll once an hour sees the job through to its end
    VeilClient eventsOnly = VeilClient.builder(server.url()).pollInterval(Duration.ofHours(1))
        .eventsCheckInterval(Duration.ofHours(1)).build()
        .withToken(anonymous.login(erinName, PASSWORD).token());
    List<JobEvent> events = Collections.synchronizedList(new ArrayList<>());
    Job done = eventsOnly.waitForJob(job.id(), events::add, Duration.ofMinutes(2));
    assertThat(done.state()).as(done.toString()).isEqualTo(JobState.SUCCEEDED);
    assertThat(events).extracting(JobEvent::stage).contains("training: iteration 2 of 2");
    assertThat(events.get(events.size() - 1).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(events).extracting(JobEvent::progress).isSorted();
    assertThat(erin.balance().available()).isEqualTo(600);
    assertThat(erin.listJobs(JobState.SUCCEEDED, false, 10)).extracting(Job::id)
        .contains(job.id());
    assertThat(done.result().path("format").asText()).isEqualTo("veil-encrypted-model/1");

    Path target = dir.resolve("weights.ct");
    Files.writeString(target, "old");
    Download d = erin.downloadResult(job.id(), target);
    assertThat(d.sha256()).isEqualTo(done.resultSha256());
    assertThat(d.size()).isEqualTo(done.resultSize()).isEqualTo(Files.size(target));
    try (Stream<Path> left = Files.list(dir)) {
      assertThat(left).containsExactly(target); // no temporary file left
    }
    Ciphertext w;
    try (InputStream in = Files.newInputStream(target)) {
      w = VeilIO.readCiphertext(in, owner.ctx);
    }
    double[] weights = EncryptedLogisticRegression.decryptWeights(w, owner.encoder,
        owner.decryptor, TRAIN_D);
    double[] expected = NesterovLogisticRegression.defaults().withIterations(2)
        .withSigmoid(LogisticTraining.sigmoid(3)).trace(trainX, trainY).betas().get(2);
    for (int j = 0; j <= TRAIN_D; j++) {
      assertThat(weights[j]).isCloseTo(expected[j], org.assertj.core.data.Offset.offset(1e-3));
    }
    // the data owner may download it too (only they can decrypt it), others may not
    assertThat(dan.downloadResult(job.id(), dir.resolve("owner.ct")).sha256())
        .isEqualTo(d.sha256());
    VeilClient stranger = user("frank", Role.BUYER);
    assertThat(catchThrowableOfType(VeilApiException.class, () -> stranger.downloadResult(
        job.id(), dir.resolve("x.ct"))).status()).isEqualTo(404);
    assertThat(dir.resolve("x.ct")).doesNotExist();
    // a finished job cannot be cancelled
    assertThat(apiError(() -> erin.cancelJob(job.id())).status()).isEqualTo(409);
    // waiting for a job that has ended returns it at once
    assertThat(erin.waitForJob(job.id(), e -> { }).resultSha256()).isEqualTo(d.sha256());
  }

  @Test
  void predictionsBoughtThroughTheSdkDecryptToThePlainModel() throws Exception {
    VeilClient seller = user("seller", Role.MODEL_SELLER);
    VeilClient gina = user("gina", Role.BUYER);
    operator.deposit(DepositRequest.toUser(gina.me().username(), 10_000, null));

    ObjectNode model = JSON.createObjectNode();
    model.put("format", "veil-model/1").put("model", "logistic");
    model.putArray("featureNames").add("a").add("b").add("c");
    ObjectNode scaler = model.putObject("scaler").put("kind", "MIN_MAX");
    scaler.putArray("offsets").add(0).add(0).add(0);
    scaler.putArray("scales").add(1).add(1).add(1);
    JsonNode w = JSON.valueToTree(WEIGHTS);
    model.set("weights", w);
    model.putObject("decryption").put("mode", "flooded").put("securityBits", 30)
        .put("sharedDecryptions", 16).put("log2Sigma", 40.0).put("precisionBits", 12.0);
    Model m = seller.publishModel(new PublishModelRequest("churn", "test", 3L, 5L, 1000L, null,
        model, null, true));
    assertThat(m.hosted()).isTrue();
    assertThat(m.task()).isEqualTo("logistic");
    assertThat(m.inputSchema().featureNames()).containsExactly("a", "b", "c");
    assertThat(gina.listModels(false, 100)).extracting(Model::id).contains(m.id());
    assertThat(seller.listModels(true, 100)).extracting(Model::id).containsExactly(m.id());
    assertThat(seller.updateModel(m.id(), new UpdateModelRequest(null, "churn risk", null, null,
        null, null)).description()).isEqualTo("churn risk");

    Path keys = Files.createDirectories(dir.resolve("buyer-keys"));
    Files.write(keys.resolve(VeilFiles.PARAMS), KeyHolder.bytes(o -> VeilIO.write(o,
        BUYER_PARAMS)));
    Files.write(keys.resolve(VeilFiles.PUBLIC_KEY), KeyHolder.bytes(o -> VeilIO.write(o,
        buyer.pk)));
    Files.write(keys.resolve(VeilFiles.EVALUATION_KEYS), KeyHolder.bytes(o -> VeilIO.write(o,
        buyer.evk)));
    KeySet ks = gina.uploadKeySet(keys, "mine");
    Input in = gina.uploadInput(Upload.of(new ByteArrayInputStream(encryptedRows),
        encryptedRows.length), null);
    assertThat(in.sha256()).isEqualTo(TestCrypto.sha256(encryptedRows));

    Job job = gina.submitJob(SubmitJobRequest.inference(m.id(), ks.id(), in.id(), ROWS, null,
        null));
    assertThat(job.price()).isEqualTo(3L * ROWS);
    Job done = gina.waitForJob(job.id(), e -> { }, Duration.ofMinutes(2));
    assertThat(done.state()).as(done.toString()).isEqualTo(JobState.SUCCEEDED);
    assertThat(gina.getModel(m.id()).usage().rows()).isEqualTo(ROWS);

    Path result = dir.resolve("preds.veil");
    gina.downloadResult(job.id(), result);
    JsonNode info = done.result();
    Ciphertext[] cts = new Ciphertext[info.get("ciphertexts").asInt()];
    try (InputStream s = Files.newInputStream(result)) {
      for (int c = 0; c < cts.length; c++) {
        cts[c] = VeilIO.readCiphertext(s, buyer.ctx);
      }
    }
    double[] got = new ResultReader(buyer.encoder, buyer.decryptor).read(new EncryptedResult(
        cts, new ResultDescriptor(Layout.of(info.get("slots").asInt(), ROWS, 1),
            ResultDescriptor.Output.SCORES, true)));
    LogisticModel plain = new LogisticModel(WEIGHTS);
    for (int r = 0; r < ROWS; r++) {
      assertThat(Math.abs(got[r] - plain.score(rows[r]))).as("row " + r).isLessThan(0.05);
    }
    assertThat(seller.balance().available()).isPositive();

    // the operator's checks
    AuditVerification audit = operator.verifyAudit();
    assertThat(audit.ok()).as(String.valueOf(audit)).isTrue();
    assertThat(operator.verifyLedger().ok()).isTrue();
    assertThat(operator.audit(0, 5).records()).hasSize(5);
    assertThat(operator.listJobs(null, true, 500)).extracting(Job::id).contains(job.id());
  }

  @Test
  void theReadmeExampleRunsAgainstTheServer() throws Exception {
    Path model = dir.resolve("model.veil");
    SdkReadmeExample.run(server.url(), PASSWORD, ownerKeys, trainingData, model);
    assertThat(JSON.readTree(model.resolve(VeilFiles.META).toFile()).get("format").asText())
        .isEqualTo("veil-encrypted-model/1");
    try (InputStream in = Files.newInputStream(model.resolve(VeilFiles.WEIGHTS))) {
      assertThat(VeilIO.readCiphertext(in, owner.ctx).level()).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void waitingByPollingAloneFollowsAJobToItsEnd() throws Exception {
    VeilClient hal = user("hal", Role.DATA_OWNER);
    KeySet ks = hal.uploadKeySet(ownerKeys, "k");
    Dataset ds = hal.uploadDataset(trainingData, "own", null, ks.id(), 0, false);
    VeilClient polling = VeilClient.builder(anonymous.baseUrl().toString())
        .serverSentEvents(false).pollInterval(Duration.ofMillis(50)).build();
    String token = anonymous.login(hal.me().username(), PASSWORD).token();
    VeilClient halPolling = polling.withToken(token);
    Job job = halPolling.submitJob(SubmitJobRequest.training(ds.id()));
    assertThat(job.price()).isZero(); // the owner's own data: free
    List<JobEvent> seen = Collections.synchronizedList(new ArrayList<>());
    Job done = halPolling.waitForJob(job.id(), seen::add, Duration.ofMinutes(2));
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(seen.get(seen.size() - 1).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(seen).doesNotHaveDuplicates();
  }
}
