package dev.veil.server.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.he.io.VeilIO;
import dev.veil.server.account.PasswordHasher;
import dev.veil.server.app.App;
import dev.veil.server.app.ServerConfig;

/**
 * The app on port 0 with cheap password hashing and insecure test parameters allowed, and a small
 * client over {@code java.net.http}.
 */
public final class TestServer implements AutoCloseable {
  public static final String PASSWORD = "test-password-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final App app;
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();

  public TestServer(ServerConfig config) {
    this.app = App.create(config).start();
  }

  /** A server whose services read this clock (hand-over deadlines). */
  public TestServer(ServerConfig config, java.time.Clock clock) {
    this.app = App.create(config, clock).start();
  }

  /** The test defaults in {@code dataDir}: port 0, cheap Argon2, insecure parameters allowed. */
  public static ServerConfig.Builder config(Path dataDir) {
    return ServerConfig.builder()
        .dataDir(dataDir)
        .port(0)
        .workerThreads(16)
        .allowInsecureParameters(true)
        .operatorPassword("operator-password")
        .passwordHashing(new PasswordHasher.Params(1024, 1, 1));
  }

  public App app() {
    return app;
  }

  public String url() {
    return app.url();
  }

  @Override
  public void close() {
    app.close();
  }

  /** A response: status, headers, body (JSON parsed when it is JSON). */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + body, e);
      }
    }

    public String error() {
      return json().path("error").asText();
    }

    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /** Sends a request: a null token sends no Authorization header. */
  public Response send(String method, String path, String token, String contentType,
      HttpRequest.BodyPublisher body, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
        .timeout(Duration.ofSeconds(60))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    headers.forEach(b::header);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.headers().map(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, token, null, null, Map.of());
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, token, null, null, Map.of());
  }

  /** A JSON request; {@code body} is a JSON string, or an object to serialise. */
  public Response json(String method, String path, String token, Object body) {
    String text;
    try {
      text = body instanceof String s ? s : JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return send(method, path, token, "application/json",
        HttpRequest.BodyPublishers.ofString(text), Map.of());
  }

  public Response post(String path, String token, Object body) {
    return json("POST", path, token, body);
  }

  /** An octet-stream upload, with X-Content-SHA256 when {@code sha256} is not null. */
  public Response upload(String path, String token, byte[] body, String sha256) {
    return send("PUT", path, token, "application/octet-stream",
        HttpRequest.BodyPublishers.ofByteArray(body),
        sha256 == null ? Map.of() : Map.of("X-Content-SHA256", sha256));
  }

  // ------------------------------------------------------------ scenario helpers

  /** Registers a user with these roles and returns a login token. */
  public String user(String name, String... roles) {
    Response r = post("/api/register", null, Map.of("username", name, "password", PASSWORD,
        "roles", List.of(roles)));
    if (r.status() != 201) {
      throw new AssertionError("register " + name + ": " + r);
    }
    return login(name, PASSWORD);
  }

  public String login(String name, String password) {
    Response r = post("/api/login", null, Map.of("username", name, "password", password));
    if (r.status() != 200) {
      throw new AssertionError("login " + name + ": " + r);
    }
    return r.json().get("token").asText();
  }

  /** Creates a complete key set (test parameters) and returns its id. */
  public String keySet(String token) {
    Response r = post("/api/keys", token, Map.of("name", "keys",
        "params", TestCrypto.base64(TestCrypto.PARAMS_BIN)));
    expect(r, 201);
    String id = r.json().get("id").asText();
    expect(upload("/api/keys/" + id + "/public", token, TestCrypto.PUBLIC_KEY, null), 200);
    expect(upload("/api/keys/" + id + "/evaluation", token, TestCrypto.EVALUATION_KEYS, null),
        200);
    return id;
  }

  /** Uploads a complete key set of these keys and returns its id. */
  public String keySet(String token, KeyHolder k) {
    byte[] params = KeyHolder.bytes(o -> VeilIO.write(o, k.params));
    String id = expect(post("/api/keys", token, Map.of("name", "keys", "params",
        Base64.getEncoder().encodeToString(params))), 201).json().get("id").asText();
    expect(upload("/api/keys/" + id + "/public", token,
        KeyHolder.bytes(o -> VeilIO.write(o, k.pk)), null), 200);
    expect(upload("/api/keys/" + id + "/evaluation", token,
        KeyHolder.bytes(o -> VeilIO.write(o, k.evk)), null), 200);
    return id;
  }

  /** Creates a data set of {@code parts} parts and returns its id (not uploaded). */
  public String dataset(String token, String keySet, int parts, boolean listed) {
    Response r = post("/api/datasets", token, Map.of("name", "data", "description", "test",
        "keySetId", keySet, "meta", TestCrypto.meta(parts), "pricePerTraining", 100,
        "listed", listed));
    expect(r, 201);
    return r.json().get("id").asText();
  }

  /** Uploads every part and completes. */
  public void uploadAll(String token, String dataset, int parts) {
    for (int i = 0; i < parts; i++) {
      byte[] ct = TestCrypto.ciphertext(i);
      expect(upload("/api/datasets/" + dataset + "/parts/" + i, token, ct,
          TestCrypto.sha256(ct)), 200);
    }
    expect(post("/api/datasets/" + dataset + "/complete", token, "{}"), 200);
  }

  public static Response expect(Response r, int status) {
    if (r.status() != status) {
      throw new AssertionError("expected " + status + ", got " + r);
    }
    return r;
  }
}
