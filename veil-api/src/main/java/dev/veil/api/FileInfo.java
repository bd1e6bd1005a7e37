package dev.veil.api;

/**
 * A file the server stores: its SHA-256 (64 lower-case hex digits) and size in bytes.
 *
 * @param sha256 the digest
 * @param size bytes
 */
public record FileInfo(String sha256, long size) {}
