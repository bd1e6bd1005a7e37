package dev.veil.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.veil.server.app.ServerConfig;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases the tests run against: the embedded SQLite (a file in the data directory or a
 * temporary folder) and a PostgreSQL server at 127.0.0.1:5432, database {@code test}, user {@code postgres}
 * or {@code root} with trust authentication, where one answers. Each PostgreSQL use gets a fresh
 * schema, dropped afterwards. Without a server the PostgreSQL tests are skipped, unless the system
 * property {@code veil.test.requirePostgres=true} is set: then they fail.
 */
public final class TestDatabases {
  private TestDatabases() {}

  /** The test server; {@code -Dveil.test.postgresUrl=...} points elsewhere. */
  public static final String PG_URL =
      System.getProperty("veil.test.postgresUrl", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String[] PG_USERS = {"postgres", "root"};
  private static Optional<String> pgUser;
  private static String pgProblem;

  /** The URL of an SQLite database file in {@code folder}. */
  public static String sqliteUrl(java.nio.file.Path folder) {
    return "jdbc:sqlite:" + folder.resolve("test.db");
  }

  /**
   * A timestamp literal of now, for rows that tests insert by hand: SQLite's {@code
   * CURRENT_TIMESTAMP} is not the text {@link dev.veil.server.db.Sql} writes and reads.
   */
  public static final String NOW = "'" + dev.veil.server.db.Sql.text(java.time.Instant.now())
      + "'";

  /** The names of the database's tables (those of the current schema on PostgreSQL). */
  public static java.util.List<String> tables(dev.veil.server.db.Database db) {
    String sql = db.vendor() == dev.veil.server.db.Database.Vendor.SQLITE
        ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
            + " AND table_type = 'BASE TABLE' ORDER BY table_name";
    return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  /** A fresh schema name. */
  public static String freshSchema() {
    return "veil_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        .toLowerCase(Locale.ROOT);
  }

  /**
   * The user to connect to the test PostgreSQL with; skips the test (or fails it, with {@code
   * veil.test.requirePostgres=true}) when no server answers.
   */
  public static synchronized String requirePostgres() {
    if (pgUser == null) {
      pgUser = Optional.empty();
      StringBuilder problems = new StringBuilder();
      for (String user : PG_USERS) {
        try (Connection c = DriverManager.getConnection(PG_URL + "?connectTimeout=3&user="
            + user)) {
          if (c.isValid(3)) {
            pgUser = Optional.of(user);
            break;
          }
        } catch (SQLException e) {
          problems.append(user).append(": ").append(e.getMessage()).append("; ");
        }
      }
      pgProblem = "no PostgreSQL at " + PG_URL + " (" + problems + ")";
    }
    if (pgUser.isEmpty()) {
      if (Boolean.getBoolean("veil.test.requirePostgres")) {
        throw new AssertionError(pgProblem + " and veil.test.requirePostgres=true");
      }
      Assumptions.abort(pgProblem);
    }
    return pgUser.get();
  }

  /** A config on the test PostgreSQL in a fresh schema (skips the test without a server). */
  public static ServerConfig.Builder postgres(ServerConfig.Builder b) {
    String user = requirePostgres();
    return b.jdbcUrl(PG_URL).dbUser(user).dbSchema(freshSchema());
  }
}
