package dev.veil.api;

import java.time.Instant;

/**
 * A signed checkpoint of the audit log: the head of its hash chain (the sequence number and hash
 * of the newest record) at a moment, signed by the server with a key kept outside the database
 * ({@link AuditChain#checkpointMessage} is what is signed).
 *
 * @param id the checkpoint's number, 1, 2, 3... in the order they were made
 * @param seq the sequence number of the newest record it covers
 * @param headHash that record's hash
 * @param signedAt when it was signed, to the millisecond
 * @param keyId the signing key's id ({@link AuditChain#keyId})
 * @param signature the Ed25519 signature, base64
 */
public record AuditCheckpoint(long id, long seq, String headHash, Instant signedAt,
    String keyId, String signature) {}
