package dev.veil.api;

import java.time.Instant;

/**
 * Encrypted rows uploaded for inference ({@code POST /api/inputs}); only their uploader may use
 * them.
 *
 * @param id {@code inp_...}
 * @param sha256 the upload's digest
 * @param size bytes
 * @param createdAt when it was uploaded
 */
public record Input(String id, String sha256, long size, Instant createdAt) {}
