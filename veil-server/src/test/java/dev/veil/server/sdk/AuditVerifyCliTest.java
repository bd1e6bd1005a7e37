package dev.veil.server.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.AuditChain;
import dev.veil.server.audit.AuditRecord;
import dev.veil.server.audit.AuditSigner;
import dev.veil.server.audit.JdbiAuditLog;
import dev.veil.server.sdk.RemoteCliTest.Cli;
import dev.veil.server.testing.TestServer;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil audit verify} against the real server on port 0, with the database written behind
 * the server's back (direct SQL, as a database writer without the signing key would): what a
 * signed checkpoint covers is protected even when the hash chain is recomputed; what comes after
 * the last checkpoint is reported as not covered; checkpoints signed by another key are refused.
 */
class AuditVerifyCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FIRST_BAD = Pattern.compile("first bad record: (\\d+)");

  @TempDir Path dir;
  private TestServer server;
  private Cli op;
  private String opToken;

  private int port;

  @BeforeEach
  void start() throws IOException {
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // kept across a restart, so that the saved login still applies
    }
    server = new TestServer(TestServer.config(dir.resolve("server")).port(port).build());
    op = new Cli(Map.of("VEIL_HOME", Files.createDirectories(dir.resolve("home")).toString()));
    assertThat(op.input("operator-password\n", "login", "--server", server.url(), "--username",
        "operator", "--password-stdin")).as(op.err()).isZero();
    opToken = server.login("operator", "operator-password");
    server.user("alice", "BUYER");
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private Jdbi jdbi() {
    return server.app().database().jdbi();
  }

  /** Signs the head now; returns the sequence number it covers. */
  private long checkpoint() {
    return TestServer.expect(server.post("/api/audit/checkpoints", opToken, "{}"), 200).json()
        .get("seq").asLong();
  }

  private long head() {
    return jdbi().withHandle(h -> h.createQuery("SELECT last_seq FROM audit_head")
        .mapTo(Long.class).one());
  }

  /** What a database writer can do: edit record {@code seq} and recompute the chain after it. */
  private void rewrite(long seq) {
    List<AuditRecord> all = new JdbiAuditLog(jdbi(), Clock.systemUTC()).after(0, 10_000);
    jdbi().useTransaction(h -> {
      String prev = seq == 1 ? AuditRecord.GENESIS : all.get((int) seq - 2).hash();
      for (AuditRecord r : all.subList((int) seq - 1, all.size())) {
        String details = r.seq() == seq ? "{\"forged\":true}" : r.details();
        AuditRecord f = AuditRecord.create(r.seq(), r.recordedAt(), r.actor(), r.action(),
            r.subject(), details, prev);
        h.createUpdate("UPDATE audit_log SET details = :d, prev_hash = :p, hash = :h"
                + " WHERE seq = :s")
            .bind("d", f.details()).bind("p", f.prevHash()).bind("h", f.hash())
            .bind("s", f.seq()).execute();
        prev = f.hash();
      }
      h.createUpdate("UPDATE audit_head SET last_hash = :h").bind("h", prev).execute();
    });
  }

  private static long firstBad(String out) {
    Matcher m = FIRST_BAD.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return Long.parseLong(m.group(1));
  }

  @Test
  void anIntactLogVerifiesAndTheKeyIsPinnedOnFirstUseWithAWarning() throws IOException {
    long covered = checkpoint();
    Path pub = dir.resolve("server").resolve(AuditSigner.PUBLIC_FILE);
    String fingerprint = AuditChain.fingerprint(AuditChain.publicKey(Files.readString(pub))
        .getEncoded());
    String out = op.ok("audit", "verify");
    assertThat(out).contains("audit log intact: ", "hash chain verified",
        "covered: records 1 to " + covered, "detects: ", "cannot detect: ",
        "re-signed by whoever holds the signing key");
    assertThat(op.err()).contains("warning: no key was pinned", fingerprint);
    Path pin = dir.resolve("home").resolve("audit-keys").resolve(
        "127.0.0.1_" + server.app().port() + ".pub");
    assertThat(Files.readString(pin)).isEqualTo(Files.readString(pub));

    out = op.ok("audit", "verify");
    assertThat(op.err()).isEmpty();
    assertThat(out).contains("pinned in " + pin);
    JsonNode json = JSON.readTree(op.ok("audit", "verify", "--json"));
    assertThat(json.get("ok").asBoolean()).isTrue();
    assertThat(json.get("coveredThrough").asLong()).isEqualTo(covered);
    assertThat(json.get("records").asLong()).isEqualTo(head());
    assertThat(json.get("detects").size()).isPositive();
    assertThat(json.get("cannotDetect").size()).isPositive();
    assertThat(op.ok("audit", "verify", "--public-key", pub.toString()))
        .contains("audit log intact", "from " + pub);
  }

  @Test
  void anEditOrARewritingBeforeTheLastCheckpointIsDetected() throws IOException {
    op.ok("audit", "verify"); // pins the key
    long covered = checkpoint();
    assertThat(covered).isGreaterThanOrEqualTo(4);
    String original = jdbi().withHandle(h -> h.createQuery("SELECT details FROM audit_log"
        + " WHERE seq = 3").mapTo(String.class).one());
    jdbi().useHandle(h -> h.execute("UPDATE audit_log SET details = '{\"forged\":true}'"
        + " WHERE seq = 3"));
    assertThat(op.run("audit", "verify")).isEqualTo(1);
    assertThat(op.out()).contains("audit log BROKEN: record 3 was altered");
    assertThat(firstBad(op.out())).isEqualTo(3);
    jdbi().useHandle(h -> h.createUpdate("UPDATE audit_log SET details = :d WHERE seq = 3")
        .bind("d", original).execute());
    op.ok("audit", "verify");

    rewrite(3);
    assertThat(op.run("audit", "verify")).isEqualTo(1);
    assertThat(op.out()).contains("audit log BROKEN: record " + covered + " differs from what",
        "were rewritten and the chain recomputed", "first bad checkpoint: ");
    assertThat(firstBad(op.out())).isBetween(1L, 3L);
    JsonNode json = JSON.readTree(op.run("audit", "verify", "--json") == 1 ? op.out() : "{}");
    assertThat(json.get("ok").asBoolean()).isFalse();
    assertThat(json.get("firstBadRecord").asLong()).isBetween(1L, 3L);

    // removing the newest records is caught too
    jdbi().useHandle(h -> h.createUpdate("DELETE FROM audit_log WHERE seq >= :s")
        .bind("s", covered).execute());
    assertThat(op.run("audit", "verify")).isEqualTo(1);
    assertThat(op.out()).contains("records were removed");
  }

  @Test
  void aRewritingAfterTheLastCheckpointIsReportedAsNotCovered() {
    op.ok("audit", "verify");
    long covered = checkpoint();
    server.user("bob", "BUYER");
    long end = head();
    assertThat(end).isGreaterThan(covered);
    rewrite(covered + 1);
    String out = op.ok("audit", "verify");
    long uncovered = end - covered;
    assertThat(out).contains("audit log intact", "covered: records 1 to " + covered,
        "not covered: the " + uncovered + " records after record " + covered,
        "cannot detect: a rewriting of the " + uncovered + " records after record " + covered);
  }

  @Test
  void removingTheCheckpointsSinceTheLastVerificationIsDetected() {
    op.ok("audit", "verify");
    checkpoint();
    server.user("dave", "BUYER");
    long covered = checkpoint();
    assertThat(op.ok("audit", "verify")).contains("covered: records 1 to " + covered);
    // the database writer removes the newest checkpoint, then rewrites what it covered
    jdbi().useHandle(h -> h.createUpdate("DELETE FROM audit_checkpoints WHERE head_seq = :s")
        .bind("s", covered).execute());
    rewrite(covered);
    assertThat(op.run("audit", "verify")).isEqualTo(1);
    assertThat(op.out()).contains("accepted by the previous verification, is missing or"
        + " changed", "first bad checkpoint: ");
    // a verifier without that memory sees only what is left: covered up to an older checkpoint
    Cli fresh = new Cli(Map.of("VEIL_HOME", dir.resolve("home").toString(),
        "VEIL_TOKEN", opToken, "VEIL_SERVER", server.url()));
    assertThat(fresh.run("audit", "verify", "--config-dir", dir.resolve("other").toString()))
        .isZero();
    assertThat(fresh.out()).contains("not covered: ", "cannot detect: the removal of the newest"
        + " checkpoints");
  }

  @Test
  void aCheckpointSignedByAnotherKeyIsRefused() throws IOException {
    op.ok("audit", "verify");
    checkpoint();
    server.user("carol", "BUYER");
    AuditSigner other = AuditSigner.generate();
    String headHash = jdbi().withHandle(h -> h.createQuery("SELECT last_hash FROM audit_head")
        .mapTo(String.class).one());
    long seq = head();
    Instant at = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    String sig = Base64.getEncoder().encodeToString(other.sign(
        AuditChain.checkpointMessage(seq, headHash, at)));
    jdbi().useHandle(h -> h.createUpdate("INSERT INTO audit_checkpoints (head_seq, head_hash,"
            + " signed_at, key_id, signature) VALUES (:s, :h, :at, :k, :sig)")
        .bind("s", seq).bind("h", headHash).bind("at", dev.veil.server.db.Sql.time(at))
        .bind("k", other.keyId()).bind("sig", sig).execute());
    assertThat(op.run("audit", "verify")).isEqualTo(1);
    assertThat(op.out()).contains("is signed by another key (" + other.keyId() + ")",
        "first bad checkpoint: ");

    // the same forgery claiming the server's key id: the signature does not verify
    String mine = server.get("/api/audit/public-key", null).json().get("keyId").asText();
    jdbi().useHandle(h -> h.createUpdate("UPDATE audit_checkpoints SET key_id = :k"
        + " WHERE head_seq = :s").bind("k", mine).bind("s", seq).execute());
    assertThat(op.run("audit", "verify")).isEqualTo(1);
    assertThat(op.out()).contains("its signature does not verify under the pinned key");

    // and every checkpoint is refused under a key that is not the server's
    Path foreign = dir.resolve("foreign.pub");
    Files.writeString(foreign, other.publicKeyPem());
    assertThat(op.run("audit", "verify", "--public-key", foreign.toString())).isEqualTo(1);
    assertThat(op.out()).contains("checkpoint 1 ", "is signed by another key");
  }

  @Test
  void theKeyFileIsPrivateARestartKeepsTheKeyAndShutdownSignsTheHead() throws IOException {
    Path key = dir.resolve("server").resolve(AuditSigner.KEY_FILE);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    op.ok("audit", "verify");
    JsonNode before = server.get("/api/audit/public-key", null).json();
    long end = head();
    server.close();
    server = new TestServer(TestServer.config(dir.resolve("server")).port(port).build());
    assertThat(server.get("/api/audit/public-key", null).json()).isEqualTo(before);
    opToken = server.login("operator", "operator-password");
    JsonNode page = TestServer.expect(server.get("/api/audit/checkpoints?limit=1000", opToken),
        200).json();
    assertThat(page.get("checkpoints").findValuesAsText("seq")).contains(Long.toString(end));
    assertThat(op.ok("audit", "verify")).contains("audit log intact");
    assertThat(op.err()).isEmpty();
  }
}
