package dev.veil.api;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The audit log's hash chain and its signed checkpoints, computed alike by the server that
 * writes them and by whoever verifies a downloaded copy ({@code veil audit verify}).
 *
 * <h2>Encodings</h2>
 *
 * A record's hash is the lowercase hex SHA-256 of the ASCII tag {@code veil-audit/1}, then each
 * of seq (decimal), recordedAt (epoch milliseconds, decimal), actor, action, subject, details and
 * prevHash as a 4-byte big-endian length and its UTF-8 bytes, a null field as length {@code
 * 0xFFFFFFFF} and no bytes: unambiguous, so no two different records hash alike. A checkpoint
 * signs, with Ed25519, the same kind of encoding of the tag {@code veil-audit-checkpoint/1}, the
 * covered record's seq, its hash and the signing time in epoch milliseconds.
 *
 * <h2>What a verification shows</h2>
 *
 * The hash chain alone catches an edit made by hand, but anyone who can write the database can
 * recompute it. A checkpoint is signed by a key that is not in the database, so a verifier that
 * holds the right public key (pinned, not taken from the server it checks) detects any
 * rewriting, removal, insertion or reordering of a record at or before the newest valid
 * checkpoint, by anyone without the signing key. It cannot detect changes to records after that
 * checkpoint, nor a rewriting re-signed by whoever holds the signing key (the server process), nor
 * the removal of the newest checkpoints together with the records only they covered, unless a
 * previous verification remembered one of them ({@link #verify(List, List, PublicKey,
 * AuditCheckpoint)}).
 */
public final class AuditChain {
  private AuditChain() {}

  /** The previous hash of the first record. */
  public static final String GENESIS = "0".repeat(64);
  /** The checkpoints' signature algorithm (the JDK's name). */
  public static final String ALGORITHM = "Ed25519";

  private static final byte[] RECORD_TAG = "veil-audit/1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CHECKPOINT_TAG =
      "veil-audit-checkpoint/1".getBytes(StandardCharsets.US_ASCII);
  private static final String PUBLIC_KEY_LABEL = "PUBLIC KEY";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A record's hash (see the class comment). */
  public static String recordHash(long seq, Instant recordedAt, String actor, String action,
      String subject, String details, String prevHash) {
    MessageDigest md = sha256();
    md.update(RECORD_TAG);
    field(md, Long.toString(seq));
    field(md, Long.toString(recordedAt.toEpochMilli()));
    field(md, actor);
    field(md, action);
    field(md, subject);
    field(md, details);
    field(md, prevHash);
    return HexFormat.of().formatHex(md.digest());
  }

  /** The bytes a checkpoint's signature covers (see the class comment). */
  public static byte[] checkpointMessage(long seq, String headHash, Instant signedAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(CHECKPOINT_TAG);
    put(out, Long.toString(seq));
    put(out, headHash);
    put(out, Long.toString(signedAt.toEpochMilli()));
    return out.toByteArray();
  }

  /** The canonical text of a downloaded record's details: exactly what the server hashed. */
  public static String details(AuditRecord r) {
    JsonNode d = r.details();
    if (d == null) {
      return "null";
    }
    if (d.isTextual()) {
      return d.asText();
    }
    try {
      return JSON.writeValueAsString(d);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The SHA-256 of a public key's X.509 encoding, lowercase hex. */
  public static String fingerprint(byte[] x509) {
    return HexFormat.of().formatHex(sha256().digest(x509));
  }

  /** A public key's short id: the first 16 hex digits of its {@link #fingerprint}. */
  public static String keyId(byte[] x509) {
    return fingerprint(x509).substring(0, 16);
  }

  /** {@code der} as PEM with this label, e.g. {@code PUBLIC KEY}, 64 characters a line. */
  public static String pem(String label, byte[] der) {
    String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }

  /**
   * The bytes of the first PEM block with this label in {@code text}.
   *
   * @throws IllegalArgumentException if there is none or it is not base64
   */
  public static byte[] pemBytes(String text, String label) {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int b = text.indexOf(begin);
    int e = b < 0 ? -1 : text.indexOf(end, b);
    if (b < 0 || e < 0) {
      throw new IllegalArgumentException("no '" + begin + "' block");
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(b + begin.length(), e).strip());
    } catch (IllegalArgumentException ex) {
      throw new IllegalArgumentException("the '" + begin + "' block is not base64");
    }
  }

  /**
   * An Ed25519 public key from its PEM ({@code audit-signing.pub}, or {@link
   * AuditSigningKey#publicKey}).
   *
   * @throws IllegalArgumentException if it is not an Ed25519 public key
   */
  public static PublicKey publicKey(String pem) {
    byte[] der = pemBytes(pem, PUBLIC_KEY_LABEL);
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an " + ALGORITHM + " public key ("
          + e.getMessage() + ")");
    }
  }

  /** A public key as PEM. */
  public static String publicKeyPem(PublicKey key) {
    return pem(PUBLIC_KEY_LABEL, key.getEncoded());
  }

  /** Whether the checkpoint's signature verifies under {@code key}. */
  public static boolean signatureValid(PublicKey key, AuditCheckpoint c) {
    if (c.headHash() == null || c.signedAt() == null || c.signature() == null) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(checkpointMessage(c.seq(), c.headHash(), c.signedAt()));
      return s.verify(Base64.getDecoder().decode(c.signature()));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Checks a downloaded audit log against its checkpoints: every record in sequence from 1,
   * linked to the previous one's hash and hashing to its own; every checkpoint signed by {@code
   * key}, in order, and naming the hash that the record it covers has.
   *
   * @param records the whole log, in sequence order
   * @param checkpoints every checkpoint
   * @param key the pinned public key
   */
  public static AuditReport verify(List<AuditRecord> records, List<AuditCheckpoint> checkpoints,
      PublicKey key) {
    return verify(records, checkpoints, key, null);
  }

  /**
   * {@link #verify(List, List, PublicKey)}, and the newest checkpoint a previous verification
   * accepted must still be there, unchanged: so that removing the newest checkpoints (and then
   * rewriting what only they covered) is detected too, back to that verification.
   *
   * @param remembered the newest checkpoint of the previous verification, or null
   */
  public static AuditReport verify(List<AuditRecord> records, List<AuditCheckpoint> checkpoints,
      PublicKey key, AuditCheckpoint remembered) {
    String keyId = keyId(key.getEncoded());
    Long badRecord = null;
    String problem = null;
    String prev = GENESIS;
    int valid = 0;
    for (AuditRecord r : records) {
      long expected = valid + 1L;
      if (r.seq() != expected) {
        badRecord = expected;
        problem = "record " + expected + " is missing (record " + r.seq() + " is in its place)";
        break;
      }
      if (!prev.equals(r.prevHash())) {
        badRecord = expected;
        problem = "record " + expected + " does not link to the previous record's hash";
        break;
      }
      String h = recordHash(r.seq(), r.recordedAt(), r.actor(), r.action(), r.subject(),
          details(r), r.prevHash());
      if (!h.equals(r.hash())) {
        badRecord = expected;
        problem = "record " + expected + " was altered: its hash does not match its contents";
        break;
      }
      prev = r.hash();
      valid++;
    }
    List<AuditCheckpoint> ordered = new ArrayList<>(checkpoints);
    ordered.sort(Comparator.comparingLong(AuditCheckpoint::id));
    long covered = 0;
    AuditCheckpoint last = null;
    Long badCheckpoint = null;
    String checkpointProblem = null;
    Long checkpointBadRecord = null;
    for (AuditCheckpoint c : ordered) {
      String name = "checkpoint " + c.id() + " (of record " + c.seq() + ")";
      if (!keyId.equals(c.keyId())) {
        badCheckpoint = c.id();
        checkpointProblem = name + " is signed by another key (" + c.keyId() + ") than the"
            + " pinned one (" + keyId + "): refused";
        break;
      }
      if (!signatureValid(key, c)) {
        badCheckpoint = c.id();
        checkpointProblem = name + ": its signature does not verify under the pinned key"
            + " (forged or altered)";
        break;
      }
      if (c.seq() < covered) {
        badCheckpoint = c.id();
        checkpointProblem = name + " goes back before record " + covered + ", which an earlier"
            + " checkpoint covers: checkpoints were reordered";
        break;
      }
      if (c.seq() > records.size()) {
        badCheckpoint = c.id();
        checkpointBadRecord = (long) records.size() + 1;
        checkpointProblem = name + " covers record " + c.seq() + " but the log ends at record "
            + records.size() + ": records were removed";
        break;
      }
      if (c.seq() > valid) {
        break; // the chain breaks before this record: the record's problem is reported
      }
      String expected = c.seq() == 0 ? GENESIS : records.get((int) c.seq() - 1).hash();
      if (!expected.equals(c.headHash())) {
        badCheckpoint = c.id();
        checkpointBadRecord = covered + 1;
        checkpointProblem = "record " + c.seq() + " differs from what " + name + " signed:"
            + " records " + (covered + 1) + " to " + c.seq() + " were rewritten and the chain"
            + " recomputed";
        break;
      }
      covered = c.seq();
      last = c;
    }
    if (badCheckpoint == null && remembered != null && ordered.stream().noneMatch(c ->
        c.id() == remembered.id() && c.seq() == remembered.seq()
            && remembered.headHash().equals(c.headHash()))) {
      badCheckpoint = remembered.id();
      checkpointProblem = "checkpoint " + remembered.id() + " (of record " + remembered.seq()
          + "), accepted by the previous verification, is missing or changed: checkpoints were"
          + " removed or rewritten";
    }
    if (problem == null || (checkpointBadRecord != null && checkpointBadRecord < badRecord)) {
      problem = checkpointProblem;
      badRecord = checkpointBadRecord;
    } else if (badCheckpoint != null) {
      problem = problem + "; " + checkpointProblem;
    }
    boolean ok = problem == null;
    long uncovered = records.size() - covered;
    return new AuditReport(ok, records.size(), ordered.size(), covered, last,
        uncovered, keyId, badRecord, badCheckpoint, problem,
        detects(covered, last == null ? null : last.signedAt(), remembered),
        cannotDetect(covered, uncovered, remembered));
  }

  private static List<String> detects(long covered, Instant lastAt,
      AuditCheckpoint remembered) {
    List<String> out = new ArrayList<>();
    out.add("an edit, removal or insertion of a record that does not recompute the hash chain,"
        + " anywhere in the log");
    if (covered > 0) {
      out.add("any rewriting, removal, insertion or reordering of records 1 to " + covered
          + " (the newest signed checkpoint, signed at " + lastAt + ") by anyone without the"
          + " signing key, even with the chain recomputed");
    } else {
      out.add("nothing more: no signed checkpoint covers any record yet");
    }
    if (remembered != null) {
      out.add("the removal or rewriting of checkpoint " + remembered.id() + " (of record "
          + remembered.seq() + "), the newest the previous verification accepted, or of any"
          + " before it");
    }
    return out;
  }

  private static List<String> cannotDetect(long covered, long uncovered,
      AuditCheckpoint remembered) {
    List<String> out = new ArrayList<>();
    if (uncovered > 0) {
      out.add("a rewriting of the " + uncovered + " records after record " + covered
          + " with the chain recomputed: no signed checkpoint covers them yet");
    }
    out.add("a rewriting re-signed by whoever holds the signing key (the server process, or"
        + " anyone who reads its audit-signing.key)");
    out.add(remembered == null
        ? "the removal of the newest checkpoints together with the records only they covered"
            + " (no previous verification to compare with)"
        : "the removal of checkpoints newer than checkpoint " + remembered.id() + " together"
            + " with the records only they covered");
    return out;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static void field(MessageDigest md, String s) {
    if (s == null) {
      md.update(ByteBuffer.allocate(4).putInt(-1).array());
      return;
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    md.update(ByteBuffer.allocate(4).putInt(b.length).array());
    md.update(b);
  }

  private static void put(ByteArrayOutputStream out, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(4).putInt(b.length).array());
    out.writeBytes(b);
  }
}
