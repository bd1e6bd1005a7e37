package dev.veil.server.app;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.veil.server.blob.FileBlobStore;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes the blobs no row references any more: a data-set part uploaded again, a deleted data set,
 * input or key set, the result of a job that was run again. Runs once at start and then every
 * {@link StorageLimits#blobCollectionInterval}.
 *
 * <p>A blob is deleted only if no row references it and it was last stored more than {@link
 * StorageLimits#blobGrace} ago. The grace is what makes the collector safe beside uploads: an
 * upload's bytes become a blob before the row that references it is written (the blob store knows
 * nothing of rows), so a blob younger than the grace may be about to be referenced; storing bytes
 * that are already a blob marks that blob as stored now ({@link FileBlobStore}), and the store
 * excludes that from the deletion, so a new reference to an old blob is safe too. Uploads under
 * way are temporary files, not blobs, and are never looked at.
 *
 * <p>The references, one query per column that names a blob: {@code key_sets} (parameters,
 * public key, evaluation keys), {@code dataset_parts}, {@code job_inputs}, {@code jobs.result_sha256},
 * {@code handovers} (masked and switched models), and every digest in the parameters of a job that
 * is queued, running or waiting for its hand-over (an inference job names its input's blob). A
 * table added later that names blobs must be added here.
 */
final class BlobCollector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);
  private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
  private static final List<String> REFERENCES = List.of(
      "SELECT params_sha256 FROM key_sets",
      "SELECT public_key_sha256 FROM key_sets WHERE public_key_sha256 IS NOT NULL",
      "SELECT evaluation_keys_sha256 FROM key_sets WHERE evaluation_keys_sha256 IS NOT NULL",
      "SELECT blob_sha256 FROM dataset_parts",
      "SELECT sha256 FROM job_inputs",
      "SELECT result_sha256 FROM jobs WHERE result_sha256 IS NOT NULL",
      "SELECT masked_sha256 FROM handovers",
      "SELECT switched_sha256 FROM handovers WHERE switched_sha256 IS NOT NULL");

  private final Jdbi jdbi;
  private final FileBlobStore blobs;
  private final Duration grace;
  private final Duration interval;
  private final Clock clock;
  private ScheduledExecutorService scheduler;

  /** @param clock the wall clock the blob files' times are compared with */
  BlobCollector(Jdbi jdbi, FileBlobStore blobs, Duration grace, Duration interval, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.grace = Objects.requireNonNull(grace, "grace");
    this.interval = Objects.requireNonNull(interval, "interval");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Collects now, in the background, and then every interval. */
  synchronized void start() {
    if (scheduler != null) {
      return;
    }
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veil-blob-collector");
      t.setDaemon(true);
      return t;
    });
    scheduler.scheduleWithFixedDelay(this::collectQuietly, 0, interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void collectQuietly() {
    try {
      Result r = collect();
      if (r.deleted() > 0) {
        LOG.info("deleted {} unreferenced blob(s) of {} bytes", r.deleted(), r.bytes());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("collecting unreferenced blobs failed: {}", e.toString());
    }
  }

  /** What one collection deleted. */
  record Result(int deleted, long bytes) {}

  /** Deletes the unreferenced blobs older than the grace; the caller's thread. */
  Result collect() throws IOException {
    Instant cutoff = clock.instant().minus(grace);
    // the candidates first: a reference read after them covers a blob referenced meanwhile
    List<FileBlobStore.StoredBlob> old = new ArrayList<>();
    blobs.forEach(b -> {
      if (b.storedAt().isBefore(cutoff)) {
        old.add(b);
      }
    });
    if (old.isEmpty()) {
      return new Result(0, 0);
    }
    Set<String> referenced = referenced();
    int deleted = 0;
    long bytes = 0;
    for (FileBlobStore.StoredBlob b : old) {
      if (referenced.contains(b.sha256())) {
        continue;
      }
      long size = blobs.size(b.sha256());
      if (blobs.deleteIfStoredBefore(b.sha256(), cutoff)) {
        deleted++;
        bytes += Math.max(0, size);
      }
    }
    return new Result(deleted, bytes);
  }

  private Set<String> referenced() {
    return jdbi.withHandle(h -> {
      Set<String> out = new HashSet<>();
      for (String sql : REFERENCES) {
        h.createQuery(sql).mapTo(String.class).forEach(s -> out.add(s.toLowerCase(
            java.util.Locale.ROOT)));
      }
      activeJobDigests(h, out);
      return out;
    });
  }

  private static void activeJobDigests(Handle h, Set<String> out) {
    h.createQuery("SELECT parameters FROM jobs WHERE state IN ('QUEUED', 'RUNNING',"
        + " 'HANDOVER_PENDING')").mapTo(String.class).forEach(p -> {
          Matcher m = DIGEST.matcher(p);
          while (m.find()) {
            out.add(m.group());
          }
        });
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      scheduler = null;
    }
  }
}
