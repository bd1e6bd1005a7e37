package dev.veil.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import dev.veil.api.CreateTokenRequest;
import dev.veil.server.account.AccountApi.RegisterRequest;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.testing.InMemoryAccounts;
import dev.veil.server.testing.MutableClock;
import dev.veil.server.testing.RecordingAuditLog;
import org.junit.jupiter.api.Test;

/** The token cap, password change and disabled accounts. */
class AccountLifecycleTest {
  private static final String PW = "a-good-password";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryAccounts.Tokens tokens = new InMemoryAccounts.Tokens();
  private final AccountService accounts = new AccountService(new InMemoryAccounts.Users(),
      tokens, new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), new SecureRandom()),
      new RecordingAuditLog(), clock, new SecureRandom(),
      new AccountService.Policy(true, Duration.ofDays(1), LoginThrottle.Policy.defaults(), 3));
  private final Principal op = new Principal("usr_op", "op", Set.of(Role.OPERATOR));

  private static int status(Runnable r) {
    try {
      r.run();
    } catch (ServiceException e) {
      return e.status();
    }
    return 200;
  }

  @Test
  void loginsEvictTheOldestTokenAtTheCapButExplicitTokensAreRefused() {
    accounts.register(null, new RegisterRequest("alice", PW, List.of(Role.BUYER)));
    String first = accounts.login("alice", PW, null).token();
    clock.advance(Duration.ofSeconds(1));
    String second = accounts.login("alice", PW, null).token();
    clock.advance(Duration.ofSeconds(1));
    Principal alice = accounts.authenticate(second);
    accounts.createToken(alice, new CreateTokenRequest("laptop", null));
    assertThatThrownBy(() -> accounts.createToken(alice, new CreateTokenRequest("more", null)))
        .isInstanceOfSatisfying(ServiceException.class, e -> {
          assertThat(e.status()).isEqualTo(409);
          assertThat(e.code()).isEqualTo("too_many_tokens");
          assertThat(e.getMessage()).contains("revoke one");
        });
    clock.advance(Duration.ofSeconds(1));
    accounts.login("alice", PW, null); // evicts the oldest
    assertThat(accounts.tokens(alice)).hasSize(3);
    assertThat(status(() -> accounts.authenticate(first))).isEqualTo(401);
    assertThat(accounts.authenticate(second).username()).isEqualTo("alice");
  }

  @Test
  void aPasswordChangeNeedsTheCurrentPasswordAndRevokesTheOtherTokens() {
    accounts.register(null, new RegisterRequest("bob", PW, List.of(Role.BUYER)));
    String other = accounts.login("bob", PW, null).token();
    String mine = accounts.login("bob", PW, null).token();
    Principal bob = accounts.authenticate(mine);
    assertThat(status(() -> accounts.changePassword(bob, mine, "wrong-password", "new-password-1",
        null))).isEqualTo(403);
    assertThat(status(() -> accounts.changePassword(bob, mine, PW, "short", null)))
        .isEqualTo(400);
    assertThat(accounts.changePassword(bob, mine, PW, "new-password-1", null)).isEqualTo(1);
    assertThat(status(() -> accounts.authenticate(other))).isEqualTo(401);
    assertThat(accounts.authenticate(mine).username()).isEqualTo("bob");
    assertThat(status(() -> accounts.login("bob", PW, null))).isEqualTo(401);
    assertThat(accounts.login("bob", "new-password-1", null).token()).startsWith("veil_");
  }

  @Test
  void aDisabledAccountsTokensStopAtOnceAndItCannotLogInUntilEnabled() {
    accounts.register(null, new RegisterRequest("carol", PW, List.of(Role.BUYER)));
    String t = accounts.login("carol", PW, null).token();
    Principal carol = accounts.authenticate(t);
    assertThat(status(() -> accounts.setDisabled(carol, "carol", true))).isEqualTo(403);
    assertThat(accounts.setDisabled(op, "carol", true).disabledAt()).isNotNull();
    assertThat(status(() -> accounts.authenticate(t))).isEqualTo(401);
    assertThatThrownBy(() -> accounts.login("carol", PW, null))
        .isInstanceOfSatisfying(ServiceException.class, e ->
            assertThat(e.code()).isEqualTo("account_disabled"));
    assertThat(status(() -> accounts.login("carol", "wrong-password", null))).isEqualTo(401);
    assertThat(accounts.setDisabled(op, "carol", false).disabledAt()).isNull();
    assertThat(status(() -> accounts.authenticate(t))).isEqualTo(401); // revoked for good
    String fresh = accounts.login("carol", PW, null).token();
    assertThat(accounts.authenticate(fresh).username()).isEqualTo("carol");
    assertThat(status(() -> accounts.setDisabled(op, "nobody", true))).isEqualTo(404);
  }
}
