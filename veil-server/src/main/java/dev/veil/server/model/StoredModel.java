package dev.veil.server.model;

/**
 * A model as stored: its listing and, for a hosted listing, its sealed weights (useless without
 * the {@link WeightsVault} that sealed them); both null for a listing whose weights stay on its
 * seller's worker.
 */
public record StoredModel(ModelListing listing, String sealedWeights, String weightsKeyId) {}
