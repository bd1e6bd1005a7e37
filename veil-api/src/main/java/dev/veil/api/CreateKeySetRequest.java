package dev.veil.api;

/**
 * {@code POST /api/keys}.
 *
 * @param name a label, up to 200 characters
 * @param params {@code params.bin} of the key directory, base64
 */
public record CreateKeySetRequest(String name, String params) {}
