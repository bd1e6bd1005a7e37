package dev.veil.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The audit chain's verification on records and checkpoints made here. */
class AuditChainTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant T0 = Instant.parse("2026-12-07T10:00:00.123Z");

  private static KeyPair keys() throws GeneralSecurityException {
    return KeyPairGenerator.getInstance(AuditChain.ALGORITHM).generateKeyPair();
  }

  private static List<AuditRecord> chain(int n) throws Exception {
    List<AuditRecord> out = new ArrayList<>();
    String prev = AuditChain.GENESIS;
    for (int i = 1; i <= n; i++) {
      String details = "{\"i\":" + i + ",\"x\":" + (0.1 * i) + ",\"s\":\"é\\\"\"}";
      Instant at = T0.plusMillis(i);
      String h = AuditChain.recordHash(i, at, i % 2 == 0 ? null : "usr_a", "test.event", null,
          details, prev);
      out.add(new AuditRecord(i, at, i % 2 == 0 ? null : "usr_a", "test.event", null,
          JSON.readTree(details), prev, h));
      prev = h;
    }
    return out;
  }

  private static AuditCheckpoint sign(KeyPair k, long id, AuditRecord head) throws Exception {
    Signature s = Signature.getInstance(AuditChain.ALGORITHM);
    s.initSign(k.getPrivate());
    Instant at = T0.plusSeconds(id);
    s.update(AuditChain.checkpointMessage(head.seq(), head.hash(), at));
    return new AuditCheckpoint(id, head.seq(), head.hash(), at,
        AuditChain.keyId(k.getPublic().getEncoded()),
        Base64.getEncoder().encodeToString(s.sign()));
  }

  @Test
  void aConsistentLogVerifiesAndSaysHowMuchItsCheckpointsCover() throws Exception {
    KeyPair k = keys();
    List<AuditRecord> log = chain(5);
    AuditReport r = AuditChain.verify(log, List.of(sign(k, 1, log.get(1)), sign(k, 2,
        log.get(2))), k.getPublic());
    assertThat(r.ok()).as(r.problem()).isTrue();
    assertThat(r.coveredThrough()).isEqualTo(3);
    assertThat(r.uncovered()).isEqualTo(2);
    assertThat(r.lastCheckpoint().id()).isEqualTo(2);
    assertThat(r.cannotDetect()).anyMatch(s -> s.contains("the 2 records after record 3"));
    AuditReport none = AuditChain.verify(log, List.of(), k.getPublic());
    assertThat(none.ok()).isTrue();
    assertThat(none.coveredThrough()).isZero();
    assertThat(none.detects()).anyMatch(s -> s.contains("no signed checkpoint"));
  }

  @Test
  void reorderedRemovedOrRecomputedRecordsAreNamed() throws Exception {
    KeyPair k = keys();
    List<AuditRecord> log = chain(4);
    List<AuditCheckpoint> cps = List.of(sign(k, 1, log.get(3)));
    List<AuditRecord> swapped = new ArrayList<>(log);
    swapped.set(1, log.get(2));
    swapped.set(2, log.get(1));
    AuditReport r = AuditChain.verify(swapped, cps, k.getPublic());
    assertThat(r.ok()).isFalse();
    assertThat(r.firstBadRecord()).isEqualTo(2);
    AuditReport cut = AuditChain.verify(log.subList(0, 3), cps, k.getPublic());
    assertThat(cut.problem()).contains("records were removed");
    assertThat(cut.firstBadRecord()).isEqualTo(4);
    // a chain recomputed from record 2 on is consistent, but not what the checkpoint signed
    List<AuditRecord> forged = new ArrayList<>(log.subList(0, 1));
    String prev = log.get(0).hash();
    for (AuditRecord x : log.subList(1, 4)) {
      String d = x.seq() == 2 ? "{\"forged\":true}" : AuditChain.details(x);
      String h = AuditChain.recordHash(x.seq(), x.recordedAt(), x.actor(), x.action(),
          x.subject(), d, prev);
      forged.add(new AuditRecord(x.seq(), x.recordedAt(), x.actor(), x.action(), x.subject(),
          JSON.readTree(d), prev, h));
      prev = h;
    }
    AuditReport f = AuditChain.verify(forged, cps, k.getPublic());
    assertThat(f.ok()).isFalse();
    assertThat(f.problem()).contains("records 1 to 4 were rewritten");
    assertThat(f.firstBadCheckpoint()).isEqualTo(1);
  }

  @Test
  void checkpointsOfAnotherKeyOrWithAnAlteredSignatureAreRefused() throws Exception {
    KeyPair k = keys();
    KeyPair other = keys();
    List<AuditRecord> log = chain(3);
    AuditCheckpoint good = sign(k, 1, log.get(2));
    AuditReport foreign = AuditChain.verify(log, List.of(sign(other, 1, log.get(2))),
        k.getPublic());
    assertThat(foreign.problem()).contains("signed by another key");
    AuditCheckpoint altered = new AuditCheckpoint(1, 3, good.headHash(),
        good.signedAt().plusMillis(1), good.keyId(), good.signature());
    assertThat(AuditChain.verify(log, List.of(altered), k.getPublic()).problem())
        .contains("does not verify");
    AuditCheckpoint junk = new AuditCheckpoint(1, 3, "x".repeat(500), good.signedAt(),
        good.keyId(), "not base64!");
    assertThat(AuditChain.signatureValid(k.getPublic(), junk)).isFalse();
    // the checkpoint a previous verification accepted must still be there
    AuditReport gone = AuditChain.verify(log, List.of(), k.getPublic(), good);
    assertThat(gone.ok()).isFalse();
    assertThat(gone.problem()).contains("accepted by the previous verification");
  }

  @Test
  void publicKeysTravelAsPem() throws Exception {
    KeyPair k = keys();
    String pem = AuditChain.publicKeyPem(k.getPublic());
    assertThat(pem).startsWith("-----BEGIN PUBLIC KEY-----\n")
        .endsWith("-----END PUBLIC KEY-----\n");
    assertThat(AuditChain.publicKey("comment\n" + pem).getEncoded())
        .isEqualTo(k.getPublic().getEncoded());
    assertThat(AuditChain.fingerprint(k.getPublic().getEncoded())).hasSize(64)
        .startsWith(AuditChain.keyId(k.getPublic().getEncoded()));
    assertThatThrownBy(() -> AuditChain.publicKey("nothing here"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN PUBLIC KEY");
    assertThatThrownBy(() -> AuditChain.publicKey(AuditChain.pem("PUBLIC KEY", new byte[7])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an Ed25519");
  }
}
