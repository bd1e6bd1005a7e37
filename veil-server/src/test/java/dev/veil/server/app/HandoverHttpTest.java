package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.io.VeilIO;
import dev.veil.he.multiparty.PublicKeySwitch;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.TrainingNoise;
import dev.veil.ml.train.TrainingPlan;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.KeyHolder;
import dev.veil.server.testing.MemoryBlobStore;
import dev.veil.server.testing.MemoryCatalog;
import dev.veil.server.testing.MutableClock;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid training handed over, over real HTTP: the builder submits with its own key set, the job
 * ends HANDOVER_PENDING with the price held; the data owner downloads the masked model (its own
 * key decrypts it to noise, not to the weights), switches it to the builder's public key with
 * flooding charged to its persisted budget, and uploads the switch; the builder decrypts the
 * delivered model to the weights of the same training on one's own data (the plaintext trace),
 * the owner is paid and cannot download the delivered model. A second hand-over left undone is
 * refunded at the listing's deadline (an injected clock). The data of {@link
 * MarketplaceHttpTest}.
 */
class HandoverHttpTest {
  @TempDir Path dir;
  private TestServer server;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .build();
  /**
   * The owner's parameters at scale 2^50: the flooding a shared model needs (about 2^32 here)
   * leaves a trained model at scale 2^40 under 3 bits, at 2^50 about 12.
   */
  static final Parameters PARAMS = Parameters.builder().logN(10)
      .logQ(60, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50).logP(61).logDefaultScale(50)
      .securityOff().build();
  static KeyHolder ownerKeys;
  static KeyHolder builderKeys;
  static List<byte[]> parts;
  static TrainingPlan plan;

  @BeforeAll
  static void keysAndData() {
    MarketplaceHttpTest.keysAndData();
    plan = LogisticTraining.planner(MarketplaceHttpTest.TRAIN_ROWS, MarketplaceHttpTest.TRAIN_D,
        2, 3).withParameters(PARAMS).plan();
    ownerKeys = new KeyHolder("owner", PARAMS, plan.rotations(), 43, new MemoryBlobStore(),
        new MemoryCatalog());
    builderKeys = new KeyHolder("builder", PARAMS, new int[0], 77, new MemoryBlobStore(),
        new MemoryCatalog());
    parts = new ArrayList<>();
    for (Ciphertext ct : new TablePacker(ownerKeys.encoder, plan.layout()).encrypt(
        EncryptedLogisticRegression.design(MarketplaceHttpTest.trainX, MarketplaceHttpTest.trainY),
        ownerKeys.encryptor)) {
      parts.add(KeyHolder.bytes(o -> VeilIO.write(o, ct)));
    }
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private byte[] download(String path, String token) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + path))
        .header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(path).isEqualTo(200);
    return r.body();
  }

  private static Ciphertext[] read(byte[] blob, KeyHolder k, int n) throws Exception {
    Ciphertext[] cts = new Ciphertext[n];
    try (InputStream in = new ByteArrayInputStream(blob)) {
      for (int c = 0; c < n; c++) {
        cts[c] = VeilIO.readCiphertext(in, k.ctx);
      }
    }
    return cts;
  }

  private String state(String job, String token) {
    return server.get("/api/jobs/" + job, token).json().get("state").asText();
  }

  @Test
  void aPaidTrainingIsHandedOverToTheBuildersKeyAndRefundedWhenLate() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    server = new TestServer(TestServer.config(dir.resolve("server")).jobWorkers(1)
        .jobThreads(1).build(), clock);
    String op = server.login("operator", "operator-password");
    String buyer = server.user("buyer", "BUYER");
    String owner = server.user("owner", "DATA_OWNER");
    TestServer.expect(server.post("/api/deposits", op, Map.of("username", "buyer", "amount",
        1000)), 201);
    String ds = MarketplaceHttpTest.listedDataset(server, owner, ownerKeys, parts);
    String builderKeySet = server.keySet(buyer, builderKeys);
    String job = TestServer.expect(server.post("/api/jobs", buyer, Map.of("kind", "TRAINING",
        "datasetId", ds, "keySetId", builderKeySet)), 201).json().get("id").asText();
    Await.until(job + " HANDOVER_PENDING", Duration.ofSeconds(120), () -> state(job, buyer).equals("HANDOVER_PENDING"));
    assertThat(server.get("/api/balance", buyer).json().get("available").asLong())
        .as("the price is held").isEqualTo(500);
    assertThat(server.get("/api/jobs/" + job + "/result", owner).status()).as("never the masked or unmasked model as a job result").isEqualTo(403);
    assertThat(server.get("/api/handovers/" + job, buyer).status())
        .as("only the data owner sees the hand-over").isEqualTo(404);

    // the data owner's side: list, download, switch with flooding, upload
    JsonNode list = server.get("/api/handovers", owner).json().get("handovers");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("jobId").asText()).isEqualTo(job);
    assertThat(list.get(0).toString()).doesNotContain("mask_seed", "maskSeed");
    Ciphertext masked = read(download("/api/handovers/" + job + "/masked", owner), ownerKeys,
        1)[0];
    int d = MarketplaceHttpTest.TRAIN_D;
    double[] expected = NesterovLogisticRegression.defaults().withIterations(2)
        .withSigmoid(LogisticTraining.sigmoid(3)).trace(MarketplaceHttpTest.trainX,
            MarketplaceHttpTest.trainY).betas().get(2);
    double[] seenByOwner = EncryptedLogisticRegression.decryptWeights(masked, ownerKeys.encoder,
        ownerKeys.decryptor, d);
    assertThat(Math.abs(seenByOwner[0] - expected[0]) + Math.abs(seenByOwner[1] - expected[1]))
        .as("the masked model decrypts to noise under the owner's key").isGreaterThan(1);
    PublicKey target;
    try (InputStream in = new ByteArrayInputStream(download("/api/handovers/" + job
        + "/public-key", owner))) {
      target = VeilIO.readPublicKey(in, ownerKeys.ctx);
    }
    Path keysDir = Files.createDirectories(dir.resolve("owner-keys"));
    Files.write(keysDir.resolve(DecryptionBudget.SECRET_KEY_FILE), new byte[] {1, 2, 3});
    DecryptionBudget.create(keysDir, 30, 4);
    double bound = new NoiseEstimator(PARAMS).log2Bound(
        TrainingNoise.logistic(plan, 1, Double.POSITIVE_INFINITY));
    PublicKeySwitch ks = PublicKeySwitch.forKey(ownerKeys.ctx, ownerKeys.sk,
        DecryptionBudget.open(keysDir), bound);
    double precision = ks.expectedPrecisionBits(masked.scale());
    Ciphertext switched = ks.switchTo(masked, target, 8);
    assertThat(DecryptionBudget.open(keysDir).used()).isEqualTo(1);
    TestServer.expect(postSwitch(job, owner, switched), 200);
    assertThat(state(job, buyer)).isEqualTo("SUCCEEDED");

    // the builder decrypts its model: the same weights as the training on one's own data
    Ciphertext delivered = read(download("/api/jobs/" + job + "/result", buyer), builderKeys,
        1)[0];
    double[] weights = EncryptedLogisticRegression.decryptWeights(delivered,
        builderKeys.encoder, builderKeys.decryptor, d);
    double tolerance = Math.max(1e-3, Math.pow(2, -(precision - 4)));
    for (int j = 0; j <= d; j++) {
      assertThat(Math.abs(weights[j] - expected[j])).as("weight %d (%.1f bits)", j, precision)
          .isLessThan(tolerance);
    }
    assertThat(accuracy(weights)).isEqualTo(accuracy(expected));
    assertThat(server.get("/api/jobs/" + job + "/result", owner).status())
        .as("the owner cannot fetch the delivered model").isEqualTo(403);
    assertThat(server.get("/api/balance", buyer).json().get("available").asLong())
        .isEqualTo(500);
    assertThat(server.get("/api/balance", owner).json().get("available").asLong())
        .isEqualTo(450);
    assertThat(server.get("/api/handovers/" + job, owner).status()).isEqualTo(409);

    // a second one, left undone past the listing's 72 hours: refunded
    String late = TestServer.expect(server.post("/api/jobs", buyer, Map.of("kind", "TRAINING",
        "datasetId", ds, "keySetId", builderKeySet)), 201).json().get("id").asText();
    Await.until(late + " HANDOVER_PENDING", Duration.ofSeconds(120), () -> state(late, buyer).equals("HANDOVER_PENDING"));
    assertThat(server.get("/api/balance", buyer).json().get("available").asLong()).isZero();
    clock.advance(Duration.ofHours(73));
    Await.until(late + " FAILED", Duration.ofSeconds(60), () -> state(late, buyer).equals("FAILED"));
    assertThat(server.get("/api/jobs/" + late, buyer).json().get("error").asText())
        .contains("did not hand the model over");
    assertThat(server.get("/api/balance", buyer).json().get("available").asLong())
        .as("refunded").isEqualTo(500);
    assertThat(postSwitch(late, owner, switched).status()).isEqualTo(409);
  }

  private TestServer.Response postSwitch(String job, String token, Ciphertext switched) {
    return server.send("POST", "/api/handovers/" + job, token, "application/octet-stream",
        HttpRequest.BodyPublishers.ofByteArray(KeyHolder.bytes(o -> VeilIO.write(o, switched))),
        Map.of());
  }

  private static double accuracy(double[] w) {
    int right = 0;
    double[][] x = MarketplaceHttpTest.trainX;
    for (int i = 0; i < x.length; i++) {
      double s = w[0];
      for (int j = 0; j < x[i].length; j++) {
        s += w[j + 1] * x[i][j];
      }
      right += (s > 0 ? 1 : 0) == MarketplaceHttpTest.trainY[i] ? 1 : 0;
    }
    return right / (double) x.length;
  }
}
