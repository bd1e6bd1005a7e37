package dev.veil.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.core.JacksonException;

/**
 * The HTTP side of a {@link VeilClient}, shared by every resource: the server's base URL, the
 * token sent as {@code Authorization: Bearer}, the {@code User-Agent}, the timeouts, the retries
 * of idempotent requests after connection failures (with a doubling pause), and the mapping of
 * answers to values or to the SDK's exceptions ({@link Failures}).
 *
 * <p>{@link #call} is the one path of a JSON request; uploads ({@link Uploads}), downloads
 * ({@link Downloads}) and event streams ({@link JobEventStream}) build their requests with {@link
 * #request} and send them through {@link #retrying}. Immutable and thread-safe.
 */
final class Transport {
  static final String JSON = "application/json";
  static final String OCTETS = "application/octet-stream";

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final Settings settings;

  Transport(URI base, String token, HttpClient http, Settings settings) {
    this.base = Objects.requireNonNull(base, "base");
    this.token = checkToken(token);
    this.http = Objects.requireNonNull(http, "http");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** A transport over a new HTTP/1.1 client that follows no redirects. */
  static Transport create(URI base, String token, Settings settings) {
    HttpClient http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(settings.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER)
        .sslContext(settings.tls().sslContext())
        .sslParameters(TlsOptions.parameters())
        .build();
    return new Transport(base, token, http, settings);
  }

  /** The same transport and connections for another token (null: none). */
  Transport withToken(String token) {
    return new Transport(base, token, http, settings);
  }

  URI base() {
    return base;
  }

  boolean hasToken() {
    return token != null;
  }

  Settings settings() {
    return settings;
  }

  // ---------------------------------------------------------------------- JSON calls

  /** {@code GET path}, retried, the answer read as {@code type}. */
  <T> T get(String path, Class<T> type) {
    return call("GET", path, null, type, true, Map.of());
  }

  /** {@code POST path} with {@code body} (null: none), sent once: it could act twice. */
  <T> T post(String path, Object body, Class<T> type) {
    return call("POST", path, body, type, false, Map.of());
  }

  /**
   * {@code POST path} with an {@code Idempotency-Key}: retried with the same key, so that the
   * server acts once.
   *
   * @throws IllegalArgumentException if the key is not 1 to 200 printable ASCII characters
   */
  <T> T postIdempotent(String path, Object body, Class<T> type, String idempotencyKey) {
    return call("POST", path, body, type, true,
        Map.of(VeilClient.IDEMPOTENCY_KEY_HEADER, checkKey(idempotencyKey)));
  }

  /** {@code PATCH path} with {@code body}, sent once. */
  <T> T patch(String path, Object body, Class<T> type) {
    return call("PATCH", path, body, type, false, Map.of());
  }

  /** {@code DELETE path}, retried. */
  void delete(String path) {
    call("DELETE", path, null, Void.class, true, Map.of());
  }

  /**
   * A JSON request: {@code body} serialised (null for none), the answer read as {@code type}
   * ({@code Void.class}: ignored).
   *
   * @param retryable whether repeating it cannot do anything twice
   * @param headers more headers
   */
  <T> T call(String method, String path, Object body, Class<T> type, boolean retryable,
      Map<String, String> headers) {
    byte[] json;
    try {
      json = body == null ? null : Json.MAPPER.writeValueAsBytes(body);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cannot write the request body: "
          + e.getOriginalMessage(), e);
    }
    HttpResponse<byte[]> r = retrying(method, path, retryable, () -> {
      HttpRequest.Builder b = request(path, settings.requestTimeout());
      headers.forEach(b::header);
      if (json != null) {
        b.header("Content-Type", JSON);
      }
      b.header("Accept", JSON);
      return http.send(b.method(method, json == null ? BodyPublishers.noBody()
          : BodyPublishers.ofByteArray(json)).build(), BodyHandlers.ofByteArray());
    });
    return read(method, path, r, type);
  }

  /**
   * The value of a 2xx answer read as {@code type} (null for {@code Void.class} or an empty
   * body).
   *
   * @throws VeilApiException for any other status
   * @throws VeilException if the body is not a {@code type}
   */
  <T> T read(String method, String path, HttpResponse<byte[]> r, Class<T> type) {
    int status = r.statusCode();
    byte[] body = r.body();
    if (status < 200 || status > 299) {
      throw Failures.apiError(method, path, status, r.headers(), body);
    }
    if (type == Void.class || body == null || body.length == 0) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(body, type);
    } catch (IOException e) {
      throw new VeilException(method + " " + path + ": the server's answer is not the expected "
          + type.getSimpleName() + " (" + e.getMessage().lines().findFirst().orElse("") + ")",
          e);
    }
  }

  // ---------------------------------------------------------------------- requests

  /** A request for {@code path} with the token, the {@code User-Agent} and this timeout. */
  HttpRequest.Builder request(String path, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base.toString() + path))
        .timeout(timeout).header("User-Agent", settings.userAgent());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  /** Sends one request and waits for its answer (one try: see {@link #retrying}). */
  <B> HttpResponse<B> send(HttpRequest request, BodyHandler<B> handler)
      throws IOException, InterruptedException {
    return http.send(request, handler);
  }

  /** Sends one request without waiting (an event stream). */
  <B> CompletableFuture<HttpResponse<B>> sendAsync(HttpRequest request, BodyHandler<B> handler) {
    return http.sendAsync(request, handler);
  }

  /**
   * One try of a request. An {@link IOException} it throws is the network's: the try is repeated
   * if the request is retryable and tries are left. A failure of a local file must leave it as an
   * {@link UncheckedIOException}, which is never retried.
   */
  @FunctionalInterface
  interface Attempt<T> {
    T run() throws IOException, InterruptedException;
  }

  /**
   * Runs {@code attempt}, and again after a connection failure when {@code retryable}, at most
   * {@link Settings#retries} more times, pausing {@link Settings#retryDelay} doubled each time.
   *
   * @throws VeilConnectionException when the last try failed, naming the number of tries
   * @throws VeilException if the thread is interrupted
   */
  <T> T retrying(String method, String path, boolean retryable, Attempt<T> attempt) {
    for (int tries = 1; ; tries++) {
      try {
        return attempt.run();
      } catch (IOException e) {
        if (!retryable || tries > settings.retries() || Failures.isTlsFailure(e)) {
          throw Failures.connectionFailure(base, settings.connectTimeout(), method, path, e,
              tries);
        }
        pause(tries, method, path);
      } catch (InterruptedException e) {
        throw Failures.interrupted(method, path, e);
      }
    }
  }

  private void pause(int tries, String method, String path) {
    long millis = settings.retryDelay().toMillis() << Math.min(tries - 1, 10);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      throw Failures.interrupted(method, path, e);
    }
  }

  // ---------------------------------------------------------------------- checks

  /**
   * The base URL of a server: http or https, a host, no query or fragment; trailing slashes are
   * dropped (a path prefix in front of {@code /api/} is kept).
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  static URI baseUrl(String url) {
    Objects.requireNonNull(url, "baseUrl");
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: '" + url + "'", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("the server URL must be http://HOST[:PORT] or"
          + " https://..., got '" + url + "'");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("the server URL must not have a query or fragment: '"
          + url + "'");
    }
    return uri;
  }

  /**
   * An API token stripped of surrounding blanks (null stays null).
   *
   * @throws IllegalArgumentException if it is empty or not printable ASCII without spaces
   */
  static String checkToken(String token) {
    if (token == null) {
      return null;
    }
    String t = token.strip();
    if (t.isEmpty() || !t.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("an API token is printable ASCII without spaces");
    }
    return t;
  }

  private static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 200
        || !key.chars().allMatch(c -> c >= 32 && c < 127)) {
      throw new IllegalArgumentException("an idempotency key is 1 to 200 printable ASCII"
          + " characters");
    }
    return key;
  }

  /**
   * An id as one path segment: everything but unreserved characters percent-encoded.
   *
   * @throws IllegalArgumentException if it is empty
   */
  static String segment(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("an empty id");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
