package dev.veil.server.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.veil.server.account.AccountApi.RegisterRequest;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.testing.InMemoryAccounts;
import dev.veil.server.testing.MutableClock;
import dev.veil.server.testing.RecordingAuditLog;
import org.junit.jupiter.api.Test;

/** Login throttling (backoff, lockout) on a hand clock, and the bound on concurrent hashing. */
class LoginThrottleTest {
  private static final String PW = "a-good-password";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final LoginThrottle.Policy policy = new LoginThrottle.Policy(3, 6, 10, 20,
      Duration.ofSeconds(1), Duration.ofMinutes(15), 1000);
  private final AccountService accounts = new AccountService(new InMemoryAccounts.Users(),
      new InMemoryAccounts.Tokens(),
      new PasswordHasher(new PasswordHasher.Params(1024, 1, 1), new SecureRandom()),
      new RecordingAuditLog(), clock, new SecureRandom(),
      new AccountService.Policy(true, Duration.ofDays(1), policy, 50));

  private long throttled(String user, String pw, String address) {
    ServiceException e = (ServiceException) org.assertj.core.api.Assertions.catchThrowable(
        () -> accounts.login(user, pw, null, address));
    assertThat(e).isNotNull();
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.code()).isEqualTo("login_throttled");
    assertThat(e.getMessage()).contains("retry in " + e.retryAfterSeconds() + " s");
    return e.retryAfterSeconds();
  }

  private void wrong(String user, String address) {
    assertThatThrownBy(() -> accounts.login(user, "wrong-password", null, address))
        .isInstanceOfSatisfying(ServiceException.class, e -> assertThat(e.status())
            .isEqualTo(401));
  }

  @Test
  void failuresBackOffThenLockTheAccountAndASuccessClearsThem() {
    accounts.register(null, new RegisterRequest("alice", PW, List.of(Role.BUYER)));
    for (int i = 0; i < 3; i++) {
      wrong("alice", "10.0.0." + i); // free failures, from different addresses
    }
    assertThat(throttled("alice", PW, "10.0.0.9")).isEqualTo(1); // even the right password waits
    clock.advance(Duration.ofSeconds(1));
    wrong("alice", "10.0.0.9");
    assertThat(throttled("alice", "x", "10.0.0.9")).isEqualTo(2); // doubled
    clock.advance(Duration.ofSeconds(2));
    wrong("alice", "10.0.0.9");
    clock.advance(Duration.ofSeconds(4));
    wrong("alice", "10.0.0.9"); // the sixth: locked
    long lock = throttled("alice", PW, "10.0.0.9");
    assertThat(lock).isEqualTo(15 * 60);
    assertThatThrownBy(() -> accounts.login("alice", PW, null, "10.0.0.9"))
        .hasMessageContaining("locked out");
    clock.advance(Duration.ofMinutes(15));
    assertThat(accounts.login("alice", PW, null, "10.0.0.9").token()).startsWith("veil_");
    wrong("alice", "10.0.0.9"); // the count was cleared by the success
    assertThat(accounts.login("alice", PW, null, "10.0.0.9").token()).startsWith("veil_");
  }

  @Test
  void unknownUsersAreThrottledLikeKnownOnes() {
    for (int i = 0; i < 3; i++) {
      wrong("nobody", null);
    }
    assertThat(throttled("nobody", "x", null)).isEqualTo(1);
  }

  @Test
  void oneAddressTryingManyAccountsIsThrottled() {
    for (int i = 0; i < 10; i++) {
      wrong("user" + i, "192.0.2.7");
    }
    assertThat(throttled("another", "x", "192.0.2.7")).isEqualTo(1);
    wrong("another", "192.0.2.8"); // another address is not affected
  }

  @Test
  void theThrottleForgetsFailuresAfterTheLockoutPeriod() {
    for (int i = 0; i < 3; i++) {
      wrong("carol", null);
    }
    clock.advance(Duration.ofMinutes(15));
    wrong("carol", null); // a fresh start: free again
  }

  @Test
  void aRequestThatGetsNoHashingSlotIsRefusedWith503AndRetryAfter() throws Exception {
    HashingSlots slots = new HashingSlots(1, Duration.ZERO);
    PasswordHasher hasher = new PasswordHasher(new PasswordHasher.Params(1024, 1, 1),
        new SecureRandom(), slots);
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> slots.run(() -> {
      inside.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    holder.start();
    assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
    assertThatThrownBy(() -> hasher.hash(PW)).isInstanceOfSatisfying(ServiceException.class,
        e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("busy");
          assertThat(e.retryAfterSeconds()).isEqualTo(1);
        });
    assertThatThrownBy(() -> hasher.verify(PW, null)).isInstanceOf(ServiceException.class);
    release.countDown();
    holder.join(30_000);
    assertThat(hasher.verify(PW, hasher.hash(PW))).isTrue();
  }
}
