package dev.veil.server.audit;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.veil.api.AuditChain;
import dev.veil.api.AuditCheckpoint;
import dev.veil.api.AuditSigningKey;
import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed checkpoints of the audit log's head, in the {@code audit_checkpoints} table: the newest
 * record's sequence number and hash and the time, signed by the {@link AuditSigner} whose key is
 * not in the database. A database writer can recompute the hash chain but not these signatures,
 * so a verifier holding the public key detects a rewriting of any record a checkpoint covers.
 *
 * <h2>When</h2>
 *
 * A checkpoint is made when the head has moved since the last one, and then: every {@link
 * Policy#every} (from {@link #start}), as soon as {@link Policy#everyRecords} records were
 * appended since the last one ({@link #appended}, the audit log's listener), on demand ({@link
 * #checkpoint}, {@code POST /api/audit/checkpoints}) and at {@link #close} (shutdown). Each is made
 * at most once per head (a unique sequence number), also with several servers sharing a database.
 * Thread-safe.
 */
public final class AuditCheckpoints implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AuditCheckpoints.class);

  /**
   * When checkpoints are made besides on demand and at shutdown.
   *
   * @param every the period of the timer (at least 100 ms)
   * @param everyRecords records appended since the last checkpoint that trigger one (at least 1)
   */
  public record Policy(Duration every, long everyRecords) {
    public Policy {
      if (every == null || every.toMillis() < 100 || everyRecords < 1) {
        throw new IllegalArgumentException("checkpoints need a period of at least 100 ms and a"
            + " record count of at least 1, got " + every + " and " + everyRecords);
      }
    }

    /** Every minute, and every 1000 records. */
    public static Policy defaults() {
      return new Policy(Duration.ofMinutes(1), 1000);
    }
  }

  private record Head(long seq, String hash) {}

  private static final RowMapper<AuditCheckpoint> MAPPER = (rs, ctx) -> new AuditCheckpoint(
      rs.getLong("id"), rs.getLong("head_seq"), rs.getString("head_hash"),
      instant(rs, "signed_at"), rs.getString("key_id"), rs.getString("signature"));

  private final Jdbi jdbi;
  private final AuditSigner signer;
  private final Clock clock;
  private final Policy policy;
  private final ScheduledExecutorService timer;
  private volatile long lastSeq = -1;

  public AuditCheckpoints(Jdbi jdbi, AuditSigner signer, Clock clock, Policy policy) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veil-audit-checkpoints");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts the timer. */
  public void start() {
    long ms = policy.every().toMillis();
    timer.scheduleWithFixedDelay(this::checkpointQuietly, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * The audit log's listener: called after record {@code seq} was appended; schedules a
   * checkpoint once {@link Policy#everyRecords} records have come since the last one.
   */
  public void appended(long seq) {
    long last = lastSeq;
    if (last < 0 || seq - last >= policy.everyRecords()) {
      lastSeq = seq;
      try {
        timer.execute(this::checkpointQuietly);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // shutting down: close() makes the last one
      }
    }
  }

  /**
   * Signs the current head unless a checkpoint covers it already.
   *
   * @return the newest checkpoint (made now or before); empty while the log is empty
   */
  public synchronized Optional<AuditCheckpoint> checkpoint() {
    Optional<AuditCheckpoint> made = Sql.inTransaction(jdbi, h -> {
      Head head = h.createQuery("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
          .map((rs, ctx) -> new Head(rs.getLong(1), rs.getString(2))).one();
      Optional<AuditCheckpoint> newest = newest(h);
      if (head.seq() == 0 || newest.map(c -> c.seq() >= head.seq()).orElse(false)) {
        return newest;
      }
      Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
      byte[] sig = signer.sign(AuditChain.checkpointMessage(head.seq(), head.hash(), now));
      h.createUpdate("INSERT INTO audit_checkpoints (head_seq, head_hash, signed_at, key_id,"
              + " signature) VALUES (:seq, :hash, :at, :key, :sig) ON CONFLICT DO NOTHING")
          .bind("seq", head.seq()).bind("hash", head.hash()).bind("at", time(now))
          .bind("key", signer.keyId()).bind("sig", Base64.getEncoder().encodeToString(sig))
          .execute();
      return newest(h);
    });
    made.ifPresent(c -> lastSeq = Math.max(lastSeq, c.seq()));
    return made;
  }

  private void checkpointQuietly() {
    try {
      checkpoint();
    } catch (RuntimeException e) {
      LOG.warn("could not make an audit checkpoint (trying again later)", e);
    }
  }

  private static Optional<AuditCheckpoint> newest(Handle h) {
    return h.createQuery("SELECT * FROM audit_checkpoints ORDER BY id DESC LIMIT 1")
        .map(MAPPER).findOne();
  }

  /** Up to {@code limit} checkpoints with ids above {@code afterId}, in order. */
  public List<AuditCheckpoint> after(long afterId, int limit) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_checkpoints WHERE id > :after"
            + " ORDER BY id LIMIT :limit")
        .bind("after", afterId).bind("limit", limit).map(MAPPER).list());
  }

  /** The public key that verifies the checkpoints. */
  public AuditSigningKey signingKey() {
    return signer.signingKey();
  }

  /** Stops the timer, then signs the head a last time (shutdown). */
  @Override
  public void close() {
    timer.shutdown();
    try {
      if (!timer.awaitTermination(10, TimeUnit.SECONDS)) {
        timer.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    checkpointQuietly();
  }

  @Override
  public String toString() {
    return "AuditCheckpoints[" + signer + "]";
  }
}
