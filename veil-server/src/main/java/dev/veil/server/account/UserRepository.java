package dev.veil.server.account;

import java.util.Optional;

/** Storage of accounts. Implementations: {@code JdbiUserRepository}; tests use an in-memory one. */
public interface UserRepository {
  /** Stores a new user; a 409 {@code ServiceException} if the username is taken. */
  void insert(User user);

  Optional<User> byId(String id);

  /** By lower-case username. */
  Optional<User> byUsername(String username);

  void updatePasswordHash(String id, String passwordHash);

  /**
   * Disables the account ({@code at} non-null) or enables it (null).
   *
   * @return false if no such user
   */
  boolean setDisabled(String id, java.time.Instant at);

  /** How many users exist. */
  long count();
}
