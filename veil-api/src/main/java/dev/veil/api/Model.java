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
 * @param hosted whether the server holds the weights (sealed, run by the server's own workers: the
 *     platform operator can read them); false: they stay on the seller's worker
 * @param createdAt when it was published
 * @param updatedAt when its listing last changed
 * @param usage the caller's use of the budget ({@code GET} and {@code PATCH} of one model), or
 *     null
 */
public record Model(String id, String sellerId, String name, String description, String task,
    int features, InputSchema inputSchema, long pricePerPrediction, long maxQueriesPerBuyer,
    long maxRowsPerBuyer, boolean listed, boolean hosted, Instant createdAt, Instant updatedAt,
    BudgetUsage usage) {}
