package dev.veil.server.account;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits that keep accounts usable under abuse.
 *
 * @param loginThrottle failed-login backoff and lockout, per account and per client address
 * @param hashingSlots password hashes (Argon2) computed at once
 * @param hashingWait how long a login or registration waits for a hashing slot before a 503
 * @param maxTokensPerUser live (unrevoked, unexpired) API tokens one user may hold
 */
public record AccountLimits(LoginThrottle.Policy loginThrottle, int hashingSlots,
    Duration hashingWait, int maxTokensPerUser) {
  public AccountLimits {
    Objects.requireNonNull(loginThrottle, "loginThrottle");
    if (hashingSlots < 1) {
      throw new IllegalArgumentException("hashingSlots must be at least 1, got " + hashingSlots);
    }
    if (hashingWait == null || hashingWait.isNegative()) {
      throw new IllegalArgumentException("hashingWait must be zero or more, got " + hashingWait);
    }
    if (maxTokensPerUser < 1) {
      throw new IllegalArgumentException("maxTokensPerUser must be at least 1, got "
          + maxTokensPerUser);
    }
  }

  /**
   * {@link LoginThrottle.Policy#defaults}, {@link HashingSlots#defaultSlots} slots waited on for
   * 2 s, 50 tokens per user.
   */
  public static AccountLimits defaults() {
    return new AccountLimits(LoginThrottle.Policy.defaults(), HashingSlots.defaultSlots(),
        Duration.ofSeconds(2), 50);
  }

  public AccountLimits withLoginThrottle(LoginThrottle.Policy v) {
    return new AccountLimits(v, hashingSlots, hashingWait, maxTokensPerUser);
  }

  public AccountLimits withHashingSlots(int v) {
    return new AccountLimits(loginThrottle, v, hashingWait, maxTokensPerUser);
  }

  public AccountLimits withMaxTokensPerUser(int v) {
    return new AccountLimits(loginThrottle, hashingSlots, hashingWait, v);
  }
}
