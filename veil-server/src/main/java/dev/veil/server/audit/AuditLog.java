package dev.veil.server.audit;

import java.util.Map;

/**
 * Append-only, hash-chained record of every security-relevant action: logins (failed ones too), token
 * creation, uploads, publications, purchases, job starts and ends, decryption-related events. Each record
 * holds the SHA-256 of the previous record, so that removing or editing one breaks the chain; {@code
 * verify} recomputes it. Records never hold secrets or plaintext data.
 */
public interface AuditLog {
  /**
   * Appends a record.
   *
   * @param actor the acting user's id, or null for the system or an anonymous caller
   * @param action a dotted action name, e.g. {@code user.login}, {@code dataset.upload}, {@code
   *     job.charge}
   * @param subject the object acted on (an id), or null
   * @param details small JSON-serialisable facts (sizes, prices, outcomes), or an empty map
   */
  void record(String actor, String action, String subject, Map<String, Object> details);

  /** Recomputes the chain from the first record. */
  Verification verify();

  /**
   * The outcome of a verification.
   *
   * @param records how many records were checked
   * @param ok whether every record's hash and link are right
   * @param firstBadSequence the sequence number of the first broken record, or -1
   * @param problem what is wrong with it, or null
   */
  record Verification(long records, boolean ok, long firstBadSequence, String problem) {}
}
