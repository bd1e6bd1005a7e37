package dev.veil.api;

/**
 * {@code PATCH /api/datasets/{id}}: the listing fields to change; null ones stay as they are.
 *
 * @param name a new label
 * @param description a new description
 * @param pricePerTraining a new price in minor units
 * @param listed whether others may find it
 */
public record UpdateDatasetRequest(String name, String description, Long pricePerTraining,
    Boolean listed) {}
