package dev.veil.server.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The one SQL helper the repositories share beyond plain JDBI, identical on SQLite and
 * PostgreSQL: timestamps, the classification of SQL errors, and a transaction runner.
 *
 * <p><b>Timestamps</b> are {@code TIMESTAMP WITH TIME ZONE} columns, bound as UTC {@link
 * OffsetDateTime}s at millisecond precision and read back as instants: the clock gives
 * nanoseconds on some systems, PostgreSQL keeps microseconds and rounds, so without the
 * truncation a value read back could differ from the one written (and from one database to the
 * other); at milliseconds it is the same value on both, whatever the session's time zone. SQLite
 * has no timestamp type: there the value is the fixed-width text of {@link #text} ({@code
 * 2026-12-07T20:31:05.042Z}), which orders and compares in SQL as the instants do.
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
    Object v = rs.getObject(column);
    Instant t;
    if (v == null) {
      return null;
    } else if (v instanceof String s) { // SQLite
      try {
        t = TEXT.parse(s, Instant::from);
      } catch (DateTimeParseException e) {
        throw new SQLException("column " + column + " holds '" + s + "', not a timestamp", e);
      }
    } else if (v instanceof java.sql.Timestamp ts) { // PostgreSQL's driver, for timestamptz
      t = ts.toInstant();
    } else if (v instanceof OffsetDateTime o) {
      t = o.toInstant();
    } else {
      throw new SQLException("column " + column + " holds a " + v.getClass().getName()
          + ", not a timestamp");
    }
    return t.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * The text SQLite stores for an instant: UTC, to the millisecond, always 24 characters, so that
   * text order is time order.
   */
  public static String text(Instant t) {
    return TEXT.format(t.truncatedTo(ChronoUnit.MILLIS));
  }

  private static final DateTimeFormatter TEXT =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Reads a nullable BIGINT column. */
  public static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  /** Reads a nullable BOOLEAN column. */
  public static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }

  /**
   * Whether {@code e} (or a cause) is a unique-key violation: SQLState 23505 on PostgreSQL, a
   * UNIQUE or PRIMARY KEY constraint failure on SQLite.
   */
  public static boolean isUniqueViolation(Throwable e) {
    return hasState(e, "23505") || hasSqliteCode(e, SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE,
        SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY);
  }

  /**
   * Whether {@code e} (or a cause) is a foreign-key violation, a row deleted while others refer
   * to it or one inserted that refers to a missing row: SQLState 23503 on PostgreSQL, a FOREIGN
   * KEY constraint failure on SQLite.
   */
  public static boolean isForeignKeyViolation(Throwable e) {
    return hasState(e, "23503")
        || hasSqliteCode(e, SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY);
  }

  /**
   * Whether {@code e} (or a cause) is a failure that a new attempt of the same transaction may
   * not meet: on PostgreSQL a serialization failure (40001) or deadlock (40P01), on SQLite a lock
   * still held when the busy timeout ran out.
   */
  public static boolean isTransient(Throwable e) {
    return hasState(e, "40001", "40P01") || hasSqliteCode(e, SQLiteErrorCode.SQLITE_BUSY,
        SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT, SQLiteErrorCode.SQLITE_BUSY_RECOVERY,
        SQLiteErrorCode.SQLITE_LOCKED, SQLiteErrorCode.SQLITE_LOCKED_SHAREDCACHE);
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

  private static boolean hasSqliteCode(Throwable e, SQLiteErrorCode... codes) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException s) {
        for (SQLiteErrorCode code : codes) {
          if (s.getResultCode() == code) {
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
