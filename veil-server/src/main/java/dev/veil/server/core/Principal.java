package dev.veil.server.core;

import java.util.Objects;
import java.util.Set;

/**
 * The authenticated caller of a request, resolved from its API token.
 *
 * @param userId the user's id ({@code usr_...})
 * @param username the user's login name
 * @param roles the user's roles (non-empty)
 */
public record Principal(String userId, String username, Set<Role> roles) {
  public Principal {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(username, "username");
    roles = Set.copyOf(roles);
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
