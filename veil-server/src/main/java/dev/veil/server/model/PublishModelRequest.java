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
 * @param model the model file from {@code veil decrypt}: without its weights for a listing that
 *     is not hosted (the model card: task, feature names, scaler, label), with them for a hosted
 *     one
 * @param maxRowsTotal rows all buyers together may have scored, which sizes the flooding (null:
 *     {@code maxRowsPerBuyer}, see {@link dev.veil.server.budget.BudgetLimits})
 * @param hosted whether the server holds the weights (sealed by the {@link WeightsVault}, run by
 *     the server's own workers: the platform operator can read them); null or false: the weights
 *     stay on the seller's worker ({@code veil worker}) and never reach the server
 */
public record PublishModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, ModelFile model,
    Long maxRowsTotal, Boolean hosted) {

  /** A listing that is not hosted, with a total. */
  public PublishModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, ModelFile model,
      Long maxRowsTotal) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        model, maxRowsTotal, null);
  }

  /** A listing that is not hosted, without a total (the per-buyer row budget). */
  public PublishModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, ModelFile model) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        model, null, null);
  }
}
