package dev.veil.server.account;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.veil.server.core.ServiceException;

/**
 * Failed-login throttling, per account name and per client address, in memory.
 *
 * <p>Each key (a lower-case username, known or not, and a client address) counts its recent failed
 * logins. Up to {@code freeFailures} of them cost nothing; after that each attempt must wait a
 * backoff that doubles with every further failure (from {@code backoff}, at most {@code
 * lockout}); at {@code lockoutFailures} the key is locked for {@code lockout}. A refused attempt
 * is answered 429 {@code login_throttled} with {@code Retry-After} before any password is hashed.
 * A successful login clears its account's count (not its address's); a key with no failure for
 * {@code lockout} is forgotten. Each map holds at most {@code maxEntries} keys, the least recently
 * failed going first, so memory is bounded whatever an attacker sends. Thread-safe.
 *
 * <p>Limitation: counts live in one server process (a restart or a second server starts afresh);
 * behind a proxy every client has the proxy's address, so raise the address limits there.
 */
public final class LoginThrottle {
  /**
   * The limits.
   *
   * @param accountFreeFailures failures per account before backoff starts
   * @param accountLockoutFailures failures per account that lock it for {@code lockout}
   * @param addressFreeFailures failures per client address before backoff starts
   * @param addressLockoutFailures failures per client address that lock it
   * @param backoff the first wait after the free failures (doubling with each further one)
   * @param lockout how long a lockout lasts (and how long a failure is remembered)
   * @param maxEntries keys remembered per map (accounts, addresses)
   */
  public record Policy(int accountFreeFailures, int accountLockoutFailures,
      int addressFreeFailures, int addressLockoutFailures, Duration backoff, Duration lockout,
      int maxEntries) {
    public Policy {
      if (accountFreeFailures < 0 || accountLockoutFailures <= accountFreeFailures
          || addressFreeFailures < 0 || addressLockoutFailures <= addressFreeFailures) {
        throw new IllegalArgumentException("login throttle: need 0 <= free failures < lockout"
            + " failures, got account " + accountFreeFailures + "/" + accountLockoutFailures
            + ", address " + addressFreeFailures + "/" + addressLockoutFailures);
      }
      if (backoff == null || backoff.isNegative() || backoff.isZero() || lockout == null
          || lockout.compareTo(backoff) < 0) {
        throw new IllegalArgumentException("login throttle: need 0 < backoff <= lockout, got "
            + backoff + ", " + lockout);
      }
      if (maxEntries < 16) {
        throw new IllegalArgumentException("login throttle: maxEntries must be at least 16, got "
            + maxEntries);
      }
    }

    /**
     * Per account: 5 free failures, locked at 10; per address: 20 free, locked at 100; backoff
     * from 1 s; a 15-minute lockout; 100,000 keys per map.
     */
    public static Policy defaults() {
      return new Policy(5, 10, 20, 100, Duration.ofSeconds(1), Duration.ofMinutes(15), 100_000);
    }
  }

  private static final class Entry {
    int failures;
    Instant lastFailure;
    Instant lockedUntil;
  }

  private final Policy policy;
  private final Map<String, Entry> accounts;
  private final Map<String, Entry> addresses;

  public LoginThrottle(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.accounts = boundedMap(policy.maxEntries());
    this.addresses = boundedMap(policy.maxEntries());
  }

  private static Map<String, Entry> boundedMap(int max) {
    return new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > max;
      }
    };
  }

  /**
   * Refuses an attempt that must wait.
   *
   * @param address the client's address, or null when unknown
   * @throws ServiceException 429 {@code login_throttled} with the seconds to wait
   */
  public synchronized void check(String account, String address, Instant now) {
    refuseIfWaiting(accounts, account, policy.accountFreeFailures(), now, "this account");
    if (address != null) {
      refuseIfWaiting(addresses, address, policy.addressFreeFailures(), now, "your address");
    }
  }

  /** Counts a failed attempt. */
  public synchronized void failed(String account, String address, Instant now) {
    fail(accounts, account, policy.accountLockoutFailures(), now);
    if (address != null) {
      fail(addresses, address, policy.addressLockoutFailures(), now);
    }
  }

  /** Clears the account's failures after a successful login. */
  public synchronized void succeeded(String account) {
    accounts.remove(account);
  }

  private void refuseIfWaiting(Map<String, Entry> map, String key, int free, Instant now,
      String who) {
    Entry e = live(map, key, now);
    if (e == null) {
      return;
    }
    if (e.lockedUntil != null) {
      throw refusal("too many failed logins for " + who + ": locked out", e.lockedUntil, now);
    }
    if (e.failures >= free) {
      Instant allowed = e.lastFailure.plus(wait(e.failures - free));
      if (now.isBefore(allowed)) {
        throw refusal("too many failed logins for " + who + ": wait before trying again",
            allowed, now);
      }
    }
  }

  private void fail(Map<String, Entry> map, String key, int lockoutAt, Instant now) {
    Entry e = live(map, key, now);
    if (e == null) {
      e = new Entry();
      map.put(key, e);
    }
    e.failures++;
    e.lastFailure = now;
    if (e.failures >= lockoutAt) {
      e.lockedUntil = now.plus(policy.lockout());
    }
  }

  /** The key's entry, or null when it has none or it has expired (then it is dropped). */
  private Entry live(Map<String, Entry> map, String key, Instant now) {
    Entry e = map.get(key);
    if (e == null) {
      return null;
    }
    boolean expired = e.lockedUntil != null ? !now.isBefore(e.lockedUntil)
        : !now.isBefore(e.lastFailure.plus(policy.lockout()));
    if (expired) {
      map.remove(key);
      return null;
    }
    return e;
  }

  /** The backoff after {@code extra} failures beyond the free ones: doubling, at most lockout. */
  private Duration wait(int extra) {
    Duration d = policy.backoff();
    for (int i = 0; i < extra && d.compareTo(policy.lockout()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(policy.lockout()) > 0 ? policy.lockout() : d;
  }

  private static ServiceException refusal(String what, Instant until, Instant now) {
    long millis = Duration.between(now, until).toMillis();
    long seconds = Math.max(1, (millis + 999) / 1000);
    return new ServiceException(429, "login_throttled", what + ": retry in " + seconds + " s",
        seconds);
  }
}
