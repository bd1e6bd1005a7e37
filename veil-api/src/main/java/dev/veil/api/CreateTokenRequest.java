package dev.veil.api;

/**
 * {@code POST /api/tokens}.
 *
 * @param name a label, up to 100 characters
 * @param expiresInDays 1 to 3650, or null for a token that does not expire
 */
public record CreateTokenRequest(String name, Integer expiresInDays) {}
