package dev.veil.server.account;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;

/**
 * A stored account.
 *
 * @param id {@code usr_...}
 * @param username the login name, lower case
 * @param passwordHash the Argon2id PHC string ({@link PasswordHasher}); never leaves the server
 * @param roles one or more roles
 * @param createdAt when it was created
 * @param disabledAt when an operator disabled it, or null for an enabled account
 */
public record User(String id, String username, String passwordHash, Set<Role> roles,
    Instant createdAt, Instant disabledAt) {
  public User {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(passwordHash, "passwordHash");
    roles = Set.copyOf(roles);
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** An enabled account. */
  public User(String id, String username, String passwordHash, Set<Role> roles,
      Instant createdAt) {
    this(id, username, passwordHash, roles, createdAt, null);
  }

  public boolean disabled() {
    return disabledAt != null;
  }

  public Principal principal() {
    return new Principal(id, username, roles);
  }

  @Override
  public String toString() {
    return "User[" + id + ", " + username + ", " + roles + "]"; // no hash in logs
  }
}
