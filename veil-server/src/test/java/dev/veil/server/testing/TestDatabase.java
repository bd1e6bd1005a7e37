package dev.veil.server.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh, migrated database for repository and service tests, without the app: H2 in memory
 * (PostgreSQL mode), or the test PostgreSQL of {@link TestDatabases} in a schema of its own that
 * {@link #close()} drops (skipped without a server unless {@code veil.test.requirePostgres=true}).
 */
public final class TestDatabase implements AutoCloseable {
  /** Which database a parameterised test runs on. */
  public enum Kind {
    H2,
    POSTGRES
  }

  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final Kind kind;
  private final String schema;
  private final String user;

  private TestDatabase(HikariDataSource pool, Kind kind, String schema, String user) {
    this.pool = pool;
    this.kind = kind;
    this.schema = schema;
    this.user = user;
    Flyway.configure().dataSource(pool).locations("classpath:db/migration")
        .schemas(schema == null ? new String[0] : new String[] {schema}).load().migrate();
    this.jdbi = Jdbi.create(pool);
  }

  public static TestDatabase open(Kind kind) {
    return kind == Kind.H2 ? h2() : postgres();
  }

  public static TestDatabase h2() {
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(TestDatabases.h2MemoryUrl());
    c.setMaximumPoolSize(16);
    return new TestDatabase(new HikariDataSource(c), Kind.H2, null, null);
  }

  public static TestDatabase postgres() {
    String user = TestDatabases.requirePostgres();
    String schema = TestDatabases.freshSchema();
    try (Connection conn = DriverManager.getConnection(TestDatabases.PG_URL, user, "");
        Statement st = conn.createStatement()) {
      st.execute("CREATE SCHEMA " + schema);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the test schema " + schema, e);
    }
    HikariConfig c = new HikariConfig();
    c.setJdbcUrl(TestDatabases.PG_URL);
    c.setUsername(user);
    c.setSchema(schema);
    c.setMaximumPoolSize(16);
    return new TestDatabase(new HikariDataSource(c), Kind.POSTGRES, schema, user);
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public void close() {
    String url = pool.getJdbcUrl();
    pool.close();
    if (kind == Kind.H2) {
      try (Connection conn = DriverManager.getConnection(url);
          Statement st = conn.createStatement()) {
        st.execute("SHUTDOWN");
      } catch (SQLException e) {
        throw new IllegalStateException("could not shut the test database down", e);
      }
    } else {
      try (Connection conn = DriverManager.getConnection(TestDatabases.PG_URL, user, "");
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
