package dev.veil.server.app;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits that keep the server's storage bounded under abuse.
 *
 * @param maxInputsPerUser inputs ({@code POST /api/inputs}) one user may hold at once
 * @param maxInputBytesPerUser bytes all of one user's inputs may hold together
 * @param blobGrace how old an unreferenced blob must be before the collector deletes it: the
 *     time between an upload's blob landing in the store and the row that references it being
 *     written is far shorter, so a blob younger than this is never taken from an upload under way
 * @param blobCollectionInterval how often unreferenced blobs are collected (also once at start)
 */
public record StorageLimits(int maxInputsPerUser, long maxInputBytesPerUser, Duration blobGrace,
    Duration blobCollectionInterval) {
  public StorageLimits {
    if (maxInputsPerUser < 1) {
      throw new IllegalArgumentException("maxInputsPerUser must be at least 1, got "
          + maxInputsPerUser);
    }
    if (maxInputBytesPerUser < 1) {
      throw new IllegalArgumentException("maxInputBytesPerUser must be at least 1, got "
          + maxInputBytesPerUser);
    }
    Objects.requireNonNull(blobGrace, "blobGrace");
    if (blobGrace.toMinutes() < 1) {
      throw new IllegalArgumentException("blobGrace must be at least a minute, got "
          + blobGrace);
    }
    Objects.requireNonNull(blobCollectionInterval, "blobCollectionInterval");
    if (blobCollectionInterval.toSeconds() < 1) {
      throw new IllegalArgumentException("blobCollectionInterval must be at least a second, got "
          + blobCollectionInterval);
    }
  }

  /** 100 inputs and 16 GiB of them per user; blobs collected hourly once a day old. */
  public static StorageLimits defaults() {
    return new StorageLimits(100, 16L << 30, Duration.ofHours(24), Duration.ofHours(1));
  }

  public StorageLimits withMaxInputsPerUser(int v) {
    return new StorageLimits(v, maxInputBytesPerUser, blobGrace, blobCollectionInterval);
  }

  public StorageLimits withMaxInputBytesPerUser(long v) {
    return new StorageLimits(maxInputsPerUser, v, blobGrace, blobCollectionInterval);
  }

  public StorageLimits withBlobGrace(Duration v) {
    return new StorageLimits(maxInputsPerUser, maxInputBytesPerUser, v, blobCollectionInterval);
  }

  public StorageLimits withBlobCollectionInterval(Duration v) {
    return new StorageLimits(maxInputsPerUser, maxInputBytesPerUser, blobGrace, v);
  }
}
