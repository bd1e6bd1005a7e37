package dev.veil.server.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * What the repositories share beyond plain JDBI, identical on H2 and PostgreSQL: timestamps as
 * {@code TIMESTAMP WITH TIME ZONE} bound and read as UTC {@link OffsetDateTime} (millisecond
 * precision, so that a value read back equals the one written), the classification of SQL errors
 * (a unique-key violation; a transient failure: serialization failure, deadlock, lock timeout),
 * and a transaction runner that retries transient failures.
 */
public final class SqlSupport {
  /** Attempts of {@link #inTransaction} before a transient failure is rethrown. */
  public static final int MAX_ATTEMPTS = 8;

  private SqlSupport() {}

  /** The value to bind for an instant (null stays null). */
  public static OffsetDateTime time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
  }

  /** Reads a timestamp column as an instant (null stays null). */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** Reads a nullable BIGINT column. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  /** Whether {@code e} (or a cause) is a unique-key violation (SQLState 23505 on both). */
  public static boolean isUniqueViolation(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code e} (or a cause) is a failure that a new attempt of the same transaction may
   * not meet: serialization failure (40001, H2's deadlock too), PostgreSQL deadlock (40P01), H2
   * lock timeout (HYT00).
   */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state) || "HYT00".equals(state)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Runs {@code callback} in a transaction (committed when it returns, rolled back when it
   * throws), retrying it from the start after a transient failure, up to {@link #MAX_ATTEMPTS}
   * times with a short randomised back-off. The callback must therefore have no effect outside
   * the database, or only idempotent ones.
   */
  public static <R, X extends Exception> R inTransaction(Jdbi jdbi, HandleCallback<R, X> callback)
      throws X {
    for (int attempt = 1; ; attempt++) {
      try {
        return jdbi.inTransaction(callback);
      } catch (RuntimeException e) {
        if (attempt >= MAX_ATTEMPTS || !isTransient(e)) {
          throw e;
        }
        backOff(attempt);
      }
    }
  }

  /** {@link #inTransaction} for a callback with no result. */
  public static <X extends Exception> void useTransaction(Jdbi jdbi,
      org.jdbi.v3.core.HandleConsumer<X> callback) throws X {
    inTransaction(jdbi, (Handle h) -> {
      callback.useHandle(h);
      return null;
    });
  }

  private static void backOff(int attempt) {
    long max = Math.min(200, 5L << attempt);
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, max + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while retrying a transaction", e);
    }
  }
}
