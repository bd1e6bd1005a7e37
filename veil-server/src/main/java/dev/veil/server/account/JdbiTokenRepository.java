package dev.veil.server.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link TokenRepository} on the {@code api_tokens} table. */
public final class JdbiTokenRepository implements TokenRepository {
  private static final RowMapper<ApiToken> MAPPER = (rs, ctx) -> new ApiToken(rs.getString("id"),
      rs.getString("user_id"), rs.getString("name"), rs.getString("token_hash"),
      Sql.instant(rs, "created_at"), Sql.instant(rs, "expires_at"),
      Sql.instant(rs, "last_used_at"), Sql.instant(rs, "revoked_at"));

  private final Jdbi jdbi;

  public JdbiTokenRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void insert(ApiToken t) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO api_tokens (id, user_id, name, token_hash,"
            + " created_at, expires_at) VALUES (:id, :user, :name, :hash, :created, :expires)")
        .bind("id", t.id())
        .bind("user", t.userId())
        .bind("name", t.name())
        .bind("hash", t.tokenHash())
        .bind("created", Sql.time(t.createdAt()))
        .bind("expires", Sql.time(t.expiresAt()))
        .execute());
  }

  @Override
  public Optional<ApiToken> byHash(String tokenHash) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE token_hash = :h")
        .bind("h", tokenHash).map(MAPPER).findOne());
  }

  @Override
  public List<ApiToken> byUser(String userId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_tokens WHERE user_id = :u"
            + " AND revoked_at IS NULL ORDER BY created_at DESC, id")
        .bind("u", userId).map(MAPPER).list());
  }

  @Override
  public boolean revoke(String id, String userId, Instant at) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE api_tokens SET revoked_at = :at"
            + " WHERE id = :id AND user_id = :u AND revoked_at IS NULL")
        .bind("at", Sql.time(at)).bind("id", id).bind("u", userId).execute()) == 1;
  }

  @Override
  public int revokeAllBut(String userId, String keepId, Instant at) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE api_tokens SET revoked_at = :at"
            + " WHERE user_id = :u AND revoked_at IS NULL AND id <> :keep")
        .bind("at", Sql.time(at)).bind("u", userId).bind("keep", keepId == null ? "" : keepId)
        .execute());
  }

  @Override
  public void touch(String id, Instant at) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE api_tokens SET last_used_at = :at WHERE id = :id")
        .bind("at", Sql.time(at)).bind("id", id).execute());
  }
}
