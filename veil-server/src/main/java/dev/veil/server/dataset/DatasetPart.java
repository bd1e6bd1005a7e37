package dev.veil.server.dataset;

import java.time.Instant;

/**
 * One uploaded ciphertext of a data set.
 *
 * @param datasetId its data set
 * @param index 0-based, in {@code [0, partsExpected)}: file {@code z-00000.ct} is part 0
 * @param sha256 its blob
 * @param size its size in bytes
 * @param uploadedAt when it was stored
 */
public record DatasetPart(String datasetId, int index, String sha256, long size,
    Instant uploadedAt) {}
