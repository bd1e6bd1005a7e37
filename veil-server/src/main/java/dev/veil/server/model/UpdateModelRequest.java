package dev.veil.server.model;

/**
 * A change of a model's listing by its seller; null fields stay as they are. The weights cannot
 * change (publish a new model); new budget limits apply to queries from now on.
 */
public record UpdateModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed) {}
