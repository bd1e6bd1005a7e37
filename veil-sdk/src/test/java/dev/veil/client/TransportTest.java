package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * The transport alone: retries of idempotent tries with a doubling pause, no retry of the others
 * or of local failures, the headers of every request, and the checks of URLs, tokens, ids and
 * idempotency keys. No server is needed: the tries are functions.
 */
class TransportTest {
  private static final URI BASE = URI.create("http://127.0.0.1:9");

  private static Transport transport(int retries, Duration retryDelay) {
    return Transport.create(BASE, "veil_t", new Settings(Duration.ofSeconds(10),
        Duration.ofSeconds(60), Duration.ofMinutes(30), retries, retryDelay, Duration.ofSeconds(1),
        Duration.ofSeconds(10), true, "veil-sdk/test", TlsOptions.systemDefault()));
  }

  /** A try that fails with a connection reset {@code failures} times, then answers "ok". */
  private static Transport.Attempt<String> failing(int failures, AtomicInteger tries) {
    return () -> {
      if (tries.incrementAndGet() <= failures) {
        throw new IOException("connection reset " + tries.get());
      }
      return "ok";
    };
  }

  @Test
  void anIdempotentTryIsRepeatedAfterConnectionFailures() {
    AtomicInteger tries = new AtomicInteger();
    assertThat(transport(2, Duration.ZERO).retrying("GET", "/api/me", true, failing(2, tries)))
        .isEqualTo("ok");
    assertThat(tries.get()).isEqualTo(3);
  }

  @Test
  void afterTheLastRetryTheFailureNamesTheTriesAndKeepsTheLastCause() {
    AtomicInteger tries = new AtomicInteger();
    VeilConnectionException e = catchThrowableOfType(VeilConnectionException.class,
        () -> transport(2, Duration.ZERO).retrying("GET", "/api/me", true, failing(9, tries)));
    assertThat(tries.get()).isEqualTo(3);
    assertThat(e.getMessage()).isEqualTo("cannot reach the Veil server at " + BASE
        + " (connection reset 3, 3 attempts) during GET /api/me");
    assertThat(e.getCause()).hasMessage("connection reset 3");
    assertThat(e.server()).isEqualTo(BASE);
  }

  @Test
  void aTryThatCouldActTwiceIsNotRepeated() {
    AtomicInteger tries = new AtomicInteger();
    VeilConnectionException e = catchThrowableOfType(VeilConnectionException.class,
        () -> transport(5, Duration.ZERO).retrying("POST", "/api/register", false,
            failing(1, tries)));
    assertThat(tries.get()).isEqualTo(1);
    assertThat(e.getMessage()).doesNotContain("attempts").endsWith("during POST /api/register");
  }

  @Test
  void aLocalFailureIsNeverRetried() {
    AtomicInteger tries = new AtomicInteger();
    assertThatThrownBy(() -> transport(5, Duration.ZERO).retrying("PUT", "/api/x", true, () -> {
      tries.incrementAndGet();
      throw new UncheckedIOException(new IOException("disk on fire"));
    })).isInstanceOf(UncheckedIOException.class).hasRootCauseMessage("disk on fire");
    assertThat(tries.get()).isEqualTo(1);
  }

  @Test
  void thePauseDoublesFromOneRetryToTheNext() {
    AtomicInteger tries = new AtomicInteger();
    long start = System.nanoTime();
    assertThat(transport(3, Duration.ofMillis(20)).retrying("GET", "/api/me", true,
        failing(3, tries))).isEqualTo("ok");
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertThat(millis).as("20 + 40 + 80 ms of pauses").isGreaterThanOrEqualTo(140);
  }

  @Test
  void everyRequestCarriesTheTokenAndTheUserAgent() {
    Transport t = transport(0, Duration.ZERO);
    HttpRequest r = t.request("/api/jobs/job_1", Duration.ofSeconds(3)).GET().build();
    assertThat(r.uri()).isEqualTo(URI.create(BASE + "/api/jobs/job_1"));
    assertThat(r.timeout()).contains(Duration.ofSeconds(3));
    assertThat(r.headers().firstValue("Authorization")).contains("Bearer veil_t");
    assertThat(r.headers().firstValue("User-Agent")).contains("veil-sdk/test");
    Transport anonymous = t.withToken(null);
    assertThat(anonymous.hasToken()).isFalse();
    assertThat(anonymous.request("/api/health", Duration.ofSeconds(1)).GET().build().headers()
        .firstValue("Authorization")).isEmpty();
  }

  @Test
  void anIdempotencyKeyIsCheckedBeforeAnythingIsSent() {
    Transport t = transport(0, Duration.ZERO);
    for (String bad : new String[] {"", "x".repeat(201), "tab\there"}) {
      assertThatThrownBy(() -> t.postIdempotent("/api/jobs", Map.of(), Void.class, bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("an idempotency key is 1 to 200 printable ASCII characters");
    }
  }

  @Test
  void urlsTokensAndIdsAreChecked() {
    assertThat(Transport.baseUrl(" http://h:8080/prefix// ").toString())
        .isEqualTo("http://h:8080/prefix");
    assertThatThrownBy(() -> Transport.baseUrl("ftp://h")).hasMessageContaining(
        "must be http://HOST[:PORT]");
    assertThatThrownBy(() -> Transport.baseUrl("http://h?x=1")).hasMessageContaining(
        "must not have a query or fragment");
    assertThat(Transport.checkToken(" veil_x ")).isEqualTo("veil_x");
    assertThat(Transport.checkToken(null)).isNull();
    assertThatThrownBy(() -> Transport.checkToken("veil x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Transport.segment("a/b c")).isEqualTo("a%2Fb%20c");
    assertThatThrownBy(() -> Transport.segment("")).hasMessage("an empty id");
  }
}
