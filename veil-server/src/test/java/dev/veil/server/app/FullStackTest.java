package dev.veil.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestServer.Response;
import dev.veil.server.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The whole app over HTTP on each database: the embedded SQLite (a file in the data directory) and
 * PostgreSQL (a fresh schema per run, dropped afterwards; skipped without a server unless {@code
 * veil.test.requirePostgres=true}). The same migrations and SQL run on both.
 */
class FullStackTest {
  enum Db { SQLITE, POSTGRES }

  @TempDir Path dir;
  private ServerConfig config;
  private TestServer server;

  private TestServer start(Db db) {
    if (config == null) {
      ServerConfig.Builder b = TestServer.config(dir);
      config = (db == Db.POSTGRES ? TestDatabases.postgres(b) : b).build();
    }
    server = new TestServer(config);
    return server;
  }

  @AfterEach
  void stop() {
    if (server != null) {
      if (config.dbSchema() != null) {
        server.app().database().dropSchema(config.dbSchema());
      }
      server.close();
    }
  }

  private static List<String> actions(TestServer s, String operator) {
    List<String> out = new ArrayList<>();
    long after = 0;
    while (true) {
      JsonNode page = TestServer.expect(s.get("/api/audit?after=" + after + "&limit=50",
          operator), 200).json();
      page.get("records").forEach(r -> out.add(r.get("action").asText()));
      if (page.get("next").isNull()) {
        return out;
      }
      after = page.get("next").asLong();
    }
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void aDataOwnerListsADataSetThatABuyerFindsAndEverythingIsAudited(Db db) throws Exception {
    TestServer s = start(db);
    String op = s.login("operator", "operator-password");
    String alice = s.user("alice", "DATA_OWNER");
    String carol = s.user("carol", "BUYER");
    assertThat(s.post("/api/login", null, Map.of("username", "alice", "password",
        "wrong-password")).status()).isEqualTo(401);

    String ks = s.keySet(alice);
    JsonNode keySet = s.get("/api/keys/" + ks, alice).json();
    assertThat(keySet.get("keyId").asText()).isEqualTo(TestCrypto.keyId(TestCrypto.PUBLIC_KEY));
    assertThat(keySet.get("evaluationKeys").get("galoisElements").toString())
        .isEqualTo("[5,25,2047]");

    int parts = 6;
    String ds = s.dataset(alice, ks, parts, true);
    // the parts arrive at once, from several connections
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Response>> fs = new ArrayList<>();
      for (int i = 0; i < parts; i++) {
        int index = i;
        fs.add(pool.submit(() -> s.upload("/api/datasets/" + ds + "/parts/" + index, alice,
            TestCrypto.ciphertext(index), null)));
      }
      for (Future<Response> f : fs) {
        assertThat(f.get().status()).isEqualTo(200);
      }
    } finally {
      pool.shutdownNow();
    }
    Response done = TestServer.expect(s.post("/api/datasets/" + ds + "/complete", alice, "{}"),
        200);
    assertThat(done.json().get("state").asText()).isEqualTo("READY");
    assertThat(done.json().get("partsUploaded").asInt()).isEqualTo(parts);

    JsonNode list = s.get("/api/datasets", carol).json().get("datasets");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("owner").asText()).isEqualTo("alice");
    assertThat(list.get(0).get("pricePerTraining").asLong()).isEqualTo(100);
    assertThat(list.get(0).get("meta").get("featureNames").toString())
        .isEqualTo("[\"a\",\"b\",\"c\"]");

    TestServer.expect(s.json("PATCH", "/api/datasets/" + ds, alice, Map.of("listed", false)),
        200);
    assertThat(s.get("/api/datasets", carol).json().get("datasets")).isEmpty();
    assertThat(s.get("/api/datasets/" + ds, carol).status()).isEqualTo(404);

    String tokenId = TestServer.expect(s.post("/api/tokens", carol, Map.of("name", "sdk")), 201)
        .json().get("info").get("id").asText();
    TestServer.expect(s.delete("/api/tokens/" + tokenId, carol), 204);

    JsonNode v = s.get("/api/audit/verify", op).json();
    assertThat(v.get("ok").asBoolean()).as(v.toString()).isTrue();
    assertThat(actions(s, op)).contains("user.bootstrap", "user.register", "user.login",
        "user.login.failed", "keys.create", "keys.upload_public", "keys.upload_evaluation",
        "dataset.create", "dataset.upload", "dataset.listing", "token.create", "token.revoke",
        "audit.verify");
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void everythingSurvivesARestartAndTheAuditChainContinues(Db db) throws Exception {
    TestServer s = start(db);
    String alice = s.user("alice", "DATA_OWNER");
    String ks = s.keySet(alice);
    String ds = s.dataset(alice, ks, 2, true);
    s.uploadAll(alice, ds, 2);
    String half = s.dataset(alice, ks, 2, false);
    byte[] ct = TestCrypto.ciphertext(0);
    TestServer.expect(s.upload("/api/datasets/" + half + "/parts/0", alice, ct, null), 200);
    s.close();

    s = start(db);
    assertThat(s.app().bootstrapPassword()).isEmpty();
    // the old token still works; the data and the half-done upload are there
    assertThat(s.get("/api/me", alice).json().get("username").asText()).isEqualTo("alice");
    assertThat(s.get("/api/datasets/" + ds, alice).json().get("state").asText())
        .isEqualTo("READY");
    JsonNode partsLeft = s.get("/api/datasets/" + half + "/parts", alice).json();
    assertThat(partsLeft.get("missing").toString()).isEqualTo("[1]");
    TestServer.expect(s.upload("/api/datasets/" + half + "/parts/1", alice,
        TestCrypto.ciphertext(1), null), 200);
    TestServer.expect(s.post("/api/datasets/" + half + "/complete", alice, "{}"), 200);
    String op = s.login("operator", "operator-password");
    JsonNode v = s.get("/api/audit/verify", op).json();
    assertThat(v.get("ok").asBoolean()).as(v.toString()).isTrue();
    assertThat(v.get("records").asLong()).isGreaterThan(10);
  }

  @ParameterizedTest
  @EnumSource(Db.class)
  void manyClientsUploadingAtOnceEachGetTheirOwnCompleteDataSet(Db db) throws Exception {
    TestServer s = start(db);
    int clients = 6;
    int parts = 3;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<String[]>> fs = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        int id = c;
        fs.add(pool.submit(() -> {
          String token = s.user("owner" + id, "DATA_OWNER");
          String ks = s.keySet(token);
          String ds = s.dataset(token, ks, parts, true);
          s.uploadAll(token, ds, parts);
          return new String[] {token, ds};
        }));
      }
      String someone = s.user("browser", "BUYER");
      List<String[]> results = new ArrayList<>();
      for (Future<String[]> f : fs) {
        results.add(f.get());
      }
      List<String> all = new ArrayList<>();
      for (String[] r : results) {
        JsonNode mine = s.get("/api/datasets", r[0]).json().get("datasets");
        assertThat(mine).hasSize(clients); // its own and the others' listed ones
        JsonNode own = s.get("/api/datasets/" + r[1], r[0]).json();
        assertThat(own.get("state").asText()).isEqualTo("READY");
        assertThat(own.get("partsUploaded").asInt()).isEqualTo(parts);
        all.add(r[1]);
      }
      assertThat(s.get("/api/datasets", someone).json().get("datasets")).hasSize(clients);
      assertThat(all).doesNotHaveDuplicates();
    } finally {
      pool.shutdownNow();
    }
    String op = s.login("operator", "operator-password");
    assertThat(s.get("/api/audit/verify", op).json().get("ok").asBoolean()).isTrue();
  }
}
