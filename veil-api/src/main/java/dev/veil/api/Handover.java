package dev.veil.api;

/**
 * {@code GET /api/handovers/{id}}: a paid training waiting for its data owner's public key
 * switch, as the data owner sees it (never the platform's mask).
 *
 * @param jobId the training job (HANDOVER_PENDING)
 * @param builderKeySetId the builder's key set the model goes to
 * @param ciphertexts ciphertexts of the masked model, and of the switch to upload
 * @param maskedSha256 the masked model's digest
 * @param maskedSize its size in bytes
 * @param model the model's public description (an {@link EncryptedModelInfo} as JSON)
 * @param deadline ISO-8601: after it the builder is refunded and the switch refused
 */
public record Handover(String jobId, String builderKeySetId, int ciphertexts,
    String maskedSha256, long maskedSize, String model, String deadline) {}
