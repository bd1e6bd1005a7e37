package dev.veil.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.TestCrypto;
import dev.veil.server.testing.TestServer.Response;
import dev.veil.server.testing.TestServer;
import io.javalin.http.HandlerType;
import io.javalin.router.ParsedEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route registered in Javalin, taken from its router (so that a route added later is checked
 * too): without a token, with a malformed, unknown or revoked one, it answers 401; with another
 * user's objects, 404 (or 403) and the objects stay as they were; operator routes answer 403 to
 * others. A path parameter this test does not know fails it: give the new route's objects below.
 */
class AuthorizationHttpTest {
  /** The routes that need no token. */
  static final Set<String> ANONYMOUS = Set.of("POST /api/register", "POST /api/login",
      "GET /api/health", "GET /api/openapi.yaml", "GET /api/docs", "GET /api/docs/{asset}",
      "GET /api/audit/public-key");
  /** The routes only operators may call. */
  static final Set<String> OPERATOR_ONLY = Set.of("GET /api/audit", "GET /api/audit/verify",
      "GET /api/audit/checkpoints", "POST /api/audit/checkpoints",
      "POST /api/users", "POST /api/deposits", "GET /api/ledger/verify",
      "POST /api/users/{user}/disable", "POST /api/users/{user}/enable");
  private static final Pattern PARAM = Pattern.compile("\\{([a-zA-Z0-9]+)\\}");

  @TempDir static Path dir;
  static TestServer server;
  static String alice;
  static String bob;
  static String revoked;
  static String aliceKeySet;
  static String aliceUploading;
  static String aliceListed;
  static String aliceTokenId;
  static String aliceModel;
  static String aliceJob;
  static String aliceInput;
  static String aliceWorker;
  static String aliceWorkerToken;
  static String bobWorkerToken;
  /** The routes a worker token calls (a user's token is refused there, and the other way). */
  static final String WORKER_PREFIX = "/api/worker/";

  @BeforeAll
  static void start() {
    server = new TestServer(TestServer.config(dir).build());
    alice = server.user("alice", "DATA_OWNER", "BUYER", "MODEL_SELLER");
    bob = server.user("bob", "DATA_OWNER", "BUYER", "MODEL_SELLER");
    aliceKeySet = server.keySet(alice);
    aliceUploading = server.dataset(alice, aliceKeySet, 2, true);
    aliceListed = server.dataset(alice, aliceKeySet, 1, true);
    server.uploadAll(alice, aliceListed, 1);
    aliceTokenId = TestServer.expect(server.post("/api/tokens", alice,
        Map.of("name", "ci")), 201).json().get("info").get("id").asText();
    aliceModel = TestServer.expect(server.post("/api/models", alice, Map.of("name", "m",
        "pricePerPrediction", 1, "maxQueriesPerBuyer", 5, "maxRowsPerBuyer", 100,
        "listed", false, "model", Map.of("format", "veil-model/1", "model", "logistic",
            "featureNames", List.of("a"), "scaler", Map.of("kind", "MIN_MAX", "offsets",
                List.of(0), "scales", List.of(1))))), 201)
        .json().get("id").asText();
    aliceJob = aliceJob(server.get("/api/me", alice).json().get("id").asText());
    aliceInput = TestServer.expect(server.send("POST", "/api/inputs", alice,
        "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(
            TestCrypto.ciphertext(1)), Map.of()), 201).json().get("id").asText();
    TestServer.Response w = TestServer.expect(server.post("/api/workers", alice, Map.of("name",
        "alice's", "models", List.of(aliceModel), "training", true)), 201);
    aliceWorker = w.json().get("worker").get("id").asText();
    aliceWorkerToken = w.json().get("token").asText();
    bobWorkerToken = TestServer.expect(server.post("/api/workers", bob, Map.of("name", "bob's",
        "training", true)), 201).json().get("token").asText();
    revoked = server.login("bob", TestServer.PASSWORD);
    TestServer.expect(server.post("/api/logout", revoked, "{}"), 204);
  }

  /** A queued job of alice's, written directly (no runnable job fits the test parameters). */
  static String aliceJob(String aliceId) {
    String id = dev.veil.server.core.Ids.next("job");
    server.app().database().jdbi().useHandle(h -> h.createUpdate("INSERT INTO jobs (id,"
            + " owner_id, kind, state, stage, progress, parameters, request_hash, price,"
            + " attempts, max_attempts, cancel_requested, created_at, updated_at) VALUES (:id,"
            + " :owner, 'TRAINING', 'SUCCEEDED', 'done', 100, '{}', 'h', 0, 1, 3, FALSE,"
            + " " + TestDatabases.NOW + ", " + TestDatabases.NOW + ")")
        .bind("id", id).bind("owner", aliceId).execute());
    return id;
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Route(HandlerType method, String path) {
    String key() {
      return method + " " + path;
    }
  }

  static List<Route> routes() {
    List<Route> out = new ArrayList<>();
    for (ParsedEndpoint e : server.app().javalin().unsafe.internalRouter.allHttpHandlers()) {
      HandlerType m = e.endpoint.method;
      if (m == HandlerType.GET || m == HandlerType.POST || m == HandlerType.PUT
          || m == HandlerType.PATCH || m == HandlerType.DELETE) {
        out.add(new Route(m, e.endpoint.path));
      }
    }
    return out;
  }

  /** The path with alice's objects in its parameters. */
  static String aliceObjects(Route r, String datasetId) {
    Matcher m = PARAM.matcher(r.path());
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1);
      String value;
      if (name.equals("id") && r.path().startsWith("/api/keys/")) {
        value = aliceKeySet;
      } else if (name.equals("id") && r.path().startsWith("/api/datasets/")) {
        value = datasetId;
      } else if (name.equals("id") && r.path().startsWith("/api/tokens/")) {
        value = aliceTokenId;
      } else if (name.equals("id") && r.path().startsWith("/api/models/")) {
        value = aliceModel;
      } else if (name.equals("id") && (r.path().startsWith("/api/jobs/")
          || r.path().startsWith("/api/worker/jobs/")
          || r.path().startsWith("/api/handovers/"))) {
        value = aliceJob;
      } else if (name.equals("id") && r.path().startsWith("/api/inputs/")) {
        value = aliceInput;
      } else if (name.equals("id") && r.path().startsWith("/api/workers/")) {
        value = aliceWorker;
      } else if (name.equals("user")) {
        value = "alice";
      } else if (name.equals("sha256")) {
        value = TestCrypto.sha256(TestCrypto.ciphertext(1));
      } else if (name.equals("index")) {
        value = "0";
      } else if (name.equals("asset")) {
        value = "swagger-ui.css";
      } else {
        throw new AssertionError("AuthorizationHttpTest does not know the parameter {" + name
            + "} of " + r.key() + ": give it an object of alice's");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  static Response call(Route r, String path, String token) {
    return switch (r.method().name()) {
      case "GET" -> server.get(path, token);
      case "DELETE" -> server.delete(path, token);
      case "PUT" -> server.send("PUT", path, token, "application/octet-stream",
          HttpRequest.BodyPublishers.ofByteArray(TestCrypto.ciphertext(1)), Map.of());
      case "POST" -> path.equals("/api/inputs") ? server.send("POST", path, token,
          "application/octet-stream", HttpRequest.BodyPublishers.ofByteArray(
              TestCrypto.ciphertext(1)), Map.of())
          : server.json("POST", path, token, "{}");
      default -> server.json(r.method().name(), path, token, "{}");
    };
  }

  @Test
  void theRouterHasTheRoutesThisTestExpects() {
    List<String> keys = routes().stream().map(Route::key).toList();
    assertThat(keys).containsAll(ANONYMOUS).containsAll(OPERATOR_ONLY)
        .contains("PUT /api/datasets/{id}/parts/{index}", "DELETE /api/tokens/{id}",
            "POST /api/me/password",
            "POST /api/jobs", "GET /api/jobs/{id}/events", "GET /api/jobs/{id}/result",
            "POST /api/jobs/{id}/cancel", "PATCH /api/models/{id}", "POST /api/inputs",
            "GET /api/balance", "POST /api/workers", "DELETE /api/workers/{id}",
            "POST /api/worker/claim", "POST /api/worker/jobs/{id}/progress",
            "GET /api/worker/jobs/{id}/blobs/{sha256}", "PUT /api/worker/jobs/{id}/result",
            "POST /api/worker/jobs/{id}/complete", "POST /api/worker/jobs/{id}/fail",
            "POST /api/worker/jobs/{id}/cancel", "POST /api/worker/jobs/{id}/release");
  }

  @Test
  void everyRouteButTheAnonymousOnesRefusesRequestsWithoutAValidToken() {
    Map<String, String> badTokens = new LinkedHashMap<>();
    badTokens.put("no token", null);
    badTokens.put("a malformed token", "not-a-token");
    badTokens.put("an unknown token", "veil_" + "x".repeat(43));
    badTokens.put("a revoked token", revoked);
    int checked = 0;
    for (Route r : routes()) {
      if (ANONYMOUS.contains(r.key())) {
        continue;
      }
      String path = aliceObjects(r, aliceUploading);
      Map<String, String> bads = new LinkedHashMap<>(badTokens);
      // a login token is not a worker token, nor the other way round
      bads.put("the other kind of token", r.path().startsWith(WORKER_PREFIX) ? alice
          : aliceWorkerToken);
      for (Map.Entry<String, String> bad : bads.entrySet()) {
        Response resp = call(r, path, bad.getValue());
        assertThat(resp.status()).as(r.key() + " with " + bad.getKey() + ": " + resp)
            .isEqualTo(401);
        assertThat(resp.error()).isEqualTo("unauthorized");
        assertThat(resp.header("WWW-Authenticate")).as(r.key()).startsWith("Bearer");
      }
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(20);
  }

  @Test
  void aBasicAuthorizationHeaderIsNotAToken() {
    Response r = server.send("GET", "/api/me", null, null, null,
        Map.of("Authorization", "Basic YWxpY2U6cGFzc3dvcmQ="));
    assertThat(r.status()).isEqualTo(401);
  }

  @Test
  void anotherUsersObjectsAnswer404AndStayAsTheyWere() {
    int checked = 0;
    for (Route r : routes()) {
      if (ANONYMOUS.contains(r.key()) || !r.path().contains("{")) {
        continue;
      }
      for (String ds : List.of(aliceUploading, aliceListed)) {
        String path = aliceObjects(r, ds);
        // bob's worker (training on bob's data) on alice's job; bob himself elsewhere
        Response resp = call(r, path, r.path().startsWith(WORKER_PREFIX) ? bobWorkerToken : bob);
        boolean publicRead = r.method() == HandlerType.GET && path.equals("/api/datasets/"
            + aliceListed);
        if (publicRead) {
          // a listed READY data set is visible, without its key set or scaler
          assertThat(resp.status()).isEqualTo(200);
          assertThat(resp.json().get("owned").asBoolean()).isFalse();
          assertThat(resp.json().get("keySetId").isNull()).isTrue();
          assertThat(resp.json().get("meta").has("scaler")).isFalse();
        } else {
          assertThat(resp.status()).as(r.key() + " as bob on " + path + ": " + resp)
              .isIn(403, 404);
        }
        checked++;
      }
    }
    assertThat(checked).isGreaterThanOrEqualTo(12);
    // nothing of alice's changed
    Response ks = server.get("/api/keys/" + aliceKeySet, alice);
    assertThat(ks.json().get("complete").asBoolean()).isTrue();
    Response up = server.get("/api/datasets/" + aliceUploading, alice);
    assertThat(up.json().get("state").asText()).isEqualTo("UPLOADING");
    assertThat(up.json().get("partsUploaded").asInt()).isZero();
    assertThat(up.json().get("name").asText()).isEqualTo("data");
    assertThat(server.get("/api/datasets/" + aliceListed, alice).status()).isEqualTo(200);
    assertThat(server.get("/api/tokens", alice).json().get("tokens").toString())
        .contains(aliceTokenId);
    Response model = server.get("/api/models/" + aliceModel, alice);
    assertThat(model.json().get("name").asText()).isEqualTo("m");
    assertThat(model.json().get("listed").asBoolean()).isFalse();
    assertThat(model.json().get("pricePerPrediction").asLong()).isEqualTo(1);
    Response job = server.get("/api/jobs/" + aliceJob, alice);
    assertThat(job.json().get("state").asText()).isEqualTo("SUCCEEDED");
    assertThat(job.json().get("cancelRequested").asBoolean()).isFalse();
    assertThat(job.json().get("attempts").asInt()).isEqualTo(1);
    assertThat(server.get("/api/workers", alice).json().get("workers").get(0)
        .get("revokedAt").isNull()).isTrue();
    assertThat(server.get("/api/worker/self", aliceWorkerToken).status()).isEqualTo(200);
    assertThat(server.get("/api/inputs", alice).json().get("inputs").toString())
        .contains(aliceInput);
    assertThat(server.get("/api/keys", alice).json().get("keySets").toString())
        .contains(aliceKeySet);
  }

  @Test
  void operatorRoutesAnswer403ToOthersAnd200ToTheOperator() {
    String op = server.login("operator", "operator-password");
    for (Route r : routes()) {
      if (!OPERATOR_ONLY.contains(r.key())) {
        continue;
      }
      Response resp = call(r, aliceObjects(r, aliceUploading), alice);
      assertThat(resp.status()).as(r.key()).isEqualTo(403);
      assertThat(resp.error()).isEqualTo("forbidden");
    }
    assertThat(server.get("/api/audit", op).status()).isEqualTo(200);
    assertThat(server.get("/api/audit/verify", op).json().get("ok").asBoolean()).isTrue();
    assertThat(server.post("/api/audit/checkpoints", op, "{}").status()).isEqualTo(200);
    assertThat(server.get("/api/audit/checkpoints", op).json().get("checkpoints").size())
        .isPositive();
    assertThat(server.get("/api/audit/public-key", null).json().get("algorithm").asText())
        .isEqualTo("Ed25519");
    Response made = server.post("/api/users", op, Map.of("username", "second-operator",
        "password", TestServer.PASSWORD, "roles", List.of("OPERATOR")));
    assertThat(made.status()).isEqualTo(201);
  }

  @Test
  void selfRegistrationCannotMakeAnOperator() {
    Response r = server.post("/api/register", null, Map.of("username", "mallory",
        "password", TestServer.PASSWORD, "roles", List.of("OPERATOR")));
    assertThat(r.status()).isEqualTo(403);
    assertThat(server.post("/api/login", null, Map.of("username", "mallory",
        "password", TestServer.PASSWORD)).status()).isEqualTo(401);
  }

  @Test
  void aBuyerCannotCreateDataSets() {
    String buyer = server.user("just-a-buyer", "BUYER");
    Response r = server.post("/api/datasets", buyer, Map.of("name", "x", "keySetId",
        aliceKeySet, "meta", TestCrypto.meta(1), "pricePerTraining", 1));
    assertThat(r.status()).isEqualTo(403);
  }
}
