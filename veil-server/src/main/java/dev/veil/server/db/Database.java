package dev.veil.server.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * The database: a HikariCP connection pool, the schema brought up to date by Flyway from {@code
 * classpath:db/migration} on {@link #open}, and a {@link Jdbi} over the pool.
 *
 * <p>The same migrations and SQL run on the embedded H2 database (PostgreSQL mode, lower-case
 * names) and on PostgreSQL: they use only portable types (VARCHAR, BIGINT, INT, BOOLEAN, TIMESTAMP
 * WITH TIME ZONE) and statements. Migration files are {@code V<n>__<what>.sql}; a file that has
 * run is never edited, a change is a new file.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final boolean postgres;

  private Database(HikariDataSource pool, boolean postgres) {
    this.pool = pool;
    // H2 acknowledges a commit before it is on disk: sync each one (see SyncedCommits)
    this.jdbi = Jdbi.create(postgres ? pool : SyncedCommits.wrap(pool));
    this.postgres = postgres;
  }

  /**
   * Where the database is and whom to connect as.
   *
   * @param jdbcUrl the JDBC URL (H2 or PostgreSQL)
   * @param dbUser the user, or null
   * @param dbPassword the password, or null
   * @param dbSchema the schema the tables live in (created if missing), a lower-case SQL
   *     identifier, or null for the connection's default
   */
  public record Settings(String jdbcUrl, String dbUser, String dbPassword, String dbSchema) {
    public Settings {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (dbSchema != null && !dbSchema.matches(SCHEMA_NAME)) {
        throw new IllegalArgumentException("dbSchema must be a lower-case SQL identifier, got '"
            + dbSchema + "'");
      }
    }
  }

  /** A lower-case SQL identifier: the schema names {@link Settings} accepts. */
  public static final String SCHEMA_NAME = "[a-z_][a-z0-9_]{0,62}";

  /**
   * Connects and migrates.
   *
   * @param config where the database is
   * @param maxConnections the pool size
   * @throws IllegalStateException naming the database when it cannot be reached or migrated
   */
  public static Database open(Settings config, int maxConnections) {
    Objects.requireNonNull(config, "config");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive, got "
          + maxConnections);
    }
    String url = config.jdbcUrl();
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("veil-db");
    hc.setJdbcUrl(url);
    if (config.dbUser() != null) {
      hc.setUsername(config.dbUser());
    }
    if (config.dbPassword() != null) {
      hc.setPassword(config.dbPassword());
    }
    hc.setMaximumPoolSize(maxConnections);
    hc.setMinimumIdle(Math.min(2, maxConnections));
    hc.setConnectionTimeout(10_000);
    if (config.dbSchema() != null) {
      if (url.startsWith("jdbc:h2:")) {
        createH2Schema(config, url); // H2 cannot switch to a schema that does not exist yet
      }
      hc.setSchema(config.dbSchema());
    }
    HikariDataSource ds;
    try {
      ds = new HikariDataSource(hc);
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot connect to the database " + redact(url) + ": "
          + rootMessage(e), e);
    }
    try {
      var fc = Flyway.configure()
          .dataSource(ds)
          .locations("classpath:db/migration")
          .failOnMissingLocations(true);
      if (config.dbSchema() != null) {
        fc = fc.schemas(config.dbSchema()).defaultSchema(config.dbSchema()).createSchemas(true);
      }
      fc.load().migrate();
      boolean pg;
      try (Connection c = ds.getConnection()) {
        pg = c.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
            .contains("postgres");
        if (!pg) {
          SyncedCommits.sync(c); // the migrations, on disk before the server starts
        }
      }
      return new Database(ds, pg);
    } catch (RuntimeException | SQLException e) {
      ds.close();
      throw new IllegalStateException("cannot migrate the database " + redact(url) + ": "
          + rootMessage(e), e);
    }
  }

  private static void createH2Schema(Settings config, String url) {
    try (Connection c = java.sql.DriverManager.getConnection(url, config.dbUser(),
        config.dbPassword()); java.sql.Statement st = c.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + config.dbSchema()); // a checked identifier
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create the schema " + config.dbSchema() + " in "
          + redact(url) + ": " + e.getMessage(), e);
    }
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** Whether this is PostgreSQL (else the embedded H2). */
  public boolean isPostgres() {
    return postgres;
  }

  /**
   * Drops a schema and everything in it (tests: each PostgreSQL run uses a fresh schema).
   *
   * @param schema a lower-case SQL identifier
   */
  public void dropSchema(String schema) {
    Objects.requireNonNull(schema, "schema");
    if (!schema.matches(SCHEMA_NAME)) {
      throw new IllegalArgumentException("not a schema name: " + schema);
    }
    jdbi.useHandle(h -> h.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE"));
  }

  @Override
  public void close() {
    pool.close();
  }

  /** The URL without a password parameter. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return String.valueOf(t.getMessage());
  }
}
