package dev.veil.server.db;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jdbi.v3.core.statement.StatementException;

/** Small helpers the repositories share: portable timestamps and constraint violations. */
public final class Sql {
  private Sql() {}

  /** An instant as bound to a TIMESTAMP WITH TIME ZONE column (UTC), null stays null. */
  public static OffsetDateTime ts(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  /** A TIMESTAMP WITH TIME ZONE column as an instant, or null. */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  /** Whether a statement failed on a unique or primary-key constraint (SQL state 23505). */
  public static boolean isUniqueViolation(StatementException e) {
    return hasState(e, "23505");
  }

  /** Whether a statement failed on a foreign-key constraint (SQL state 23503, H2 23002/23003). */
  public static boolean isForeignKeyViolation(StatementException e) {
    return hasState(e, "23503") || hasState(e, "23002") || hasState(e, "23003");
  }

  private static boolean hasState(Throwable e, String state) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && state.equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
