package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.cli.VeilCli;
import dev.veil.client.VeilClient;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on a worker that is not the platform's: a server whose own workers run no training
 * ({@code --no-server-training}) leaves a buyer's paid training job queued until the data
 * owner's {@code veil worker --training} claims it over HTTP, trains on the ciphertexts with the
 * server's own runner and uploads the encrypted weights, which the data owner decrypts to the
 * plaintext training's; the buyer pays once. The data and parameters of {@link
 * MarketplaceHttpTest}.
 */
class RemoteTrainingHttpTest {
  @TempDir Path dir;
  private TestServer server;

  @BeforeAll
  static void keysAndData() {
    MarketplaceHttpTest.keysAndData();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aDataOwnersWorkerRunsAPaidTrainingOnItsDataSet() throws Exception {
    server = new TestServer(TestServer.config(dir.resolve("server")).jobWorkers(1)
        .jobThreads(1).serverTraining(false).build());
    String op = server.login("operator", "operator-password");
    String buyer = server.user("buyer", "BUYER");
    String owner = server.user("owner", "DATA_OWNER");
    TestServer.expect(server.post("/api/deposits", op, Map.of("username", "buyer", "amount",
        1000)), 201);
    String ds = MarketplaceHttpTest.listedDataset(server, owner);
    String job = TestServer.expect(server.post("/api/jobs", buyer, Map.of("kind", "TRAINING",
        "datasetId", ds)), 201).json().get("id").asText();
    Thread.sleep(1500);
    assertThat(server.get("/api/jobs/" + job, buyer).json().get("state").asText())
        .isEqualTo("QUEUED");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = VeilCli.commandLine(new PrintStream(new ByteArrayOutputStream(), true,
            StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new ByteArrayInputStream(new byte[0]), Map.of("VEIL_HOME", dir.resolve("home")
            .toString(), "VEIL_SERVER", server.url(), "VEIL_TOKEN", owner, "VEIL_PROGRESS",
            "lines")).execute("worker", "--training", "--once", "--wait", "5", "--threads", "1",
        "--scratch", Files.createDirectories(dir.resolve("owner-scratch")).toString());
    String log = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(log).isZero();
    assertThat(log).contains("claimed " + job + " (training", "training: iteration 2 of 2");
    JsonNode done = server.get("/api/jobs/" + job, owner).json();
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("SUCCEEDED");
    assertThat(done.get("result").get("format").asText()).isEqualTo("veil-encrypted-model/1");

    Path weightsFile = dir.resolve("weights.ct");
    VeilClient.connect(server.url(), owner).downloadResult(job, weightsFile);
    Ciphertext w;
    try (InputStream in = Files.newInputStream(weightsFile)) {
      w = VeilIO.readCiphertext(in, MarketplaceHttpTest.ownerKeys.ctx);
    }
    int d = MarketplaceHttpTest.TRAIN_D;
    double[] weights = EncryptedLogisticRegression.decryptWeights(w,
        MarketplaceHttpTest.ownerKeys.encoder, MarketplaceHttpTest.ownerKeys.decryptor, d);
    double[] expected = NesterovLogisticRegression.defaults().withIterations(2)
        .withSigmoid(LogisticTraining.sigmoid(3)).trace(MarketplaceHttpTest.trainX,
            MarketplaceHttpTest.trainY).betas().get(2);
    for (int j = 0; j <= d; j++) {
      assertThat(Math.abs(weights[j] - expected[j])).isLessThan(1e-3);
    }
    assertThat(TestServer.expect(server.get("/api/balance", buyer), 200).json()
        .get("available").asLong()).isEqualTo(500);
    assertThat(TestServer.expect(server.get("/api/balance", owner), 200).json()
        .get("available").asLong()).isEqualTo(450);
  }
}
