package dev.veil.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.veil.server.app.ServerConfig;
import dev.veil.server.db.Database;
import dev.veil.server.testing.TestDatabases;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log on the embedded SQLite database (the full-stack tests run it on PostgreSQL too). */
class JdbiAuditLogTest {
  @TempDir Path dir;
  private Database db;
  private JdbiAuditLog log;

  @BeforeEach
  void open() {
    db = Database.open(ServerConfig.builder().dataDir(dir).jdbcUrl(TestDatabases.sqliteUrl(dir))
        .build().database(), 8);
    log = new JdbiAuditLog(db.jdbi(), Clock.systemUTC());
  }

  @AfterEach
  void close() {
    db.close();
  }

  private Jdbi jdbi() {
    return db.jdbi();
  }

  private void fill(int n) {
    for (int i = 0; i < n; i++) {
      log.record(i % 2 == 0 ? "usr_a" : null, "test.event", "obj_" + i, Map.of("i", i));
    }
  }

  @Test
  void anEmptyLogVerifies() {
    assertThat(log.verify()).isEqualTo(new AuditLog.Verification(0, true, -1, null));
  }

  @Test
  void recordsFormAChainFromTheGenesisHash() {
    fill(5);
    List<AuditRecord> all = log.after(0, 100);
    assertThat(all).extracting(AuditRecord::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.get(0).prevHash()).isEqualTo(AuditRecord.GENESIS);
    for (int i = 1; i < all.size(); i++) {
      assertThat(all.get(i).prevHash()).isEqualTo(all.get(i - 1).hash());
    }
    assertThat(all).allMatch(AuditRecord::hashMatches);
    assertThat(log.verify()).isEqualTo(new AuditLog.Verification(5, true, -1, null));
    assertThat(log.after(3, 100)).extracting(AuditRecord::seq).containsExactly(4L, 5L);
    assertThat(log.after(0, 2)).hasSize(2);
  }

  @Test
  void detailsAreStoredAsCanonicalJsonWithSortedKeys() {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("zeta", 1);
    details.put("alpha", List.of("x", "y"));
    details.put("nothing", null);
    log.record("usr_a", "test.details", null, details);
    assertThat(log.after(0, 1).get(0).details())
        .isEqualTo("{\"alpha\":[\"x\",\"y\"],\"nothing\":null,\"zeta\":1}");
  }

  @Test
  void editingARecordIsDetected() {
    fill(6);
    jdbi().useHandle(h -> h.execute("UPDATE audit_log SET details = '{\"i\":99}' WHERE seq = 3"));
    AuditLog.Verification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSequence()).isEqualTo(3);
    assertThat(v.problem()).contains("altered");
    assertThat(v.records()).isEqualTo(2);
  }

  @Test
  void editingARecordAndItsHashBreaksTheNextLink() {
    fill(6);
    AuditRecord r = log.after(2, 1).get(0);
    AuditRecord forged = AuditRecord.create(r.seq(), r.recordedAt(), "usr_evil", r.action(),
        r.subject(), r.details(), r.prevHash());
    jdbi().useHandle(h -> h.createUpdate("UPDATE audit_log SET actor = :a, hash = :h WHERE seq = 3")
        .bind("a", forged.actor()).bind("h", forged.hash()).execute());
    AuditLog.Verification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSequence()).isEqualTo(4);
    assertThat(v.problem()).contains("does not link");
  }

  @Test
  void removingARecordIsDetected() {
    fill(6);
    jdbi().useHandle(h -> h.execute("DELETE FROM audit_log WHERE seq = 4"));
    AuditLog.Verification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.firstBadSequence()).isEqualTo(4);
    assertThat(v.problem()).contains("missing");
  }

  @Test
  void cuttingTheNewestRecordsIsDetectedThroughTheHead() {
    fill(6);
    jdbi().useHandle(h -> h.execute("DELETE FROM audit_log WHERE seq >= 5"));
    AuditLog.Verification v = log.verify();
    assertThat(v.ok()).isFalse();
    assertThat(v.problem()).contains("missing");
  }

  @Test
  void concurrentAppendsKeepOneChain() throws Exception {
    int threads = 8;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        fs.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            log.record("usr_" + id, "test.concurrent", null, Map.of("i", i));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(log.verify()).isEqualTo(new AuditLog.Verification(threads * each, true, -1, null));
  }

  @Test
  void twoLogObjectsOnOneDatabaseShareTheChain() {
    // as two server processes would: the head row, not the in-process lock, keeps the order
    JdbiAuditLog other = new JdbiAuditLog(db.jdbi(), Clock.systemUTC());
    log.record(null, "test.a", null, Map.of());
    other.record(null, "test.b", null, Map.of());
    log.record(null, "test.c", null, Map.of());
    assertThat(log.verify().ok()).isTrue();
    assertThat(other.after(0, 10)).extracting(AuditRecord::action)
        .containsExactly("test.a", "test.b", "test.c");
  }

  @Test
  void badActionNamesAndOversizedDetailsAreProgrammingErrors() {
    assertThatThrownBy(() -> log.record(null, "Bad Action", null, Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> log.record(null, "test.big", null, Map.of("x", "y".repeat(9000))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(log.after(0, 10)).isEmpty();
  }
}
