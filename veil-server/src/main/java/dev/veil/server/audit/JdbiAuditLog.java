package dev.veil.server.audit;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.veil.server.db.Database;
import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * The audit log in the {@code audit_log} table, chained through the single {@code audit_head} row.
 *
 * <p>Appends are serialised twice: by a lock in this process, and by {@code SELECT ... FOR
 * UPDATE} on the head row inside the append's transaction, so that appends from several server
 * processes sharing one database also form a single chain. The head row holds the last sequence
 * number and hash; {@link #verify} checks the chain up to it, so that removing the newest records
 * is detected as well as editing or removing any other. Whoever can rewrite the whole table and
 * the head can forge a consistent chain: {@link AuditCheckpoints} signs the head with a key kept
 * outside the database, so that such a rewriting of what a checkpoint covers is detected.
 */
public final class JdbiAuditLog implements AuditLog, AuditQuery {
  private static final Pattern ACTION = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");
  private static final int MAX_DETAILS = 8192;
  private static final int PAGE = 1000;

  private static final RowMapper<AuditRecord> MAPPER = (rs, ctx) -> new AuditRecord(
      rs.getLong("seq"), Sql.instant(rs, "recorded_at"), rs.getString("actor"),
      rs.getString("action"), rs.getString("subject"), rs.getString("details"),
      rs.getString("prev_hash"), rs.getString("hash"));

  private record Head(long seq, String hash) {}

  private final Jdbi jdbi;
  private final Clock clock;
  private final ObjectMapper canonical;
  private final ReentrantLock lock = new ReentrantLock();
  private final LongConsumer appended;

  public JdbiAuditLog(Jdbi jdbi, Clock clock) {
    this(jdbi, clock, seq -> { });
  }

  /**
   * @param appended called with each new record's sequence number once its transaction has
   *     committed (e.g. {@link AuditCheckpoints#appended}); must not append to this log
   */
  public JdbiAuditLog(Jdbi jdbi, Clock clock, LongConsumer appended) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.appended = Objects.requireNonNull(appended, "appended");
    this.canonical = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  }

  @Override
  public void record(String actor, String action, String subject, Map<String, Object> details) {
    if (action == null || action.length() > 100 || !ACTION.matcher(action).matches()) {
      throw new IllegalArgumentException("bad audit action name: " + action);
    }
    String json;
    try {
      json = canonical.writeValueAsString(details == null ? Map.of() : details);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("audit details are not JSON-serialisable", e);
    }
    if (json.length() > MAX_DETAILS) {
      throw new IllegalArgumentException("audit details over " + MAX_DETAILS + " characters");
    }
    String subj = subject != null && subject.length() > 200 ? subject.substring(0, 200) : subject;
    long seq;
    lock.lock();
    try {
      seq = jdbi.inTransaction(TransactionIsolationLevel.READ_COMMITTED, h -> {
        Head head = h.createQuery("SELECT last_seq, last_hash FROM audit_head WHERE id = 1"
                + " <" + Database.FOR_UPDATE + ">")
            .map((rs, ctx) -> new Head(rs.getLong(1), rs.getString(2))).one();
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AuditRecord r = AuditRecord.create(head.seq() + 1, now, actor, action, subj, json,
            head.hash());
        h.createUpdate("INSERT INTO audit_log (seq, recorded_at, actor, action, subject, details,"
                + " prev_hash, hash) VALUES (:seq, :at, :actor, :action, :subject, :details,"
                + " :prev, :hash)")
            .bind("seq", r.seq())
            .bind("at", Sql.time(r.recordedAt()))
            .bind("actor", r.actor())
            .bind("action", r.action())
            .bind("subject", r.subject())
            .bind("details", r.details())
            .bind("prev", r.prevHash())
            .bind("hash", r.hash())
            .execute();
        h.createUpdate("UPDATE audit_head SET last_seq = :seq, last_hash = :hash WHERE id = 1")
            .bind("seq", r.seq()).bind("hash", r.hash()).execute();
        return r.seq();
      });
    } finally {
      lock.unlock();
    }
    appended.accept(seq);
  }

  @Override
  public Verification verify() {
    Head head = jdbi.withHandle(h -> h.createQuery("SELECT last_seq, last_hash FROM audit_head"
            + " WHERE id = 1").map((rs, ctx) -> new Head(rs.getLong(1), rs.getString(2))).one());
    long expectedSeq = 1;
    String prev = AuditRecord.GENESIS;
    long checked = 0;
    while (expectedSeq <= head.seq()) {
      long after = expectedSeq - 1;
      List<AuditRecord> page = after(after, (int) Math.min(PAGE, head.seq() - after));
      if (page.isEmpty()) {
        return new Verification(checked, false, expectedSeq, "record " + expectedSeq
            + " is missing (the head says the log ends at " + head.seq() + ")");
      }
      for (AuditRecord r : page) {
        if (r.seq() != expectedSeq) {
          return new Verification(checked, false, expectedSeq, "record " + expectedSeq
              + " is missing (found " + r.seq() + " next)");
        }
        if (!r.prevHash().equals(prev)) {
          return new Verification(checked, false, r.seq(), "record " + r.seq()
              + " does not link to the previous record's hash");
        }
        if (!r.hashMatches()) {
          return new Verification(checked, false, r.seq(), "record " + r.seq()
              + " was altered: its hash does not match its contents");
        }
        prev = r.hash();
        expectedSeq++;
        checked++;
      }
    }
    if (!prev.equals(head.hash())) {
      return new Verification(checked, false, head.seq(), "the last record's hash differs from"
          + " the head's: the log was cut or rewritten");
    }
    return new Verification(checked, true, -1, null);
  }

  @Override
  public List<AuditRecord> after(long afterSeq, int limit) {
    if (limit < 1) {
      return List.of();
    }
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM audit_log WHERE seq > :after"
            + " ORDER BY seq LIMIT :limit")
        .bind("after", afterSeq).bind("limit", limit).map(MAPPER).list());
  }
}
