package dev.veil.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Storage of API tokens (their hashes). */
public interface TokenRepository {
  void insert(ApiToken token);

  /** The token with this SHA-256, revoked and expired ones included. */
  Optional<ApiToken> byHash(String tokenHash);

  /** A user's tokens that are not revoked, newest first. */
  List<ApiToken> byUser(String userId);

  /**
   * Revokes a token of this user.
   *
   * @return false if the user has no such unrevoked token
   */
  boolean revoke(String id, String userId, Instant at);

  /**
   * Revokes every unrevoked token of the user but {@code keepId}.
   *
   * @param keepId the token to keep, or null to revoke all
   * @return how many were revoked
   */
  int revokeAllBut(String userId, String keepId, Instant at);

  /** Records a use of the token. */
  void touch(String id, Instant at);
}
