package dev.veil.api;

import java.time.Instant;

/**
 * A published model as anyone who may see it sees it: never its weights.
 *
 * @param id {@code mdl_...}
 * @param sellerId the seller's user id
 * @param name a label
 * @param description free text, or null
 * @param task {@code logistic} (scores or probabilities) or {@code linear} (scores)
 * @param features input features
 * @param inputSchema feature names, scaling, label
 * @param pricePerPrediction minor units per row scored
 * @param maxQueriesPerBuyer inference jobs each buyer may run
 * @param maxRowsPerBuyer rows each buyer may have scored in all
 * @param listed whether buyers can find and use it
 * @param createdAt when it was published
 * @param updatedAt when its listing last changed
 * @param usage the caller's use of the budget ({@code GET} and {@code PATCH} of one model), or
 *     null
 * @param maxRowsTotal rows all buyers together may have scored
 * @param floodingRows the number of results its flooding is sized for (its total when this
 *     version was published): what a buyer's key set must leave enough precision for
 * @param version 1, then 2, 3... for each version a widened budget published
 * @param previousVersionId the version it replaced, or null
 * @param supersededBy the version that replaced it (this one takes no new jobs), or null
 * @param totalUsage what all buyers together have used ({@code GET} and {@code PATCH} of one
 *     model), or null
 * @param hosted whether the server holds the weights (sealed, run by the server's own workers: the
 *     platform operator can read them); false: they stay on the seller's worker
 */
public record Model(String id, String sellerId, String name, String description, String task,
    int features, InputSchema inputSchema, long pricePerPrediction, long maxQueriesPerBuyer,
    long maxRowsPerBuyer, boolean listed, Instant createdAt, Instant updatedAt,
    BudgetUsage usage, long maxRowsTotal, long floodingRows, int version,
    String previousVersionId, String supersededBy, BudgetUsage totalUsage, boolean hosted) {}
