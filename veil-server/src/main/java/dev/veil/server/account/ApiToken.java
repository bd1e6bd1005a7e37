package dev.veil.server.account;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored API token: only the SHA-256 of the token is kept, the token itself is shown once.
 *
 * @param id {@code tok_...}, names the token (for listing and revocation), not a secret
 * @param userId its owner
 * @param name what the owner called it ({@code login}, {@code laptop}...)
 * @param tokenHash lowercase hex SHA-256 of the token
 * @param createdAt when it was issued
 * @param expiresAt when it stops working, or null for never
 * @param lastUsedAt roughly when it was last used (updated at most every few minutes), or null
 * @param revokedAt when it was revoked, or null
 */
public record ApiToken(String id, String userId, String name, String tokenHash, Instant createdAt,
    Instant expiresAt, Instant lastUsedAt, Instant revokedAt) {
  public ApiToken {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** Whether it authenticates requests at {@code now}. */
  public boolean activeAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  @Override
  public String toString() {
    return "ApiToken[" + id + ", user " + userId + ", " + name + "]";
  }
}
