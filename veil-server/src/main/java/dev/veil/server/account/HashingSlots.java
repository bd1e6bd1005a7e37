package dev.veil.server.account;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.veil.server.core.ServiceException;

/**
 * A bound on password hashes computed at once: each Argon2 run holds a slot (and its {@code
 * memoryKiB} of memory), so that a flood of logins or registrations uses at most {@code slots}
 * processors and {@code slots * memoryKiB} of memory. A request that gets no slot within {@code
 * wait} is answered 503 {@code busy} with {@code Retry-After}. Thread-safe.
 */
public final class HashingSlots {
  private final Semaphore slots;
  private final int size;
  private final Duration wait;

  /**
   * @param slots hashes at once, at least 1
   * @param wait how long a request waits for a slot, zero or more
   */
  public HashingSlots(int slots, Duration wait) {
    if (slots < 1) {
      throw new IllegalArgumentException("password hashing slots must be at least 1, got "
          + slots);
    }
    if (wait == null || wait.isNegative()) {
      throw new IllegalArgumentException("the wait for a hashing slot must be zero or more, got "
          + wait);
    }
    this.slots = new Semaphore(slots, true);
    this.size = slots;
    this.wait = wait;
  }

  /** The default: one slot per processor (at least 2, at most 16), waiting up to 2 s. */
  public static HashingSlots defaults() {
    return new HashingSlots(defaultSlots(), Duration.ofSeconds(2));
  }

  /** One slot per processor, at least 2 and at most 16. */
  public static int defaultSlots() {
    return Math.max(2, Math.min(16, Runtime.getRuntime().availableProcessors()));
  }

  /** How many slots there are. */
  public int size() {
    return size;
  }

  /**
   * Runs {@code work} holding a slot.
   *
   * @throws ServiceException 503 {@code busy} when no slot frees within the wait
   */
  public <T> T run(Supplier<T> work) {
    Objects.requireNonNull(work, "work");
    boolean got;
    try {
      got = slots.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      got = false;
    }
    if (!got) {
      throw new ServiceException(503, "busy", "the server is checking too many passwords at"
          + " once: retry in 1 s", 1);
    }
    try {
      return work.get();
    } finally {
      slots.release();
    }
  }
}
