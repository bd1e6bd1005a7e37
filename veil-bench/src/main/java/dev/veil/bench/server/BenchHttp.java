package dev.veil.bench.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One benchmark client of the server: plain {@code java.net.http} over HTTP/1.1 with its own
 * connection pool, as a separate user's program would have. Every call checks the status it
 * expects and otherwise fails with the server's answer, so that a benchmark never times a refusal.
 */
final class BenchHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TERMINAL = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private final String base;
  private final HttpClient http;
  private final Duration timeout;

  BenchHttp(String base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10))
        .build();
  }

  /** A JSON request; {@code body} is serialised with Jackson (null: no body). */
  JsonNode json(String method, String path, String token, Object body, int expected,
      Map<String, String> headers) {
    BodyPublisher publisher;
    try {
      publisher = body == null ? BodyPublishers.noBody()
          : BodyPublishers.ofString(JSON.writeValueAsString(body));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    HttpRequest.Builder b = request(path, token).method(method, publisher);
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    headers.forEach(b::header);
    return parse(send(b.build(), method + " " + path, expected));
  }

  JsonNode post(String path, String token, Object body, int expected) {
    return json("POST", path, token, body, expected, Map.of());
  }

  JsonNode get(String path, String token) {
    return json("GET", path, token, null, 200, Map.of());
  }

  /** A streamed {@code application/octet-stream} upload with its digest. */
  JsonNode upload(String method, String path, String token, BodyPublisher body, String sha256,
      int expected) {
    HttpRequest.Builder b = request(path, token).method(method, body)
        .header("Content-Type", "application/octet-stream");
    if (sha256 != null) {
      b.header("X-Content-SHA256", sha256);
    }
    return parse(send(b.build(), method + " " + path, expected));
  }

  /** Downloads a body whole (a sanitised result: a few hundred kilobytes). */
  byte[] download(String path, String token) {
    HttpRequest req = request(path, token).GET().build();
    HttpResponse<byte[]> r = call(req, BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("GET " + path + ": expected 200, got " + r.statusCode()
          + " " + new String(r.body(), StandardCharsets.UTF_8));
    }
    return r.body();
  }

  /**
   * Follows a job's server-sent events until it ends and returns its last state ({@code
   * SUCCEEDED}, {@code FAILED} or {@code CANCELLED}).
   */
  String awaitJob(String jobId, String token) {
    String path = "/api/jobs/" + jobId + "/events";
    HttpRequest req = request(path, token).header("Accept", "text/event-stream").GET().build();
    HttpResponse<Stream<String>> r = call(req, BodyHandlers.ofLines());
    String state = null;
    try (Stream<String> lines = r.body()) {
      if (r.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + ": expected 200, got " + r.statusCode());
      }
      Iterator<String> it = lines.iterator();
      while (it.hasNext()) {
        String line = it.next();
        if (line.startsWith("data:")) {
          state = parse(line.substring(5).strip()).path("state").asText();
          if (TERMINAL.contains(state)) {
            return state;
          }
        }
      }
    }
    // the stream ended without a final event (it should not): ask once
    return get("/api/jobs/" + jobId, token).path("state").asText(String.valueOf(state));
  }

  /**
   * A body of {@code length} bytes of {@code array} from {@code offset}, handed to the client as
   * read-only slices of the array rather than copies (what {@code BodyPublishers.ofByteArray}
   * makes): the benchmark's clients share the processors with the server, so they should spend
   * as little as a client reading its file would.
   */
  static BodyPublisher slices(byte[] array, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, array.length);
    return BodyPublishers.fromPublisher(subscriber -> subscriber.onSubscribe(
        new Slices(subscriber, array, offset, length)), length);
  }

  /** The subscription of {@link #slices}: emits slices of at most 256 KiB as they are requested. */
  private static final class Slices implements Flow.Subscription {
    private static final int SLICE = 1 << 18;
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final byte[] array;
    private final int end;
    private int at;
    private final AtomicLong demand =
        new AtomicLong();
    private final AtomicInteger work =
        new AtomicInteger();
    private volatile boolean done;

    Slices(Flow.Subscriber<? super ByteBuffer> subscriber,
        byte[] array, int offset, int length) {
      this.subscriber = subscriber;
      this.array = array;
      this.at = offset;
      this.end = offset + length;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        done = true;
        subscriber.onError(new IllegalArgumentException("non-positive request: " + n));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      done = true;
    }

    /** Emits while there is demand; one thread at a time, re-entrant calls only add work. */
    private void drain() {
      if (work.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        while (!done && at < end && demand.get() > 0) {
          int n = Math.min(SLICE, end - at);
          ByteBuffer slice = ByteBuffer.wrap(array, at, n).slice()
              .asReadOnlyBuffer();
          at += n;
          demand.decrementAndGet();
          subscriber.onNext(slice);
        }
        if (!done && at >= end) {
          done = true;
          subscriber.onComplete();
        }
        missed = work.addAndGet(-missed);
      } while (missed != 0);
    }
  }

  private HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private String send(HttpRequest req, String what, int expected) {
    HttpResponse<String> r = call(req, BodyHandlers.ofString());
    if (r.statusCode() != expected) {
      throw new IllegalStateException(what + ": expected " + expected + ", got "
          + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private <T> HttpResponse<T> call(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
    try {
      return http.send(req, handler);
    } catch (IOException e) {
      throw new UncheckedIOException(req.method() + " " + req.uri().getPath() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isEmpty()) {
      return JSON.nullNode();
    }
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + body, e);
    }
  }
}
