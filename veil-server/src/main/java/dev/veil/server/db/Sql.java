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
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;

/**
 * The one SQL helper the repositories share beyond plain JDBI, identical on H2 and PostgreSQL:
 * timestamps, the classification of SQL errors, and a transaction runner.
 *
 * <p><b>Timestamps</b> are {@code TIMESTAMP WITH TIME ZONE} columns, bound and read as UTC
 * {@link OffsetDateTime}s at millisecond precision: the clock gives nanoseconds on some systems,
 * PostgreSQL keeps microseconds and rounds, so without the truncation a value read back could
 * differ from the one written (and from one database to the other); at milliseconds it is the
 * same value on both, whatever the session's time zone.
 *
 * <p><b>Errors:</b> a unique-key violation, a foreign-key violation, and a transient failure
 * (serialization failure, deadlock, lock timeout) that {@link #inTransaction} retries.
 */
public final class Sql {
  /** Attempts of {@link #inTransaction} before a transient failure is rethrown. */
  public static final int MAX_ATTEMPTS = 8;

  private Sql() {}

  /** The value to bind for an instant: UTC, to the millisecond (null stays null). */
  public static OffsetDateTime time(Instant t) {
    return t == null ? null : t.truncatedTo(ChronoUnit.MILLIS).atOffset(ZoneOffset.UTC);
  }

  /** Reads a timestamp column as an instant, to the millisecond (null stays null). */
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
    return hasState(e, "23505");
  }

  /**
   * Whether {@code e} (or a cause) is a foreign-key violation, a row deleted while others refer
   * to it or one inserted that refers to a missing row: SQLState 23503 on PostgreSQL for both,
   * on H2 23503 and 23506 (and 23002, 23003 of its older versions).
   */
  public static boolean isForeignKeyViolation(Throwable e) {
    return hasState(e, "23503", "23506", "23002", "23003");
  }

  /**
   * Whether {@code e} (or a cause) is a failure that a new attempt of the same transaction may
   * not meet: serialization failure (40001, H2's deadlock too), PostgreSQL deadlock (40P01), H2
   * lock timeout (HYT00).
   */
  public static boolean isTransient(Throwable e) {
    return hasState(e, "40001", "40P01", "HYT00");
  }

  private static boolean hasState(Throwable e, String... states) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        for (String state : states) {
          if (state.equals(s.getSQLState())) {
            return true;
          }
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
      HandleConsumer<X> callback) throws X {
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
