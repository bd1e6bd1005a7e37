package dev.veil.api;

import java.util.List;

/**
 * What {@link AuditChain#verify} found: whether the downloaded audit log is consistent with its
 * hash chain and with every signed checkpoint, how much of it the checkpoints cover, and, in
 * words, what such a verification can and cannot detect ({@code veil audit verify --json}).
 *
 * @param ok whether every record links and hashes right and every checkpoint verifies and
 *     matches the record it covers
 * @param records records checked
 * @param checkpoints checkpoints checked
 * @param coveredThrough the sequence number of the newest record a valid checkpoint covers (0 if
 *     none)
 * @param lastCheckpoint that checkpoint (what the next verification should find again), or null
 * @param uncovered records after {@code coveredThrough}: only their hash chain protects them
 * @param keyId the id of the public key the signatures were checked against
 * @param firstBadRecord the first record that is missing, altered or rewritten, or null
 * @param firstBadCheckpoint the id of the first checkpoint refused, or null
 * @param problem what is wrong, or null when ok
 * @param detects what this verification would have caught
 * @param cannotDetect what it cannot catch
 */
public record AuditReport(boolean ok, long records, long checkpoints, long coveredThrough,
    AuditCheckpoint lastCheckpoint, long uncovered, String keyId, Long firstBadRecord,
    Long firstBadCheckpoint, String problem, List<String> detects, List<String> cannotDetect) {
  public AuditReport {
    detects = List.copyOf(detects);
    cannotDetect = List.copyOf(cannotDetect);
  }
}
