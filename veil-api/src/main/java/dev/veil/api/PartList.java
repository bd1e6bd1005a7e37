package dev.veil.api;

import java.util.List;

/**
 * {@code GET /api/datasets/{id}/parts}: the parts received and the first missing ones.
 *
 * @param parts received
 * @param missing up to 1000 missing indices, ascending
 * @param missingCount how many are missing in all
 */
public record PartList(List<Part> parts, List<Integer> missing, int missingCount) {}
