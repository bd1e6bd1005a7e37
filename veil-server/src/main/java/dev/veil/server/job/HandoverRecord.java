package dev.veil.server.job;

import java.time.Instant;

/**
 * A training job waiting for (or done with) its data owner's hand-over, as stored.
 *
 * @param jobId the training job (state HANDOVER_PENDING while PENDING)
 * @param datasetOwnerId the data owner, who alone switches it
 * @param builderId the job's owner, who paid and gets the model
 * @param builderKeySetId the builder's key set whose public key the model is switched to
 * @param maskedSha256 the masked model the owner downloads and switches
 * @param maskedSize its size
 * @param ciphertexts ciphertexts in it
 * @param maskSeedHex the platform's mask seed: never in a reply or a blob
 * @param resultInfo the model's public description (meta.json) the job shows once delivered
 * @param state PENDING, DELIVERED or EXPIRED
 * @param deadline when a PENDING hand-over expires and the builder is refunded
 * @param createdAt when the training ended
 */
public record HandoverRecord(String jobId, String datasetOwnerId, String builderId,
    String builderKeySetId, String maskedSha256, long maskedSize, int ciphertexts,
    String maskSeedHex, String resultInfo, String state, Instant deadline, Instant createdAt) {
  public static final String PENDING = "PENDING";
  public static final String DELIVERED = "DELIVERED";
  public static final String EXPIRED = "EXPIRED";

  @Override
  public String toString() {
    return "HandoverRecord[" + jobId + ", " + state + "]"; // never the seed
  }
}
