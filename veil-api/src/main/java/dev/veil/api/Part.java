package dev.veil.api;

import java.time.Instant;

/**
 * An uploaded part (ciphertext) of a data set.
 *
 * @param index 0-based; the file {@code z-00000.ct} is part 0
 * @param sha256 its digest
 * @param size bytes
 * @param uploadedAt when it arrived
 */
public record Part(int index, String sha256, long size, Instant uploadedAt) {}
