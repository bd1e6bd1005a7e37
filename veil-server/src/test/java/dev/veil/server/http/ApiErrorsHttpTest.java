package dev.veil.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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
  @Test
  void scalarsOfTheWrongTypeAreRefusedNotCoerced() {
    Response r = server.post("/api/register", null, "{\"username\": 12345, \"password\":"
        + " \"long-enough-password\", \"roles\": [\"BUYER\"]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'username'", "must be a string",
        "got a number");

    String op = server.login("operator", "operator-password");
    r = server.post("/api/deposits", op, "{\"username\": \"errors\", \"amount\": \"100\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'amount'", "must be an integer",
        "got a string");

    r = server.post("/api/datasets", token, "{\"name\": \"x\", \"pricePerTraining\": \"5\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'pricePerTraining'", "integer");

    r = server.post("/api/tokens", token, "{\"name\": \"t\", \"expiresInDays\": \"5\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'expiresInDays'", "integer");

    r = server.post("/api/keys", token, "{\"name\": true}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).contains("'name'", "must be a string",
        "got a boolean");
  }

  @Test
  void errorBodiesNameNoInternalClassOrLibraryFeature() {
    String[] bodies = {"[1, 2]", "{\"name\": [1]}", "{\"name\": {}}", "\"text\"", "42",
        "{\"name\": \"x\", \"params\": 1.5}"};
    for (String body : bodies) {
      for (String path : new String[] {"/api/keys", "/api/register", "/api/datasets"}) {
        Response r = server.post(path, path.equals("/api/register") ? null : token, body);
        assertThat(r.status()).as(path + " " + body).isEqualTo(400);
        String m = r.json().get("message").asText();
        assertThat(m).as(path + " " + body).doesNotContain("dev.veil", "$", "java.",
            "DeserializationFeature", "MapperFeature", "jackson", "`");
      }
    }
  }

  @Test
  void whatJettyRefusesItselfIsAJsonErrorToo() throws Exception {
    String[] requests = {
        "GET /api/../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/keys/%2e%2e/%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/keys/ks_%00 HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/keys/" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /api/keys HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: -5\r\n\r\n",
        "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n"};
    URI base = URI.create(server.url());
    for (String req : requests) {
      String shown = req.length() > 80 ? req.substring(0, 80) + "..." : req;
      String answer = raw(base, req);
      assertThat(answer).as(shown).startsWith("HTTP/1.1 4");
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      assertThat(answer.toLowerCase(java.util.Locale.ROOT)).as(shown)
          .contains("content-type: application/json");
      assertThat(body).as(shown).contains("\"error\"", "\"message\"").doesNotContain("<html");
    }
  }

  /** Sends one raw HTTP/1.1 request and reads the answer's head and (small) body. */
  private static String raw(URI base, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket(base.getHost(), base.getPort())) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      java.io.InputStream in = s.getInputStream();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      try {
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          String sofar = out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
          int head = sofar.indexOf("\r\n\r\n");
          if (head >= 0) {
            java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?i)content-length: *(\\d+)").matcher(sofar.substring(0, head));
            if (m.find() && sofar.length() - head - 4 >= Integer.parseInt(m.group(1))) {
              break;
            }
          }
        }
      } catch (java.net.SocketException e) {
        // the server closed after its answer
      }
      return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
