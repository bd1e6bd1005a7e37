package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.veil.api.Job;
import dev.veil.api.JobEvent;
import dev.veil.api.JobState;
import dev.veil.api.Part;
import dev.veil.api.RegisterRequest;
import dev.veil.api.Role;
import dev.veil.api.SubmitJobRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK's HTTP behaviour against a tiny fake server ({@code com.sun.net.httpserver}) and a raw
 * socket that drops connections: error mapping, retries and idempotency keys, timeouts, events
 * with their polling fallback, checked downloads and uploads.
 */
class VeilClientTest {
  @TempDir Path dir;
  private HttpServer http;
  private final Map<String, HttpHandler> routes = new ConcurrentHashMap<>();
  private final List<String> log = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/", ex -> {
      String key = ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath();
      log.add(key);
      ex.getRequestHeaders().forEach((k, v) -> lastHeaders.put(k.toLowerCase(Locale.ROOT),
          v.get(0)));
      HttpHandler h = routes.get(key);
      if (h == null) {
        send(ex, 404, "application/json", "{\"error\":\"not_found\",\"message\":\"no route\"}");
      } else {
        h.handle(ex);
      }
    });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  private VeilClient client() {
    return VeilClient.builder(url()).token("veil_test").retryDelay(Duration.ofMillis(5))
        .pollInterval(Duration.ofMillis(20)).build();
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  private static String job(String state, int progress, String stage) {
    return "{\"id\":\"job_1\",\"kind\":\"TRAINING\",\"state\":\"" + state + "\",\"stage\":\""
        + stage + "\",\"progress\":" + progress + ",\"ownerId\":\"usr_1\",\"price\":5,"
        + "\"attempts\":1,\"maxAttempts\":3,\"cancelRequested\":false,"
        + "\"createdAt\":\"2026-01-01T00:00:00Z\",\"updatedAt\":\"2026-01-01T00:00:01Z\","
        + "\"someFutureField\":{\"x\":1}}";
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  // ------------------------------------------------------------------------ pages

  @Test
  void listsFollowTheServersCursorsToTheEndAndLimitedListsStopAtTheirLimit() {
    List<String> queries = Collections.synchronizedList(new ArrayList<>());
    routes.put("GET /api/keys", ex -> {
      String q = ex.getRequestURI().getRawQuery();
      queries.add(q);
      String body = q.contains("cursor=c%2B1")
          ? "{\"keySets\":[{\"id\":\"ks_2\"}],\"nextCursor\":\"c2\"}"
          : q.contains("cursor=c2") ? "{\"keySets\":[{\"id\":\"ks_3\"}],\"nextCursor\":null}"
          : "{\"keySets\":[{\"id\":\"ks_1\"}],\"nextCursor\":\"c+1\"}";
      send(ex, 200, "application/json", body);
    });
    assertThat(client().listKeySets()).extracting(k -> k.id())
        .containsExactly("ks_1", "ks_2", "ks_3");
    assertThat(queries).hasSize(3).allMatch(q -> q.contains("limit=500"));

    List<String> jobQueries = Collections.synchronizedList(new ArrayList<>());
    routes.put("GET /api/jobs", ex -> {
      jobQueries.add(ex.getRequestURI().getRawQuery());
      send(ex, 200, "application/json", "{\"jobs\":[" + job("QUEUED", 0, "queued") + ","
          + job("QUEUED", 0, "queued") + "],\"nextCursor\":\"c" + jobQueries.size() + "\"}");
    });
    assertThat(client().listJobs(null, false, 3)).hasSize(3);
    assertThat(jobQueries).hasSize(2);
    assertThat(jobQueries.get(0)).contains("limit=3");
    assertThat(jobQueries.get(1)).contains("limit=1", "cursor=c1");
    // a server that sends no cursor answers in one page
    routes.put("GET /api/datasets", ex -> send(ex, 200, "application/json",
        "{\"datasets\":[]}"));
    assertThat(client().listDatasets()).isEmpty();
  }

  // ------------------------------------------------------------------------ errors

  @Test
  void theServersErrorBodyBecomesATypedException() {
    routes.put("GET /api/datasets/ds_x", ex -> send(ex, 404, "application/json",
        "{\"error\":\"not_found\",\"message\":\"data set 'ds_x' does not exist\"}"));
    VeilApiException e = catchThrowableOfType(VeilApiException.class,
        () -> client().getDataset("ds_x"));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.error()).isEqualTo("not_found");
    assertThat(e.serverMessage()).isEqualTo("data set 'ds_x' does not exist");
    assertThat(e.getMessage()).isEqualTo("data set 'ds_x' does not exist (HTTP 404 not_found)");
    assertThat(e.method()).isEqualTo("GET");
    assertThat(e.path()).isEqualTo("/api/datasets/ds_x");
    assertThat(e.isClientError()).isTrue();
    assertThat(lastHeaders).containsEntry("authorization", "Bearer veil_test")
        .containsEntry("accept", "application/json");
    assertThat(lastHeaders.get("user-agent")).startsWith("veil-sdk");
  }

  @Test
  void aBodyThatIsNotTheApisIsDescribedInOneLine() {
    routes.put("GET /api/me", ex -> send(ex, 502, "text/html",
        "<html><body>\n<h1>Bad Gateway</h1>\n</body></html>"));
    VeilApiException e = catchThrowableOfType(VeilApiException.class, () -> client().me());
    assertThat(e.status()).isEqualTo(502);
    assertThat(e.error()).isEqualTo("http_502");
    assertThat(e.serverMessage()).isEqualTo("GET /api/me answered HTTP 502: Bad Gateway");
    assertThat(e.isServerError()).isTrue();
  }

  @Test
  void idsAreEncodedAsPathSegmentsAndRequestsLeaveNullFieldsOut() throws Exception {
    List<String> bodies = Collections.synchronizedList(new ArrayList<>());
    routes.put("POST /api/register", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      send(ex, 201, "application/json", "{\"id\":\"usr_1\",\"username\":\"a\",\"roles\":"
          + "[\"BUYER\"],\"createdAt\":\"2026-01-01T00:00:00Z\"}");
    });
    routes.put("POST /api/jobs", ex -> {
      bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      send(ex, 201, "application/json", job("QUEUED", 0, "queued"));
    });
    assertThat(client().register(new RegisterRequest("a", "password-1", List.of(Role.BUYER)))
        .roles()).containsExactly(Role.BUYER);
    Job j = client().submitJob(SubmitJobRequest.training("ds_1"));
    assertThat(j.state()).isEqualTo(JobState.QUEUED);
    assertThat(j.createdAt().toString()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(bodies.get(1)).isEqualTo("{\"kind\":\"TRAINING\",\"datasetId\":\"ds_1\"}");
    assertThatThrownBy(() -> client().getJob("a/b")).isInstanceOf(VeilApiException.class);
    assertThat(log.get(log.size() - 1)).isEqualTo("GET /api/jobs/a%2Fb");
  }

  // ------------------------------------------------------------------------ retries

  /**
   * A raw HTTP server that drops the first {@code drops} connections after reading the request
   * head, then answers {@code status} with {@code body}; it records every request's head.
   */
  private static final class Dropper implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0);
    final List<String> heads = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger connections = new AtomicInteger();
    final Thread thread;

    Dropper(int drops, int status, String body) throws IOException {
      thread = new Thread(() -> {
        while (!socket.isClosed()) {
          try (Socket s = socket.accept()) {
            int n = connections.incrementAndGet();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
              int c = in.read();
              if (c < 0) {
                break;
              }
              head.append((char) c);
            }
            heads.add(head.toString());
            if (n <= drops) {
              continue; // closed without an answer
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            OutputStream o = s.getOutputStream();
            o.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            o.write(b);
            o.flush();
          } catch (IOException e) {
            // closed
          }
        }
      }, "dropper");
      thread.setDaemon(true);
      thread.start();
    }

    String url() {
      return "http://127.0.0.1:" + socket.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static String header(String head, String name) {
    return head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(
        name.toLowerCase(Locale.ROOT) + ":")).map(l -> l.substring(l.indexOf(':') + 1).strip())
        .findFirst().orElse(null);
  }

  @Test
  void anIdempotentCallIsRetriedAfterDroppedConnections() throws Exception {
    try (Dropper d = new Dropper(2, 200, "{\"id\":\"usr_1\",\"username\":\"a\"}")) {
      VeilClient c = VeilClient.builder(d.url()).token("veil_t").retries(2)
          .retryDelay(Duration.ofMillis(5)).build();
      assertThat(c.me().username()).isEqualTo("a");
      assertThat(d.connections.get()).isEqualTo(3);
    }
  }

  @Test
  void aChargeIsRetriedWithTheSameIdempotencyKey() throws Exception {
    try (Dropper d = new Dropper(1, 201, job("QUEUED", 0, "queued"))) {
      VeilClient c = VeilClient.builder(d.url()).token("veil_t")
          .retryDelay(Duration.ofMillis(5)).build();
      assertThat(c.submitJob(SubmitJobRequest.training("ds_1")).id()).isEqualTo("job_1");
      assertThat(d.heads).hasSize(2);
      String first = header(d.heads.get(0), "Idempotency-Key");
      assertThat(first).isNotBlank().isEqualTo(header(d.heads.get(1), "Idempotency-Key"));
      // a second logical request gets a new key
      c.submitJob(SubmitJobRequest.training("ds_1"));
      assertThat(header(d.heads.get(2), "Idempotency-Key")).isNotEqualTo(first);
    }
  }

  @Test
  void aCallThatCouldActTwiceIsNotRetried() throws Exception {
    try (Dropper d = new Dropper(5, 201, "{}")) {
      VeilClient c = VeilClient.builder(d.url()).retries(3).retryDelay(Duration.ofMillis(5))
          .build();
      VeilConnectionException e = catchThrowableOfType(VeilConnectionException.class,
          () -> c.register(new RegisterRequest("a", "password-1", List.of(Role.BUYER))));
      assertThat(e.getMessage()).contains("cannot reach the Veil server at " + d.url(),
          "POST /api/register");
      assertThat(d.connections.get()).isEqualTo(1);
      Path f = Files.write(dir.resolve("rows"), new byte[] {1, 2, 3});
      assertThatThrownBy(() -> c.uploadInput(Upload.of(f), null))
          .isInstanceOf(VeilConnectionException.class);
      assertThat(d.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void noAnswerInTimeIsAConnectionFailure() {
    routes.put("GET /api/me", ex -> {
      try {
        Thread.sleep(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      send(ex, 200, "application/json", "{}");
    });
    VeilClient c = VeilClient.builder(url()).token("veil_t").retries(0)
        .requestTimeout(Duration.ofMillis(200)).build();
    assertThat(catchThrowableOfType(VeilConnectionException.class, c::me).getMessage())
        .contains("no answer in time", "GET /api/me");
  }

  // ------------------------------------------------------------------------ job events

  /** GET /api/jobs/job_1 answers these states in turn, repeating the last. */
  private void jobStates(String... bodies) {
    AtomicInteger i = new AtomicInteger();
    routes.put("GET /api/jobs/job_1", ex -> send(ex, 200, "application/json",
        bodies[Math.min(i.getAndIncrement(), bodies.length - 1)]));
  }

  @Test
  void waitingFollowsServerSentEvents() {
    jobStates(job("QUEUED", 0, "queued"), job("SUCCEEDED", 100, "done"));
    routes.put("GET /api/jobs/job_1/events", ex -> {
      assertThat(ex.getRequestHeaders().getFirst("Accept")).isEqualTo("text/event-stream");
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream o = ex.getResponseBody()) {
        String ev = ": keep-alive\n\n"
            + "event: job\ndata: {\"jobId\":\"job_1\",\"state\":\"QUEUED\",\"stage\":\"queued\","
            + "\"progress\":0}\n\n"
            + "event: job\r\ndata: {\"jobId\":\"job_1\",\"state\":\"RUNNING\",\"stage\":"
            + "\"training: iteration 1 of 2\",\"progress\":50}\r\n\r\n"
            + "event: other\ndata: ignored\n\n"
            + "event: job\ndata: {\"jobId\":\"job_1\",\"state\":\"SUCCEEDED\",\"stage\":\"done\","
            + "\"progress\":100,\"at\":\"2026-01-01T00:00:02Z\"}\n\n";
        o.write(ev.getBytes(StandardCharsets.UTF_8));
      }
    });
    VeilClient c = VeilClient.builder(url()).token("veil_t").pollInterval(Duration.ofHours(1))
        .eventsCheckInterval(Duration.ofHours(1)).build();
    List<JobEvent> seen = new ArrayList<>();
    Job done = c.waitForJob("job_1", seen::add, Duration.ofSeconds(30));
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(seen).extracting(JobEvent::state, JobEvent::progress).containsExactly(
        org.assertj.core.groups.Tuple.tuple(JobState.QUEUED, 0),
        org.assertj.core.groups.Tuple.tuple(JobState.RUNNING, 50),
        org.assertj.core.groups.Tuple.tuple(JobState.SUCCEEDED, 100));
    assertThat(seen.get(2).at().toString()).isEqualTo("2026-01-01T00:00:02Z");
  }

  @Test
  void refusedEventsFallBackToPolling() {
    jobStates(job("QUEUED", 0, "queued"), job("RUNNING", 40, "training"),
        job("SUCCEEDED", 100, "done"));
    routes.put("GET /api/jobs/job_1/events", ex -> send(ex, 406, "application/json",
        "{\"error\":\"not_acceptable\",\"message\":\"no\"}"));
    List<JobEvent> seen = new ArrayList<>();
    Job done = client().waitForJob("job_1", seen::add, Duration.ofSeconds(30));
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(seen).extracting(JobEvent::progress).containsExactly(0, 40, 100);
  }

  @Test
  void aStreamThatBreaksOffFallsBackToPolling() {
    jobStates(job("RUNNING", 10, "a"), job("RUNNING", 10, "a"), job("FAILED", 10, "a"));
    routes.put("GET /api/jobs/job_1/events", ex -> {
      ex.getResponseHeaders().set("Content-Type", "text/event-stream");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(("event: job\ndata: {\"jobId\":\"job_1\",\"state\":\"RUNNING\",\"stage\":\"b\","
            + "\"progress\":20}\n\n").getBytes(StandardCharsets.UTF_8));
      }
    });
    VeilClient c = VeilClient.builder(url()).token("veil_t").pollInterval(Duration.ofMillis(20))
        .eventsCheckInterval(Duration.ofHours(1)).build();
    List<JobEvent> seen = new ArrayList<>();
    Job done = c.waitForJob("job_1", seen::add, Duration.ofSeconds(30));
    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(seen.get(seen.size() - 1).state()).isEqualTo(JobState.FAILED);
    assertThat(seen).extracting(JobEvent::stage).contains("b");
  }

  @Test
  void waitingGivesUpAtItsTimeout() {
    jobStates(job("RUNNING", 10, "slow"));
    routes.put("GET /api/jobs/job_1/events", ex -> send(ex, 406, "application/json", "{}"));
    assertThat(catchThrowableOfType(VeilException.class, () -> client().waitForJob("job_1",
        JobListener.NONE, Duration.ofMillis(300))).getMessage())
        .contains("job_1 did not end within", "RUNNING");
  }

  // ------------------------------------------------------------------------ transfers

  @Test
  void aDownloadIsMovedIntoPlaceOnlyWhenItsDigestMatches() throws Exception {
    byte[] data = new byte[200_000];
    new java.util.Random(1).nextBytes(data);
    String good = sha256(data);
    AtomicInteger calls = new AtomicInteger();
    routes.put("GET /api/jobs/job_1/result", ex -> {
      ex.getResponseHeaders().set("X-Content-SHA256", calls.getAndIncrement() == 0
          ? "0".repeat(64) : good.toUpperCase(Locale.ROOT));
      ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
      ex.sendResponseHeaders(200, data.length);
      try (OutputStream o = ex.getResponseBody()) {
        o.write(data);
      }
    });
    Path target = Files.writeString(dir.resolve("weights.ct"), "old");
    assertThat(catchThrowableOfType(VeilException.class, () -> client().downloadResult("job_1",
        target)).getMessage()).contains("SHA-256 " + good, "announced " + "0".repeat(64));
    assertThat(Files.readString(target)).isEqualTo("old");
    List<long[]> progress = Collections.synchronizedList(new ArrayList<>());
    Download d = client().downloadResult("job_1", target,
        (n, total) -> progress.add(new long[] {n, total}));
    assertThat(d).isEqualTo(new Download(target.toAbsolutePath(), good, data.length));
    assertThat(Files.readAllBytes(target)).isEqualTo(data);
    assertThat(progress.get(progress.size() - 1)).containsExactly(data.length, data.length);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).containsExactly(target); // no temporary file left
    }
  }

  @Test
  void aTruncatedDownloadIsRetriedThenReportedAndLeavesNothing() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    routes.put("GET /api/jobs/job_1/result", ex -> {
      calls.incrementAndGet();
      ex.sendResponseHeaders(200, 1000);
      OutputStream o = ex.getResponseBody();
      o.write(new byte[10]);
      o.flush();
      ex.close(); // 990 bytes short: the connection is cut
    });
    Path target = dir.resolve("out.ct");
    assertThatThrownBy(() -> client().downloadResult("job_1", target))
        .isInstanceOf(VeilConnectionException.class).hasMessageContaining("3 attempts");
    assertThat(calls.get()).isEqualTo(3);
    try (Stream<Path> s = Files.list(dir)) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void uploadsCarryTheirDigestOrAreCheckedAgainstTheServers() throws Exception {
    List<byte[]> received = Collections.synchronizedList(new ArrayList<>());
    List<String> digests = Collections.synchronizedList(new ArrayList<>());
    routes.put("PUT /api/datasets/ds_1/parts/0", ex -> {
      byte[] b = ex.getRequestBody().readAllBytes();
      received.add(b);
      String h = ex.getRequestHeaders().getFirst("X-Content-SHA256");
      digests.add(h == null ? "none" : h);
      assertThat(ex.getRequestHeaders().getFirst("Content-Type"))
          .isEqualTo("application/octet-stream");
      try {
        send(ex, 200, "application/json", "{\"index\":0,\"sha256\":\"" + sha256(b) + "\","
            + "\"size\":" + b.length + "}");
      } catch (Exception e) {
        throw new IOException(e);
      }
    });
    byte[] data = "ciphertext".getBytes(StandardCharsets.UTF_8);
    Path f = Files.write(dir.resolve("z-00000.ct"), data);
    Part p = client().uploadPart("ds_1", 0, Upload.of(f), null);
    assertThat(p.sha256()).isEqualTo(sha256(data));
    assertThat(digests.get(0)).isEqualTo(sha256(data));
    client().uploadPart("ds_1", 0, Upload.of(new ByteArrayInputStream(data), -1), null);
    assertThat(digests.get(1)).isEqualTo("none");
    assertThat(received).allSatisfy(b -> assertThat(b).isEqualTo(data));

    // the server reports other bytes than were sent
    routes.put("PUT /api/datasets/ds_1/parts/1", ex -> {
      ex.getRequestBody().readAllBytes();
      send(ex, 200, "application/json", "{\"index\":1,\"sha256\":\"" + "1".repeat(64)
          + "\",\"size\":3}");
    });
    assertThat(catchThrowableOfType(VeilException.class, () -> client().uploadPart("ds_1", 1,
        Upload.of(() -> new ByteArrayInputStream(data), data.length), null)).getMessage())
        .contains("stored bytes of SHA-256 " + "1".repeat(64));
  }

  @Test
  void aLocalFileThatCannotBeReadIsAnIoExceptionNotAConnectionFailure() throws Exception {
    routes.put("PUT /api/datasets/ds_1/parts/0", ex -> {
      ex.getRequestBody().readAllBytes();
      send(ex, 200, "application/json", "{}");
    });
    Upload broken = Upload.of(() -> new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("disk on fire");
      }
    }, 100);
    assertThatThrownBy(() -> client().uploadPart("ds_1", 0, broken, null))
        .isInstanceOf(IOException.class).hasMessage("disk on fire");
  }
}
