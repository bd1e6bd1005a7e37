package dev.veil.server.model;

/**
 * A model as stored: its listing and its sealed weights (useless without the {@link WeightsVault}
 * that sealed them).
 */
public record StoredModel(ModelListing listing, String sealedWeights, String weightsKeyId) {}
