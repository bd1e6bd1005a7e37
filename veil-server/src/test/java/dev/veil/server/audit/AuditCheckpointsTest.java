package dev.veil.server.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.AuditChain;
import dev.veil.api.AuditCheckpoint;
import dev.veil.api.AuditReport;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed checkpoints on SQLite and the signing key's file (over HTTP and the command line:
 * AuditVerifyCliTest).
 */
class AuditCheckpointsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  private TestDatabase db;
  private AuditSigner signer;
  private AuditCheckpoints checkpoints;
  private JdbiAuditLog log;

  @BeforeEach
  void open() throws IOException {
    db = TestDatabase.sqlite();
    signer = AuditSigner.openOrCreate(dir);
    checkpoints = new AuditCheckpoints(db.jdbi(), signer, Clock.systemUTC(),
        new AuditCheckpoints.Policy(Duration.ofHours(1), 3));
    log = new JdbiAuditLog(db.jdbi(), Clock.systemUTC(), checkpoints::appended);
  }

  @AfterEach
  void close() {
    checkpoints.close();
    db.close();
  }

  private void fill(int n) {
    for (int i = 0; i < n; i++) {
      log.record("usr_a", "test.event", "obj_" + i, Map.of("i", i, "x", 0.25 * i,
          "nested", Map.of("b", List.of(1, 2), "a", "é\"\\")));
    }
  }

  private List<AuditCheckpoint> all() {
    return checkpoints.after(0, 1000);
  }

  /** The records as the API sends them: details parsed, as AuditRoutes does. */
  private AuditReport verify() {
    List<dev.veil.api.AuditRecord> wire = log.after(0, 1000).stream().map(r -> {
      try {
        return new dev.veil.api.AuditRecord(r.seq(), r.recordedAt(), r.actor(), r.action(),
            r.subject(), JSON.readTree(r.details()), r.prevHash(), r.hash());
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }).toList();
    return AuditChain.verify(wire, all(), AuditChain.publicKey(signer.publicKeyPem()));
  }

  @Test
  void aCheckpointSignsTheHeadAndVerifiesUnderThePublicKey() {
    assertThat(checkpoints.checkpoint()).isEmpty();
    fill(2);
    Await.until("a checkpoint", Duration.ofSeconds(10), () -> all().size() == 1);
    fill(1);
    AuditCheckpoint c = checkpoints.checkpoint().orElseThrow();
    assertThat(c.seq()).isEqualTo(3);
    assertThat(c.headHash()).isEqualTo(log.after(2, 1).get(0).hash());
    assertThat(c.keyId()).isEqualTo(signer.keyId());
    assertThat(checkpoints.checkpoint()).contains(c);
    AuditReport r = verify();
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.records()).isEqualTo(3);
    assertThat(r.coveredThrough()).isEqualTo(3);
    assertThat(r.uncovered()).isZero();
  }

  @Test
  void everyNRecordsMakeACheckpointAndCloseSignsTheRest() {
    fill(7);
    // at most everyRecords - 1 = 2 records wait for the next checkpoint
    Await.until("a checkpoint", Duration.ofSeconds(10),
        () -> all().stream().anyMatch(c -> c.seq() >= 5));
    fill(1);
    checkpoints.close();
    assertThat(all().get(all().size() - 1).seq()).isEqualTo(8);
    assertThat(verify().ok()).isTrue();
  }

  @Test
  void theTimerMakesCheckpointsWhenTheHeadMoved() {
    AuditCheckpoints timed = new AuditCheckpoints(db.jdbi(), signer, Clock.systemUTC(),
        new AuditCheckpoints.Policy(Duration.ofMillis(100), 1_000_000));
    JdbiAuditLog quiet = new JdbiAuditLog(db.jdbi(), Clock.systemUTC());
    timed.start();
    try {
      quiet.record(null, "test.event", null, Map.of());
      Await.until("a checkpoint", Duration.ofSeconds(10), () -> all().size() == 1);
      quiet.record(null, "test.event", null, Map.of());
      Await.until("a checkpoint", Duration.ofSeconds(10), () -> all().size() == 2);
      assertThat(all().get(1).seq()).isEqualTo(2);
    } finally {
      timed.close();
    }
  }

  @Test
  void theKeyFileIsTheOwnersOnlyAndARestartKeepsTheKey() throws IOException {
    Path file = dir.resolve(AuditSigner.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(dir.resolve(AuditSigner.PUBLIC_FILE)))
        .isEqualTo(signer.publicKeyPem()).doesNotContain("PRIVATE");
    AuditSigner again = AuditSigner.openOrCreate(dir);
    assertThat(again.keyId()).isEqualTo(signer.keyId());
    assertThat(again.publicKeyPem()).isEqualTo(signer.publicKeyPem());
    assertThat(AuditSigner.generate().keyId()).isNotEqualTo(signer.keyId());
    assertThat(signer.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void aDamagedKeyFileStopsTheServerRatherThanMakingANewKey() throws IOException {
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.writeString(other.resolve(AuditSigner.KEY_FILE), "not a key");
    assertThatThrownBy(() -> AuditSigner.openOrCreate(other))
        .isInstanceOf(IOException.class).hasMessageContaining("not a Veil audit signing key")
        .hasMessageContaining("restore it");
    Path mixed = Files.createDirectories(dir.resolve("mixed"));
    String mine = Files.readString(dir.resolve(AuditSigner.KEY_FILE));
    String foreignPublic = AuditSigner.generate().publicKeyPem();
    Files.writeString(mixed.resolve(AuditSigner.KEY_FILE),
        mine.substring(0, mine.indexOf("-----BEGIN PUBLIC KEY")) + foreignPublic);
    assertThatThrownBy(() -> AuditSigner.openOrCreate(mixed))
        .isInstanceOf(IOException.class).hasMessageContaining("do not match");
  }
}
