package dev.veil.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import dev.veil.server.db.Database;
import org.jdbi.v3.core.Jdbi;

/**
 * A fresh, migrated database for repository and service tests, without the app, opened by {@link
 * Database#open} as the server opens its own: SQLite in a temporary folder that {@link #close()}
 * deletes, or the test PostgreSQL of {@link TestDatabases} in a schema of its own that {@link
 * #close()} drops (skipped without a server unless {@code veil.test.requirePostgres=true}).
 */
public final class TestDatabase implements AutoCloseable {
  /** Which database a parameterised test runs on. */
  public enum Kind {
    SQLITE,
    POSTGRES
  }

  private final Database db;
  private final Kind kind;
  private final String schema;
  private final Path folder;

  private TestDatabase(Database db, Kind kind, String schema, Path folder) {
    this.db = db;
    this.kind = kind;
    this.schema = schema;
    this.folder = folder;
  }

  public static TestDatabase open(Kind kind) {
    return kind == Kind.SQLITE ? sqlite() : postgres();
  }

  public static TestDatabase sqlite() {
    Path folder;
    try {
      folder = Files.createTempDirectory("veil-test-db");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Database db = Database.open(new Database.Settings(TestDatabases.sqliteUrl(folder), null, null,
        null), 16);
    return new TestDatabase(db, Kind.SQLITE, null, folder);
  }

  public static TestDatabase postgres() {
    String user = TestDatabases.requirePostgres();
    String schema = TestDatabases.freshSchema();
    Database db = Database.open(new Database.Settings(TestDatabases.PG_URL, user, null, schema),
        16);
    return new TestDatabase(db, Kind.POSTGRES, schema, null);
  }

  public Jdbi jdbi() {
    return db.jdbi();
  }

  public Kind kind() {
    return kind;
  }

  @Override
  public void close() {
    try {
      if (kind == Kind.POSTGRES) {
        db.dropSchema(schema);
      }
    } finally {
      db.close();
    }
    if (folder != null) {
      try (Stream<Path> files = Files.walk(folder)) {
        for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not delete the test database " + folder, e);
      }
    }
  }

  @Override
  public String toString() {
    return kind.name();
  }
}
