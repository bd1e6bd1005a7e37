package dev.veil.client.api;

/**
 * Feature scaling applied before encryption: {@code x' = (x - offset) / scale} per feature.
 *
 * @param kind how it was fitted ({@code MIN_MAX}, {@code STANDARD}, ...)
 * @param offsets one per feature
 * @param scales one per feature
 */
public record Scaling(String kind, double[] offsets, double[] scales) {}
