package dev.veil.server.worker;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;

/** The workers' SQL (portable between SQLite and PostgreSQL). */
final class WorkerRepository {
  private static final TypeReference<List<String>> IDS = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final ObjectMapper json;

  WorkerRepository(Jdbi jdbi, ObjectMapper json) {
    this.jdbi = jdbi;
    this.json = json;
  }

  void insert(Worker w, String tokenHash) {
    String models;
    try {
      models = json.writeValueAsString(w.models());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO workers (id, owner_id, name, token_hash,"
            + " models, training, created_at) VALUES (:id, :owner, :name, :hash, :models,"
            + " :training, :now)")
        .bind("id", w.id()).bind("owner", w.ownerId()).bind("name", w.name())
        .bind("hash", tokenHash).bind("models", models).bind("training", w.training())
        .bind("now", time(w.createdAt())).execute());
  }

  /** A worker by its token's hash, with that hash (for a constant-time comparison). */
  Optional<Hashed> byHash(String tokenHash) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM workers WHERE token_hash = :hash")
        .bind("hash", tokenHash)
        .map((rs, ctx) -> new Hashed(worker(rs), rs.getString("token_hash"))).findOne());
  }

  /** A worker and its token's hash. */
  record Hashed(Worker worker, String tokenHash) {}

  Optional<Worker> byId(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM workers WHERE id = :id")
        .bind("id", id).map((rs, ctx) -> worker(rs)).findOne());
  }

  List<Worker> byOwner(String ownerId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM workers WHERE owner_id = :owner"
            + " ORDER BY created_at DESC, id DESC")
        .bind("owner", ownerId).map((rs, ctx) -> worker(rs)).list());
  }

  void revoke(String id, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE workers SET revoked_at = :now WHERE id = :id"
            + " AND revoked_at IS NULL")
        .bind("now", time(now)).bind("id", id).execute());
  }

  void touch(String id, Instant now) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE workers SET last_seen_at = :now WHERE id = :id")
        .bind("now", time(now)).bind("id", id).execute());
  }

  private Worker worker(ResultSet rs) throws SQLException {
    List<String> models;
    try {
      models = json.readValue(rs.getString("models"), IDS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("worker " + rs.getString("id") + ": unreadable models", e);
    }
    return new Worker(rs.getString("id"), rs.getString("owner_id"), rs.getString("name"),
        models, rs.getBoolean("training"), instant(rs, "created_at"),
        instant(rs, "last_seen_at"), instant(rs, "revoked_at"));
  }
}
