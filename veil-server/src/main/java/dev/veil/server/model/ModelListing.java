package dev.veil.server.model;

import java.time.Instant;

import dev.veil.api.InputSchema;
import dev.veil.server.budget.BudgetLimits;

/**
 * A published model as everyone who may see it sees it: never its weights (the model is
 * write-only: not even its seller reads the weights back; to change them, publish a new model).
 *
 * @param id {@code mdl_...}
 * @param sellerId the seller
 * @param name short name
 * @param description free text
 * @param task {@code logistic} (scores or probabilities) or {@code linear} (scores)
 * @param features number of input features
 * @param inputSchema feature names, scaling, label
 * @param pricePerPrediction minor units per row scored
 * @param maxQueriesPerBuyer inference jobs each buyer may run on it
 * @param maxRowsPerBuyer rows each buyer may have scored in all
 * @param listed whether buyers can find and use it
 * @param createdAt published
 * @param updatedAt last changed
 * @param maxRowsTotal rows all buyers together may have scored
 * @param floodingRows the D its results' flooding is sized for: its {@code maxRowsTotal} when this
 *     version was published, never changed afterwards (a lowered budget keeps it)
 * @param version 1 for a model as first published, then 2, 3... for each version a widened
 *     budget made
 * @param previousVersionId the version it replaced, or null
 * @param supersededBy the version that replaced it, or null (a superseded version takes no new
 *     jobs; its results and its budget stay as they were)
 * @param hosted whether the server holds its weights (sealed, run by the server's own workers) or
 *     its seller's worker does (the default)
 */
public record ModelListing(String id, String sellerId, String name, String description,
    String task, int features, InputSchema inputSchema, long pricePerPrediction,
    long maxQueriesPerBuyer, long maxRowsPerBuyer, boolean listed, Instant createdAt,
    Instant updatedAt, long maxRowsTotal, long floodingRows, int version,
    String previousVersionId, String supersededBy, boolean hosted) {

  /** Its budget, as the job's admission charges it. */
  public BudgetLimits budget() {
    return new BudgetLimits(maxQueriesPerBuyer, maxRowsPerBuyer, maxRowsTotal);
  }
}
