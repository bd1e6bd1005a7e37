package dev.veil.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;

/**
 * A fresh, migrated database for one test class or test: H2 in memory (PostgreSQL mode), or
 * PostgreSQL at 127.0.0.1:5432, database {@code test} (trust authentication, user postgres) in a
 * schema of its own that {@link #close()} drops. Without a PostgreSQL server the PostgreSQL
 * variant skips the test (a JUnit assumption) unless {@code -Dveil.test.requirePostgres=true}.
 */
public final class TestDatabase implements AutoCloseable {
  public static final String PG_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  public static final String PG_USER = "postgres";

  /** Which database a parameterised test runs on. */
  public enum Kind {
    H2,
    POSTGRES
  }

  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final Kind kind;
  private final String schema;
  private final String url;

  private TestDatabase(HikariDataSource pool, Kind kind, String schema) {
    this.pool = pool;
    this.url = pool.getJdbcUrl();
    this.kind = kind;
    this.schema = schema;
    Flyway.configure().dataSource(pool).locations("classpath:db/migration")
        .schemas(schema == null ? new String[0] : new String[] {schema}).load().migrate();
    this.jdbi = Jdbi.create(pool);
  }

  public static TestDatabase open(Kind kind) {
    return kind == Kind.H2 ? h2() : postgres();
  }

  public static TestDatabase h2() {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl("jdbc:h2:mem:" + UUID.randomUUID()
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DB_CLOSE_DELAY=-1");
    c.setMaximumPoolSize(16);
    return new TestDatabase(new HikariDataSource(c), Kind.H2, null);
  }

  public static TestDatabase postgres() {
    boolean required = Boolean.getBoolean("veil.test.requirePostgres");
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16)
        .toLowerCase(Locale.ROOT);
    DriverManager.setLoginTimeout(3);
    try (Connection conn = DriverManager.getConnection(PG_URL, PG_USER, "");
        Statement st = conn.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      if (required) {
        throw new IllegalStateException("PostgreSQL is required (veil.test.requirePostgres) but "
            + PG_URL + " does not answer: " + e.getMessage(), e);
      }
      Assumptions.abort("no PostgreSQL at " + PG_URL + ": " + e.getMessage());
    }
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(PG_URL);
    c.setUsername(PG_USER);
    c.setSchema(schema);
    c.setMaximumPoolSize(16);
    return new TestDatabase(new HikariDataSource(c), Kind.POSTGRES, schema);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public void close() {
    if (kind == Kind.H2) {
      pool.close();
      try (Connection conn = DriverManager.getConnection(url);
          Statement st = conn.createStatement()) {
        st.execute("SHUTDOWN");
      } catch (SQLException e) {
        throw new IllegalStateException("could not shut the test database down", e);
      }
    } else {
      pool.close();
    }
    if (schema != null) {
      try (Connection conn = DriverManager.getConnection(PG_URL, PG_USER, "");
          Statement st = conn.createStatement()) {
        st.execute("DROP SCHEMA " + schema + " CASCADE");
      } catch (SQLException e) {
        throw new IllegalStateException("could not drop test schema " + schema, e);
      }
    }
  }

  @Override
  public String toString() {
    return kind.name();
  }
}
