package dev.veil.api;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of the hash-chained audit log.
 *
 * @param seq its sequence number
 * @param recordedAt when
 * @param actor the acting user's id, or null
 * @param action e.g. {@code user.login}
 * @param subject the object acted on, or null
 * @param details more, as a JSON object
 * @param prevHash the previous record's hash
 * @param hash this record's hash
 */
public record AuditRecord(long seq, Instant recordedAt, String actor, String action,
    String subject, JsonNode details, String prevHash, String hash) {}
