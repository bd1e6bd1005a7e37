package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The mapping of refusals and network failures to the SDK's exceptions, alone. */
class FailuresTest {
  private static final URI BASE = URI.create("http://veil.example:8080");

  private static HttpHeaders type(String contentType) {
    return HttpHeaders.of(Map.of("Content-Type", List.of(contentType)), (k, v) -> true);
  }

  private static VeilApiException refusal(int status, String contentType, String body) {
    return Failures.apiError("GET", "/api/x", status, type(contentType),
        body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theApisErrorBodyGivesTheCodeAndMessage() {
    VeilApiException e = refusal(402, "application/json",
        "{\"error\":\"payment_required\",\"message\":\"balance 3, price 5\"}");
    assertThat(e.status()).isEqualTo(402);
    assertThat(e.error()).isEqualTo("payment_required");
    assertThat(e.serverMessage()).isEqualTo("balance 3, price 5");
    assertThat(e.method()).isEqualTo("GET");
    assertThat(e.path()).isEqualTo("/api/x");
  }

  @Test
  void anyOtherBodyIsDescribedInOneShortLine() {
    assertThat(refusal(400, "application/json", "{\"error\":42}").serverMessage())
        .isEqualTo("GET /api/x answered HTTP 400: {\"error\":42}");
    VeilApiException html = refusal(503, "text/html", "<p>down\n\nfor   now</p>");
    assertThat(html.error()).isEqualTo("http_503");
    assertThat(html.serverMessage()).isEqualTo("GET /api/x answered HTTP 503: down for now");
    assertThat(refusal(500, "text/plain", "y".repeat(300)).serverMessage())
        .endsWith(": " + "y".repeat(200) + "...");
    assertThat(Failures.apiError("GET", "/api/x", 404, type("text/plain"), null)
        .serverMessage()).isEqualTo("GET /api/x answered HTTP 404");
  }

  private static String why(IOException e, int attempts) {
    return Failures.connectionFailure(BASE, Duration.ofSeconds(7), "GET", "/api/me", e, attempts)
        .getMessage();
  }

  @Test
  void aNetworkFailureSaysWhyInWords() {
    assertThat(why(new HttpConnectTimeoutException("x"), 1)).isEqualTo(
        "cannot reach the Veil server at " + BASE + " (no connection within 7 s) during GET"
        + " /api/me");
    assertThat(why(new HttpTimeoutException("x"), 2)).contains("(no answer in time, 2 attempts)");
    assertThat(why(new ConnectException(), 1)).contains("(connection refused)");
    IOException unknown = new IOException(new ConnectException());
    unknown.getCause().initCause(new UnresolvedAddressException());
    assertThat(why(unknown, 1)).contains("(unknown host)");
    assertThat(why(new IOException(" "), 1)).contains("(IOException)");
  }

  @Test
  void anInterruptIsKeptOnTheThread() {
    try {
      VeilException e = Failures.interrupted("GET", "/api/me", new InterruptedException());
      assertThat(e.getMessage()).isEqualTo("interrupted during GET /api/me");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
