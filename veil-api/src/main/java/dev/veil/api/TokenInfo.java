package dev.veil.api;

import java.time.Instant;

/**
 * An API token as listed: never the token itself.
 *
 * @param id {@code tok_...}
 * @param name its label
 * @param createdAt when it was issued
 * @param expiresAt when it expires, or null for never
 * @param lastUsedAt when it was last used, or null
 */
public record TokenInfo(String id, String name, Instant createdAt, Instant expiresAt,
    Instant lastUsedAt) {}
