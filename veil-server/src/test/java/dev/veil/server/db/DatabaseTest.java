package dev.veil.server.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import dev.veil.server.app.ServerConfig;
import dev.veil.server.testing.TestDatabases;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  private static List<String> tables(Database db) {
    return db.jdbi().withHandle(h -> h.createQuery("SELECT table_name FROM"
            + " information_schema.tables WHERE table_schema = CURRENT_SCHEMA"
            + " ORDER BY table_name")
        .mapTo(String.class).list());
  }

  @Test
  void theEmbeddedDatabaseIsMigratedOnceAndReopens() {
    ServerConfig config = ServerConfig.builder().dataDir(dir).build();
    try (Database db = Database.open(config.database(), 2)) {
      assertThat(db.isPostgres()).isFalse();
      assertThat(tables(db)).contains("users", "api_tokens", "audit_log", "audit_head",
          "key_sets", "datasets", "dataset_parts", "flyway_schema_history");
      db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_head VALUES (2, 0, 'x')"));
    }
    try (Database db = Database.open(config.database(), 2)) {
      int rows = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM audit_head")
          .mapTo(Integer.class).one());
      assertThat(rows).isEqualTo(2);
    }
    assertThat(dir.resolve("db").resolve("veil.mv.db")).exists();
  }

  /**
   * A commit of the embedded database is in its file when it returns: a copy of the file taken
   * while the database is still open (what a {@code kill -9} or a power failure leaves) holds
   * it, for a transaction and for an auto-commit statement alike.
   */
  @Test
  void anEmbeddedCommitIsInTheFileWhenItReturns() throws Exception {
    ServerConfig config = ServerConfig.builder().dataDir(dir).build();
    try (Database db = Database.open(config.database(), 4)) {
      long start = System.nanoTime();
      for (int i = 0; i < 20; i++) {
        int id = 100 + i;
        db.jdbi().useTransaction(h -> h.execute("INSERT INTO audit_head VALUES (?, 0, 't')", id));
        db.jdbi().useHandle(h -> h.execute("INSERT INTO audit_head VALUES (?, 0, 'a')",
            id + 100));
      }
      System.out.printf("40 synced embedded commits: %.1f ms each%n",
          (System.nanoTime() - start) / 40 / 1e6);
      Path copy = dir.resolve("copy");
      java.nio.file.Files.createDirectories(copy);
      java.nio.file.Files.copy(dir.resolve("db").resolve("veil.mv.db"),
          copy.resolve("veil.mv.db"));
      String url = "jdbc:h2:file:" + copy.resolve("veil")
          + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
      try (var c = java.sql.DriverManager.getConnection(url);
          var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM audit_head"
              + " WHERE id >= 100")) {
        rs.next();
        assertThat(rs.getInt(1)).as("committed rows in a copy of the open file").isEqualTo(40);
      }
    }
  }

  @Test
  void anH2SchemaIsCreatedWhenConfigured() {
    ServerConfig config = ServerConfig.builder().dataDir(dir).dbSchema("veil_app").build();
    try (Database db = Database.open(config.database(), 2)) {
      String schema = db.jdbi().withHandle(h -> h.createQuery("SELECT CURRENT_SCHEMA")
          .mapTo(String.class).one());
      assertThat(schema).isEqualTo("veil_app");
      assertThat(tables(db)).contains("users", "datasets");
    }
  }

  @Test
  void postgresGetsItsOwnSchemaWhichCanBeDropped() {
    ServerConfig config = TestDatabases.postgres(ServerConfig.builder().dataDir(dir)).build();
    try (Database db = Database.open(config.database(), 2)) {
      try {
        assertThat(db.isPostgres()).isTrue();
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
    assertThat(Database.redact("jdbc:h2:file:/x;PASSWORD=secret;MODE=PostgreSQL"))
        .isEqualTo("jdbc:h2:file:/x;PASSWORD=***;MODE=PostgreSQL");
  }
}
