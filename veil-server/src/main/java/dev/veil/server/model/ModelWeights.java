package dev.veil.server.model;

/**
 * The secret part of a model, as sealed at rest: its task and its weights (intercept first).
 * Exists in the clear only inside the inference runner.
 */
public record ModelWeights(String task, double[] weights) {}
