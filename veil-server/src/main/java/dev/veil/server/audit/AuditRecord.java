package dev.veil.server.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Objects;

import dev.veil.api.AuditChain;

/**
 * One record of the audit log.
 *
 * <p>{@link #hash} is the lowercase hex SHA-256 of the canonical encoding of every other field
 * ({@link AuditChain#recordHash}, which verifiers outside the server use too): unambiguous, so
 * that no two different records hash alike.
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
  public static final String GENESIS = AuditChain.GENESIS;

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
    return AuditChain.recordHash(seq, recordedAt, actor, action, subject, details, prevHash);
  }
}
