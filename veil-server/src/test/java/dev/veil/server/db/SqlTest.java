package dev.veil.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.time.ZoneOffset;

import dev.veil.server.testing.TestDatabase;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The one SQL helper, the same on SQLite and PostgreSQL: UTC timestamps to the millisecond, errors. */
class SqlTest {
  private static final Instant FINE = Instant.parse("2024-03-01T12:34:56.789654321Z");
  private static final Instant TO_THE_MILLI = Instant.parse("2024-03-01T12:34:56.789Z");

  private static void createTables(Handle h) {
    h.execute("CREATE TABLE t_parent (id VARCHAR(10) PRIMARY KEY,"
        + " stamp TIMESTAMP WITH TIME ZONE)");
    h.execute("CREATE TABLE t_child (id VARCHAR(10) PRIMARY KEY,"
        + " parent VARCHAR(10) NOT NULL REFERENCES t_parent (id))");
  }

  private static Instant readAt(Handle h, String id) {
    return h.createQuery("SELECT stamp FROM t_parent WHERE id = :id").bind("id", id)
        .map((rs, ctx) -> Sql.instant(rs, "stamp")).one();
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void anInstantReadBackIsTheOneWrittenToTheMillisecondInAnySessionTimeZone(
      TestDatabase.Kind kind) {
    assertThat(Sql.time(FINE).getOffset()).isEqualTo(ZoneOffset.UTC);
    assertThat(Sql.time(FINE).toInstant()).isEqualTo(TO_THE_MILLI);
    assertThat(Sql.time(null)).isNull();
    try (TestDatabase db = TestDatabase.open(kind)) {
      db.jdbi().useHandle(h -> {
        createTables(h);
        h.createUpdate("INSERT INTO t_parent (id, stamp) VALUES ('a', :at), ('n', NULL)")
            .bind("at", Sql.time(FINE)).execute();
        assertThat(readAt(h, "a")).isEqualTo(TO_THE_MILLI);
        assertThat(readAt(h, "n")).isNull();
        if (kind == TestDatabase.Kind.POSTGRES) { // SQLite has no session time zone
          h.execute("SET TIME ZONE 'Asia/Kolkata'");
          assertThat(readAt(h, "a")).isEqualTo(TO_THE_MILLI);
        }
        assertThat(h.createQuery("SELECT COUNT(*) FROM t_parent WHERE stamp = :at")
            .bind("at", Sql.time(FINE)).mapTo(Integer.class).one()).isEqualTo(1);
      });
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void uniqueAndForeignKeyViolationsAreToldApart(TestDatabase.Kind kind) {
    try (TestDatabase db = TestDatabase.open(kind)) {
      db.jdbi().useHandle(h -> {
        createTables(h);
        h.execute("INSERT INTO t_parent (id) VALUES ('a')");
      });
      Throwable duplicate = catchThrowable(() -> db.jdbi().useHandle(h ->
          h.execute("INSERT INTO t_parent (id) VALUES ('a')")));
      assertThat(Sql.isUniqueViolation(duplicate)).isTrue();
      assertThat(Sql.isForeignKeyViolation(duplicate)).isFalse();
      assertThat(Sql.isTransient(duplicate)).isFalse();
      Throwable orphan = catchThrowable(() -> db.jdbi().useHandle(h ->
          h.execute("INSERT INTO t_child (id, parent) VALUES ('c', 'missing')")));
      assertThat(Sql.isForeignKeyViolation(orphan)).isTrue();
      assertThat(Sql.isUniqueViolation(orphan)).isFalse();
      db.jdbi().useHandle(h -> h.execute("INSERT INTO t_child (id, parent) VALUES ('c', 'a')"));
      Throwable stillUsed = catchThrowable(() -> db.jdbi().useHandle(h ->
          h.execute("DELETE FROM t_parent WHERE id = 'a'")));
      assertThat(Sql.isForeignKeyViolation(stillUsed)).isTrue();
      assertThat(Sql.isUniqueViolation(stillUsed)).isFalse();
      assertThat(Sql.isUniqueViolation(null)).isFalse();
    }
  }
}
