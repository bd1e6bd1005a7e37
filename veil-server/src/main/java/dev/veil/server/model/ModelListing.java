package dev.veil.server.model;

import java.time.Instant;

import dev.veil.api.InputSchema;

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
 * @param hosted whether the server holds its weights (sealed, run by the server's own workers) or
 *     its seller's worker does (the default)
 * @param createdAt published
 * @param updatedAt last changed
 */
public record ModelListing(String id, String sellerId, String name, String description,
    String task, int features, InputSchema inputSchema, long pricePerPrediction,
    long maxQueriesPerBuyer, long maxRowsPerBuyer, boolean listed, boolean hosted,
    Instant createdAt, Instant updatedAt) {}
