package dev.veil.server.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import dev.veil.server.app.ServerConfig;
import dev.veil.server.testing.TestServer;
import dev.veil.server.testing.TestServer.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account limits over HTTP: throttled logins answer 429 with Retry-After. */
class AccountAbuseHttpTest {
  @TempDir Path dir;

  private TestServer server(AccountLimits limits) {
    ServerConfig c = TestServer.config(dir).accountLimits(limits).build();
    return new TestServer(c);
  }

  @Test
  void repeatedFailedLoginsAreAnswered429WithRetryAfter() {
    AccountLimits limits = AccountLimits.defaults().withLoginThrottle(new LoginThrottle.Policy(
        2, 4, 50, 100, Duration.ofMinutes(1), Duration.ofMinutes(15), 100));
    try (TestServer server = server(limits)) {
      server.user("alice", "BUYER");
      Map<String, String> wrong = Map.of("username", "alice", "password", "not-the-password");
      assertThat(server.post("/api/login", null, wrong).status()).isEqualTo(401);
      assertThat(server.post("/api/login", null, wrong).status()).isEqualTo(401);
      Response r = server.post("/api/login", null, Map.of("username", "alice", "password",
          TestServer.PASSWORD));
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.error()).isEqualTo("login_throttled");
      assertThat(r.json().get("message").asText()).contains("too many failed logins",
          "retry in 60 s");
      assertThat(r.header("Retry-After")).isEqualTo("60");
    }
  }
}
