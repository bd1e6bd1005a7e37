package dev.veil.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.List;

import dev.veil.server.app.App;
import dev.veil.server.app.ServerConfig;
import dev.veil.server.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  private static List<String> tables(Database db) {
    return TestDatabases.tables(db);
  }

  @Test
  void theEmbeddedDatabaseIsMigratedOnceAndReopens() {
    ServerConfig config = ServerConfig.builder().dataDir(dir).build();
    try (Database db = Database.open(config.database(), 2)) {
      assertThat(db.vendor()).isEqualTo(Database.Vendor.SQLITE);
      assertThat(tables(db)).contains("users", "api_tokens", "audit_log", "audit_head",
          "key_sets", "datasets", "dataset_parts", "flyway_schema_history");
      db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_head VALUES (2, 0, 'x')"));
    }
    try (Database db = Database.open(config.database(), 2)) {
      int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_head")
          .mapTo(Integer.class).one());
      assertThat(rows).isEqualTo(2);
    }
    assertThat(dir.resolve("db").resolve("veil.db")).exists();
  }

  /**
   * A commit of the embedded database is on disk when it returns: a copy of the database file and
   * its write-ahead log taken while the database is still open (what a {@code kill -9} leaves)
   * holds it, for a transaction and for an auto-commit statement alike. It catches a commit that
   * returns before it is written (H2's did); a missing {@code fsync} would show only on a power
   * failure, which the PRAGMA test below covers by checking {@code synchronous=FULL}.
   */
  @Test
  void anEmbeddedCommitIsInTheFilesWhenItReturns() throws Exception {
    ServerConfig config = ServerConfig.builder().dataDir(dir).build();
    try (Database db = Database.open(config.database(), 4)) {
      for (int i = 0; i < 20; i++) {
        int id = 100 + i;
        db.jdbi().useTransaction(h -> h.execute("INSERT INTO audit_head VALUES (?, 0, 't')", id));
        db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_head VALUES (?, 0, 'a')",
            id + 100));
      }
      Path copy = dir.resolve("copy");
      Files.createDirectories(copy);
      for (String name : new String[] {"veil.db", "veil.db-wal"}) {
        Path f = dir.resolve("db").resolve(name);
        if (Files.exists(f)) {
          Files.copy(f, copy.resolve(name));
        }
      }
      try (var c = DriverManager.getConnection("jdbc:sqlite:" + copy.resolve("veil.db"));
          var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_head"
              + " WHERE id >= 100")) {
        rs.next();
        assertThat(rs.getInt(1)).as("committed rows in a copy of the open files").isEqualTo(40);
      }
    }
  }

  @Test
  void theEmbeddedDatabaseRunsWithAWriteAheadLogAndSynchronousCommits() {
    ServerConfig config = ServerConfig.builder().dataDir(dir).build();
    try (Database db = Database.open(config.database(), 2)) {
      db.jdbi().useHandle(h -> {
        assertThat(h.createQuery("PRAGMA journal_mode").mapTo(String.class).one())
            .isEqualTo("wal");
        assertThat(h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())
            .as("2 = FULL").isEqualTo(2);
        assertThat(h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one()).isEqualTo(1);
      });
    }
  }

  @Test
  void otherDatabasesAreRefusedByName() {
    assertThatThrownBy(() -> Database.open(new Database.Settings("jdbc:h2:mem:x", null, null,
        null), 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PostgreSQL").hasMessageContaining("SQLite")
        .hasMessageContaining("not jdbc:h2");
    assertThatThrownBy(() -> Database.open(new Database.Settings("jdbc:sqlite:"
        + dir.resolve("x.db"), null, null, "veil_app"), 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema");
  }

  /** A data directory of an earlier Veil (H2) is refused, not shown as an empty platform. */
  @Test
  void aDataDirectoryWithAnH2DatabaseIsRefused() throws Exception {
    Files.createDirectories(dir.resolve("db"));
    Files.write(dir.resolve("db").resolve("veil.mv.db"), new byte[] {1, 2, 3});
    ServerConfig config = ServerConfig.builder().dataDir(dir).build();
    assertThatThrownBy(() -> App.create(config)).hasMessageContaining("H2")
        .hasMessageContaining("veil.mv.db").hasMessageContaining("--data");
    assertThat(dir.resolve("db").resolve("veil.db")).doesNotExist();
  }

  @Test
  void postgresGetsItsOwnSchemaWhichCanBeDropped() {
    ServerConfig config = TestDatabases.postgres(ServerConfig.builder().dataDir(dir)).build();
    try (Database db = Database.open(config.database(), 2)) {
      try {
        assertThat(db.vendor()).isEqualTo(Database.Vendor.POSTGRESQL);
        String schema = db.jdbi().withHandle(h -> h.createQuery("SELECT current_schema()")
            .mapTo(String.class).one());
        assertThat(schema).isEqualTo(config.dbSchema());
        assertThat(tables(db)).contains("users", "datasets", "audit_log");
      } finally {
        db.dropSchema(config.dbSchema());
      }
      int left = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM"
              + " information_schema.schemata WHERE schema_name = :s")
          .bind("s", config.dbSchema()).mapTo(Integer.class).one());
      assertThat(left).isZero();
    }
  }

  @Test
  void passwordsInUrlsAreRedacted() {
    assertThat(Database.redact("jdbc:postgresql://h/db?user=u&password=secret&ssl=true"))
        .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
  }
}
