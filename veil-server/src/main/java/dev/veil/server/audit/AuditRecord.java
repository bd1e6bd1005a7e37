package dev.veil.server.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One record of the audit log.
 *
 * <p>{@link #hash} is the lowercase hex SHA-256 of the canonical encoding of every other field:
 * the ASCII tag {@code veil-audit/1}, then each of seq (decimal), recordedAt (epoch milliseconds,
 * decimal), actor, action, subject, details and prevHash as a 4-byte big-endian length followed by
 * its UTF-8 bytes, a null field as length {@code 0xFFFFFFFF} and no bytes. The encoding is
 * unambiguous, so that no two different records hash alike.
 *
 * @param seq 1, 2, 3... without gaps
 * @param recordedAt when it was appended, to the millisecond
 * @param actor the acting user's id, or null for the system or an anonymous caller
 * @param action a dotted action name
 * @param subject the id acted on, or null
 * @param details canonical JSON (keys sorted): exactly the text that was hashed
 * @param prevHash the previous record's hash; 64 zeros for the first record
 * @param hash this record's hash
 */
public record AuditRecord(long seq, Instant recordedAt, String actor, String action,
    String subject, String details, String prevHash, String hash) {
  /** The previous hash of the first record. */
  public static final String GENESIS = "0".repeat(64);
  private static final byte[] TAG = "veil-audit/1".getBytes(StandardCharsets.US_ASCII);

  public AuditRecord {
    Objects.requireNonNull(recordedAt, "recordedAt");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(details, "details");
    Objects.requireNonNull(prevHash, "prevHash");
    Objects.requireNonNull(hash, "hash");
  }

  /** A new record with its hash computed. */
  public static AuditRecord create(long seq, Instant recordedAt, String actor, String action,
      String subject, String details, String prevHash) {
    return new AuditRecord(seq, recordedAt, actor, action, subject, details, prevHash,
        computeHash(seq, recordedAt, actor, action, subject, details, prevHash));
  }

  /** Whether {@link #hash} is the hash of the other fields. */
  public boolean hashMatches() {
    String expected = computeHash(seq, recordedAt, actor, action, subject, details, prevHash);
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
        hash.getBytes(StandardCharsets.US_ASCII));
  }

  static String computeHash(long seq, Instant recordedAt, String actor, String action,
      String subject, String details, String prevHash) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    md.update(TAG);
    field(md, Long.toString(seq));
    field(md, Long.toString(recordedAt.toEpochMilli()));
    field(md, actor);
    field(md, action);
    field(md, subject);
    field(md, details);
    field(md, prevHash);
    return HexFormat.of().formatHex(md.digest());
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
}
