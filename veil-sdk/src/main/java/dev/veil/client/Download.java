package dev.veil.client;

import java.nio.file.Path;

/**
 * A downloaded file, complete and checked against the digest the server sent.
 *
 * @param file where it is
 * @param sha256 its SHA-256, 64 lower-case hex digits
 * @param size bytes
 */
public record Download(Path file, String sha256, long size) {}
