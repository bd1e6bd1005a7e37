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

  @Test
  void aDisabledAccountsTokenStopsAtOnceAndPasswordChangeRevokesOtherTokens() {
    try (TestServer server = server(AccountLimits.defaults())) {
      String bob = server.user("bob", "BUYER");
      String bob2 = server.login("bob", TestServer.PASSWORD);
      Response changed = server.post("/api/me/password", bob, Map.of("currentPassword",
          TestServer.PASSWORD, "newPassword", "another-password-2"));
      assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
      assertThat(changed.json().get("revokedTokens").asInt()).isEqualTo(1);
      assertThat(server.get("/api/me", bob2).status()).isEqualTo(401);
      assertThat(server.get("/api/me", bob).status()).isEqualTo(200);

      String op = server.login("operator", "operator-password");
      assertThat(server.post("/api/users/bob/disable", bob, Map.of()).status()).isEqualTo(403);
      Response off = server.post("/api/users/bob/disable", op, Map.of());
      assertThat(off.status()).as(off.toString()).isEqualTo(200);
      assertThat(off.json().get("disabledAt").isNull()).isFalse();
      assertThat(server.get("/api/me", bob).status()).isEqualTo(401);
      Response login = server.post("/api/login", null, Map.of("username", "bob", "password",
          "another-password-2"));
      assertThat(login.status()).isEqualTo(403);
      assertThat(login.error()).isEqualTo("account_disabled");
      assertThat(server.post("/api/users/bob/enable", op, Map.of()).status()).isEqualTo(200);
      assertThat(server.login("bob", "another-password-2")).startsWith("veil_");
    }
  }

  /** A disabled owner's remote workers stop too: their tokens are the owner's reach. */
  @Test
  void aDisabledAccountsWorkerTokensStopAtOnce() {
    try (TestServer server = server(AccountLimits.defaults())) {
      String dora = server.user("dora", "DATA_OWNER");
      String worker = TestServer.expect(server.post("/api/workers", dora, Map.of("name", "w",
          "training", true)), 201).json().get("token").asText();
      assertThat(server.get("/api/worker/self", worker).status()).isEqualTo(200);
      String op = server.login("operator", "operator-password");
      TestServer.expect(server.post("/api/users/dora/disable", op, Map.of()), 200);
      Response refused = server.get("/api/worker/self", worker);
      assertThat(refused.status()).isEqualTo(401);
      assertThat(refused.toString()).contains("disabled");
      TestServer.expect(server.post("/api/users/dora/enable", op, Map.of()), 200);
      assertThat(server.get("/api/worker/self", worker).status()).isEqualTo(200);
    }
  }
}
