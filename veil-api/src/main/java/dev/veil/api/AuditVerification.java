package dev.veil.api;

/**
 * {@code GET /api/audit/verify} (operators): the audit log's hash chain recomputed.
 *
 * @param records records checked
 * @param ok whether the chain is intact
 * @param firstBadSequence the first record that does not fit, -1 when ok
 * @param problem what is wrong, or null
 */
public record AuditVerification(long records, boolean ok, long firstBadSequence,
    String problem) {}
