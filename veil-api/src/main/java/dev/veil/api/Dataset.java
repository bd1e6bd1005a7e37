package dev.veil.api;

import java.time.Instant;

/**
 * A data set as the caller may see it: their own, or a listed READY one of another user (then
 * without key set, scaler, upload progress and size).
 *
 * @param id {@code ds_...}
 * @param name a label
 * @param description free text
 * @param owner the owner's username
 * @param owned whether the caller owns it
 * @param keySetId the key set (owner only)
 * @param meta the public metadata ({@code meta.json} of {@code veil encrypt}; scaler owner only)
 * @param rows training rows
 * @param features feature columns
 * @param partsExpected ciphertexts to upload
 * @param partsUploaded received so far (owner only, in {@code GET /api/datasets/{id}})
 * @param sizeBytes bytes received (owner only, likewise)
 * @param pricePerTraining minor units per training job
 * @param listed whether others may find it
 * @param state {@code UPLOADING} or {@code READY}
 * @param createdAt when it was created
 * @param completedAt when it became READY, or null
 */
public record Dataset(String id, String name, String description, String owner, boolean owned,
    String keySetId, DataInfo meta, long rows, int features, int partsExpected,
    Integer partsUploaded, Long sizeBytes, long pricePerTraining, boolean listed, String state,
    Instant createdAt, Instant completedAt) {

  /** Whether every part is uploaded and the data set can be trained on. */
  public boolean ready() {
    return "READY".equals(state);
  }
}
