package dev.veil.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /api/datasets} (data owners).
 *
 * @param name a label, up to 200 characters
 * @param description free text, or null
 * @param keySetId the caller's complete key set the data is encrypted under
 * @param meta {@code meta.json} of the {@code veil encrypt} directory, as it is
 * @param pricePerTraining price of one training job by another user, in minor units (0: free)
 * @param listed whether others may find it once READY (null: no)
 * @param handoverHours hours the data owner has to hand a paid training over to its builder's key
 *     before the builder is refunded; null for the default (72)
 */
public record CreateDatasetRequest(String name, String description, String keySetId,
    JsonNode meta, Long pricePerTraining, Boolean listed, Integer handoverHours) {
  /** A request with the default hand-over time. */
  public CreateDatasetRequest(String name, String description, String keySetId, JsonNode meta,
      Long pricePerTraining, Boolean listed) {
    this(name, description, keySetId, meta, pricePerTraining, listed, null);
  }
}
