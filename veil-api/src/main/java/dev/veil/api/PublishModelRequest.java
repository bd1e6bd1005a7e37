package dev.veil.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /api/models} (model sellers). The weights are sealed by the server and never shown
 * again, not even to the seller.
 *
 * @param name a label, up to 200 characters
 * @param description up to 4000 characters, or null
 * @param pricePerPrediction minor units per row scored
 * @param maxQueriesPerBuyer inference jobs each buyer may run
 * @param maxRowsPerBuyer rows each buyer may have scored in all
 * @param listed whether to list it at once (null: yes)
 * @param model the model file from {@code veil decrypt} ({@code veil-model/1}), as it is
 * @param maxRowsTotal rows all buyers together may have scored, at least {@code
 *     maxRowsPerBuyer}; it sizes the flooding noise of the results (a larger total, more noise),
 *     since buyers could pool their results; null: {@code maxRowsPerBuyer}
 */
public record PublishModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, JsonNode model,
    Long maxRowsTotal) {

  /** A request without a total (it defaults to the per-buyer row budget). */
  public PublishModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, JsonNode model) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        model, null);
  }
}
