package dev.veil.api;

import java.time.Instant;
import java.util.List;

/**
 * An account as the API shows it (never a password or its hash).
 *
 * @param id {@code usr_...}
 * @param username lower case
 * @param roles what the account may do
 * @param createdAt when it was created
 * @param disabledAt when an operator disabled it, or null for an enabled account
 */
public record User(String id, String username, List<Role> roles, Instant createdAt,
    Instant disabledAt) {}
