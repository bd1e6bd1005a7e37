package dev.veil.api;

/**
 * A result a remote worker uploaded for its claim ({@code PUT /api/worker/jobs/{id}/result}).
 *
 * @param sha256 its digest, to name in {@code .../complete}
 * @param size bytes
 */
public record WorkerResult(String sha256, long size) {}
