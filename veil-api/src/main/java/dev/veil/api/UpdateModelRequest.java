package dev.veil.api;

/**
 * {@code PATCH /api/models/{id}} (its seller): null fields stay as they are; the weights cannot
 * change.
 *
 * @param name a new label
 * @param description a new description
 * @param pricePerPrediction a new price
 * @param maxQueriesPerBuyer a new query budget
 * @param maxRowsPerBuyer a new row budget
 * @param listed false to unlist it
 */
public record UpdateModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed) {}
