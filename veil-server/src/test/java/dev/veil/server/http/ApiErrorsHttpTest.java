package dev.veil.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the app answers bad requests, over real HTTP. */
class ApiErrorsHttpTest {
  @TempDir static Path dir;
  static TestServer server;
  static String token;

  @BeforeAll
  static void start() {
    server = new TestServer(TestServer.config(dir).maxJsonBytes(4096).build());
    token = server.user("errors", "DATA_OWNER");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anUnknownRouteIsAJson404() {
    for (String path : new String[] {"/api/nothing-here", "/nothing", "/api/keys/x/y/z"}) {
      Response r = server.get(path, token);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.error()).isEqualTo("not_found");
      assertThat(r.json().get("message").asText()).contains(path);
    }
  }

  @Test
  void aServices404KeepsItsOwnMessage() {
    Response r = server.get("/api/keys/ks_aaaaaaaaaaaaaaaaaaaa", token);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.json().get("message").asText())
        .isEqualTo("key set 'ks_aaaaaaaaaaaaaaaaaaaa' does not exist");
  }

  @Test
  void malformedJsonIs400NamingWhereItBroke() {
    Response r = server.post("/api/keys", token, "{\"name\": \"x\", ");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.error()).isEqualTo("bad_request");
    assertThat(r.json().get("message").asText()).startsWith("malformed JSON at line 1, column");

    r = server.post("/api/keys", token, "{\"name\": \"x\" \"params\": 1}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).startsWith("malformed JSON");
  }

  @Test
  void anUnknownOrMistypedFieldIs400NamingIt() {
    Response r = server.post("/api/keys", token, "{\"name\": \"x\", \"parms\": \"AAAA\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("unknown field 'parms'", "params");

    r = server.post("/api/register", null, "{\"username\": \"abc\", \"password\": \"x\","
        + " \"roles\": [\"ADMIN\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("roles[0]", "ADMIN", "BUYER");

    r = server.post("/api/datasets", token, "{\"name\": \"x\", \"pricePerTraining\": \"lots\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("pricePerTraining");

    r = server.post("/api/keys", token, "[1, 2]");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("must be an object");

    r = server.post("/api/keys", token, "{\"name\": \"x\"} {}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("invalid JSON body", "Trailing");

    r = server.post("/api/keys", token, "");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("JSON body is required");

    r = server.post("/api/keys", token, "null");
    assertThat(r.status()).isEqualTo(400);

    r = server.post("/api/keys", token, "{\"name\": \"a\", \"name\": \"b\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("name");
  }

  @Test
  void theWrongContentTypeIs415() {
    Response r = server.send("POST", "/api/keys", token, "text/plain",
        java.net.http.HttpRequest.BodyPublishers.ofString("{}"), Map.of());
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.error()).isEqualTo("unsupported_media_type");
    assertThat(r.json().get("message").asText()).contains("application/json", "text/plain");

    r = server.send("POST", "/api/login", null, null,
        java.net.http.HttpRequest.BodyPublishers.ofString("{}"), Map.of());
    assertThat(r.status()).isEqualTo(415);

    String ks = server.post("/api/keys", token, Map.of("name", "k", "params",
        dev.veil.server.testing.TestCrypto.base64(
            dev.veil.server.testing.TestCrypto.PARAMS_BIN))).json().get("id").asText();
    r = server.send("PUT", "/api/keys/" + ks + "/public", token, "application/json",
        java.net.http.HttpRequest.BodyPublishers.ofString("{}"), Map.of());
    assertThat(r.status()).isEqualTo(415);
    assertThat(r.json().get("message").asText()).contains("application/octet-stream");
  }

  @Test
  void anOversizedJsonBodyIs413() {
    String big = "{\"name\": \"" + "x".repeat(5000) + "\", \"params\": \"AAAA\"}";
    Response r = server.post("/api/keys", token, big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.error()).isEqualTo("too_large");
  }

  @Test
  void aChunkedOversizedJsonBodyIs413Too() {
    byte[] big = ("{\"name\": \"" + "x".repeat(5000) + "\"}").getBytes();
    Response r = server.send("POST", "/api/keys", token, "application/json",
        java.net.http.HttpRequest.BodyPublishers.ofInputStream(
            () -> new java.io.ByteArrayInputStream(big)), Map.of());
    assertThat(r.status()).isEqualTo(413);
  }

  @Test
  void responsesAreNotCachedAndNotSniffed() {
    Response r = server.get("/api/me", token);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Cache-Control")).isEqualTo("no-store");
    assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.header("Content-Type")).startsWith("application/json");
  }

  @Test
  void aBadDigestHeaderIs400() {
    String ks = server.post("/api/keys", token, Map.of("name", "k", "params",
        dev.veil.server.testing.TestCrypto.base64(
            dev.veil.server.testing.TestCrypto.PARAMS_BIN))).json().get("id").asText();
    Response r = server.upload("/api/keys/" + ks + "/public", token,
        dev.veil.server.testing.TestCrypto.PUBLIC_KEY, "abc");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("X-Content-SHA256");
  }

  @Test
  void badQueryParametersAre400() {
    String op = server.login("operator", "operator-password");
    Response r = server.get("/api/audit?limit=abc", op);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("limit");
    r = server.get("/api/audit?limit=100000", op);
    assertThat(r.status()).isEqualTo(400);
  }
}
