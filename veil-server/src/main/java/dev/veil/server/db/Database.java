package dev.veil.server.db;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.AbstractArgumentFactory;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The database: a HikariCP connection pool, the schema brought up to date by Flyway on {@link
 * #open}, and a {@link Jdbi} over the pool.
 *
 * <p>Two databases are supported, with the same SQL: the embedded SQLite (the default, one file
 * in the data directory) and PostgreSQL. The migrations are {@code classpath:db/migration/common}
 * and the folder of the database in use ({@code sqlite/} or {@code postgresql/}, which differ
 * only in how an identity column is written; see the README there). Files are {@code
 * V<n>__<what>.sql}; a file that has run is never edited, a change is a new file.
 *
 * <p><b>SQLite</b> runs with a write-ahead log and {@code synchronous=FULL}: a commit returns once
 * it is in the log and the log is {@code fsync}ed, so neither a killed process nor a power failure
 * loses an acknowledged write. Every transaction begins {@code IMMEDIATE} (it takes the write lock
 * at its start, waiting up to {@link #BUSY_TIMEOUT_MS} for it), so transactions are serialised and
 * a read-then-write one never fails half-way on a lock; reads outside transactions run beside a
 * writer. Foreign keys are enforced. Timestamps are stored as fixed-width UTC text (see {@link
 * Sql}), which sorts and compares as the instants do.
 */
public final class Database implements AutoCloseable {
  /** How long a transaction waits for SQLite's write lock before it fails. */
  public static final int BUSY_TIMEOUT_MS = 30_000;

  /** The databases Veil runs on. */
  public enum Vendor {
    SQLITE("sqlite"),
    POSTGRESQL("postgresql");

    private final String folder;

    Vendor(String folder) {
      this.folder = folder;
    }

    /**
     * The vendor of a JDBC URL.
     *
     * @throws IllegalArgumentException naming the URL's scheme when it is neither
     */
    public static Vendor of(String jdbcUrl) {
      Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (jdbcUrl.startsWith("jdbc:sqlite:")) {
        return SQLITE;
      }
      if (jdbcUrl.startsWith("jdbc:postgresql:")) {
        return POSTGRESQL;
      }
      int colon = jdbcUrl.indexOf(':', 5);
      throw new IllegalArgumentException("unsupported database URL " + redact(jdbcUrl)
          + ": Veil runs on PostgreSQL (jdbc:postgresql:...) or the embedded SQLite"
          + " (jdbc:sqlite:...)" + (colon > 0 ? ", not " + jdbcUrl.substring(0, colon) : ""));
    }

    /** The migrations' locations for this database. */
    String[] locations() {
      return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + folder};
    }
  }

  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final Vendor vendor;

  private Database(HikariDataSource pool, Vendor vendor) {
    this.pool = pool;
    this.vendor = vendor;
    this.jdbi = Jdbi.create(pool);
    // a lock taken by a read in a transaction: PostgreSQL's FOR UPDATE; SQLite's transactions
    // hold the one write lock from their start, so the read needs nothing more
    jdbi.define(FOR_UPDATE, vendor == Vendor.POSTGRESQL ? "FOR UPDATE" : "");
    if (vendor == Vendor.SQLITE) {
      jdbi.registerArgument(new OffsetDateTimeText());
      jdbi.registerArgument(new InstantText());
    }
  }

  /**
   * The attribute that queries write where PostgreSQL needs a {@code FOR UPDATE}: {@code SELECT
   * ... WHERE id = 1 <forUpdate>} (JDBI's template syntax).
   */
  public static final String FOR_UPDATE = "forUpdate";

  /**
   * Where the database is and whom to connect as.
   *
   * @param jdbcUrl the JDBC URL (SQLite or PostgreSQL)
   * @param dbUser the user, or null
   * @param dbPassword the password, or null
   * @param dbSchema the schema the tables live in (created if missing), a lower-case SQL
   *     identifier, or null for the connection's default; PostgreSQL only
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
   * @throws IllegalArgumentException when the URL is neither SQLite nor PostgreSQL
   * @throws IllegalStateException naming the database when it cannot be reached or migrated
   */
  public static Database open(Settings config, int maxConnections) {
    Objects.requireNonNull(config, "config");
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive, got "
          + maxConnections);
    }
    String url = config.jdbcUrl();
    Vendor vendor = Vendor.of(url);
    HikariConfig hc = new HikariConfig();
    hc.setPoolName("veil-db");
    if (vendor == Vendor.SQLITE) {
      if (config.dbSchema() != null || config.dbUser() != null) {
        throw new IllegalArgumentException("the embedded SQLite database has no schemas or"
            + " users: a database user or schema goes with a PostgreSQL URL");
      }
      createFolder(url);
      hc.setDataSource(sqlite(url));
    } else {
      hc.setJdbcUrl(url);
      if (config.dbUser() != null) {
        hc.setUsername(config.dbUser());
      }
      if (config.dbPassword() != null) {
        hc.setPassword(config.dbPassword());
      }
      if (config.dbSchema() != null) {
        hc.setSchema(config.dbSchema());
      }
    }
    hc.setMaximumPoolSize(maxConnections);
    hc.setMinimumIdle(Math.min(2, maxConnections));
    hc.setConnectionTimeout(10_000);
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
          .locations(vendor.locations())
          .failOnMissingLocations(true);
      if (config.dbSchema() != null) {
        fc = fc.schemas(config.dbSchema()).defaultSchema(config.dbSchema()).createSchemas(true);
      }
      fc.load().migrate();
      return new Database(ds, vendor);
    } catch (RuntimeException e) {
      ds.close();
      throw new IllegalStateException("cannot migrate the database " + redact(url) + ": "
          + rootMessage(e), e);
    }
  }

  /** Creates the folder of an SQLite file URL's file (SQLite makes the file, not its folder). */
  private static void createFolder(String url) {
    String name = url.substring("jdbc:sqlite:".length());
    if (name.isEmpty() || name.startsWith(":") || name.startsWith("file:")) {
      return; // in memory, or a URI whose folder the caller made
    }
    Path parent = Path.of(name).toAbsolutePath().getParent();
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the database folder " + parent + ": " + e,
          e);
    }
  }

  /** SQLite as the class comment says: WAL, synchronous commits, immediate transactions. */
  private static SQLiteDataSource sqlite(String url) {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    c.setBusyTimeout(BUSY_TIMEOUT_MS);
    c.enforceForeignKeys(true);
    SQLiteDataSource ds = new SQLiteDataSource(c);
    ds.setUrl(url);
    return ds;
  }

  public Jdbi jdbi() {
    return jdbi;
  }

  /** The database in use. */
  public Vendor vendor() {
    return vendor;
  }

  /**
   * Drops a PostgreSQL schema and everything in it (tests: each PostgreSQL run uses a fresh
   * schema).
   *
   * @param schema a lower-case SQL identifier
   */
  public void dropSchema(String schema) {
    Objects.requireNonNull(schema, "schema");
    if (!schema.matches(SCHEMA_NAME)) {
      throw new IllegalArgumentException("not a schema name: " + schema);
    }
    if (vendor != Vendor.POSTGRESQL) {
      throw new IllegalStateException("only PostgreSQL has schemas to drop");
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

  /** Binds an {@link OffsetDateTime} as SQLite's timestamp text ({@link Sql#text}). */
  private static final class OffsetDateTimeText extends AbstractArgumentFactory<OffsetDateTime> {
    OffsetDateTimeText() {
      super(Types.VARCHAR);
    }

    @Override
    protected Argument build(OffsetDateTime value, ConfigRegistry config) {
      String text = Sql.text(value.toInstant());
      return (position, statement, ctx) -> statement.setString(position, text);
    }
  }

  /** Binds an {@link Instant} as SQLite's timestamp text ({@link Sql#text}). */
  private static final class InstantText extends AbstractArgumentFactory<Instant> {
    InstantText() {
      super(Types.VARCHAR);
    }

    @Override
    protected Argument build(Instant value, ConfigRegistry config) {
      String text = Sql.text(value);
      return (position, statement, ctx) -> statement.setString(position, text);
    }
  }
}
