package dev.veil.server.inference;

import java.time.Instant;

/**
 * Encrypted rows a user uploaded for inference: a blob of VeilIO ciphertexts under the user's
 * public key, one after the other (see {@link InferenceRequest} for their order).
 *
 * @param id {@code inp_...}
 * @param ownerId who uploaded it (only they may use it)
 * @param sha256 the blob
 * @param size its size in bytes
 * @param createdAt when it was uploaded
 */
public record JobInput(String id, String ownerId, String sha256, long size, Instant createdAt) {}
