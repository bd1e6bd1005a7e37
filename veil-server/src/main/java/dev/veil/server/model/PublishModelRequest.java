package dev.veil.server.model;

import dev.veil.api.ModelFile;

/**
 * A seller's publication of a model.
 *
 * @param name 1 to 200 characters
 * @param description up to 4000 characters, or null
 * @param pricePerPrediction minor units per row scored, 0 or more
 * @param maxQueriesPerBuyer inference jobs each buyer may run
 * @param maxRowsPerBuyer rows each buyer may have scored in all
 * @param listed whether to list it at once (null: yes)
 * @param model the plaintext model file from {@code veil decrypt}
 * @param maxRowsTotal rows all buyers together may have scored, which sizes the flooding (null:
 *     {@code maxRowsPerBuyer}, see {@link dev.veil.server.budget.BudgetLimits})
 */
public record PublishModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, ModelFile model,
    Long maxRowsTotal) {

  /** A request without a total (it defaults to the per-buyer row budget). */
  public PublishModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, ModelFile model) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        model, null);
  }
}
