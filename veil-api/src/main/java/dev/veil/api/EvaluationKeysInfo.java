package dev.veil.api;

import java.util.List;

/**
 * A key set's evaluation keys as the server parsed them.
 *
 * @param sha256 the file's digest
 * @param size bytes
 * @param relinearization whether it holds a relinearisation key
 * @param galoisElements the Galois elements of its rotation keys
 */
public record EvaluationKeysInfo(String sha256, long size, boolean relinearization,
    List<Long> galoisElements) {}
