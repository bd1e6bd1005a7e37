package dev.veil.server.model;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.InputSchema;
import dev.veil.server.core.Page;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** The models' SQL (portable between SQLite and PostgreSQL). */
final class ModelRepository {
  private final Jdbi jdbi;
  private final ObjectMapper json;

  ModelRepository(Jdbi jdbi, ObjectMapper json) {
    this.jdbi = jdbi;
    this.json = json;
  }

  void insert(StoredModel m) {
    jdbi.useHandle(h -> insert(h, m));
  }

  /**
   * Inserts {@code next} as the version after {@code previousId}, which it supersedes, in one
   * transaction.
   *
   * @return false (nothing written) if another version superseded {@code previousId} first
   */
  boolean insertVersion(String previousId, StoredModel next) {
    return jdbi.inTransaction(h -> {
      int n = h.createUpdate("UPDATE models SET superseded_by = :next, updated_at = :updated"
              + " WHERE id = :id AND superseded_by IS NULL")
          .bind("next", next.listing().id()).bind("updated", time(next.listing().createdAt()))
          .bind("id", previousId).execute();
      if (n == 0) {
        return false;
      }
      insert(h, next);
      return true;
    });
  }

  private void insert(Handle h, StoredModel m) {
    ModelListing l = m.listing();
    h.createUpdate("INSERT INTO models (id, seller_id, name, description,"
            + " task, features, input_schema, price_per_prediction, max_queries, max_rows, listed,"
            + " sealed_weights, weights_key_id, created_at, updated_at, max_rows_total,"
            + " flooding_rows, listing_version, previous_version_id, hosted) VALUES (:id,"
            + " :seller, :name, :description, :task, :features, :schema, :price, :maxQ, :maxR,"
            + " :listed, :sealed, :keyId, :created, :updated, :maxT, :flooding, :version,"
            + " :previous, :hosted)")
        .bind("hosted", l.hosted())
        .bind("id", l.id())
        .bind("seller", l.sellerId())
        .bind("name", l.name())
        .bind("description", l.description())
        .bind("task", l.task())
        .bind("features", l.features())
        .bind("schema", write(l.inputSchema()))
        .bind("price", l.pricePerPrediction())
        .bind("maxQ", l.maxQueriesPerBuyer())
        .bind("maxR", l.maxRowsPerBuyer())
        .bind("listed", l.listed())
        .bind("sealed", m.sealedWeights())
        .bind("keyId", m.weightsKeyId())
        .bind("created", time(l.createdAt()))
        .bind("updated", time(l.updatedAt()))
        .bind("maxT", l.maxRowsTotal())
        .bind("flooding", l.floodingRows())
        .bind("version", l.version())
        .bind("previous", l.previousVersionId())
        .execute();
  }

  /**
   * Writes the listing fields of {@code l} (not the weights, not its flooding, not its version).
   * A budget is written only if it is no wider than the stored one (a widening is a new
   * version), and only while no version supersedes it.
   *
   * @return false (nothing written) if it was superseded or its budget would widen
   */
  boolean updateListing(ModelListing l) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE models SET name = :name, description = :d,"
            + " price_per_prediction = :price, max_queries = :maxQ, max_rows = :maxR,"
            + " max_rows_total = :maxT, listed = :listed, updated_at = :updated WHERE id = :id"
            + " AND superseded_by IS NULL AND max_queries >= :maxQ AND max_rows >= :maxR"
            + " AND max_rows_total >= :maxT")
        .bind("name", l.name())
        .bind("d", l.description())
        .bind("price", l.pricePerPrediction())
        .bind("maxQ", l.maxQueriesPerBuyer())
        .bind("maxR", l.maxRowsPerBuyer())
        .bind("maxT", l.maxRowsTotal())
        .bind("listed", l.listed())
        .bind("updated", time(l.updatedAt()))
        .bind("id", l.id())
        .execute() == 1);
  }

  Optional<StoredModel> find(String id) {
    return jdbi.withHandle(h -> find(h, id));
  }

  Optional<StoredModel> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM models WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new StoredModel(listing(rs), rs.getString("sealed_weights"),
            rs.getString("weights_key_id")))
        .findOne();
  }

  /**
   * Listed models that no version supersedes, and the caller's own, every version (newest
   * first).
   */
  List<ModelListing> list(String sellerId, boolean onlyMine, Page page) {
    String where = onlyMine ? "seller_id = :s"
        : "((listed AND superseded_by IS NULL) OR seller_id = :s)";
    return jdbi.withHandle(h -> {
      var q = h.createQuery("SELECT * FROM models WHERE " + where
          + page.afterClause("created_at", "id") + " ORDER BY "
          + page.orderBy("created_at", "id")).bind("s", sellerId);
      if (page.after() != null) {
        q.bind("pageTime", time(page.after().createdAt())).bind("pageId", page.after().id());
      }
      return q.map((rs, ctx) -> listing(rs)).list();
    });
  }

  private ModelListing listing(ResultSet rs) throws SQLException {
    InputSchema schema;
    try {
      schema = json.readValue(rs.getString("input_schema"), InputSchema.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("model " + rs.getString("id")
          + ": unreadable input schema", e);
    }
    return new ModelListing(rs.getString("id"), rs.getString("seller_id"), rs.getString("name"),
        rs.getString("description"), rs.getString("task"), rs.getInt("features"), schema,
        rs.getLong("price_per_prediction"), rs.getLong("max_queries"), rs.getLong("max_rows"),
        rs.getBoolean("listed"), instant(rs, "created_at"), instant(rs, "updated_at"),
        rs.getLong("max_rows_total"), rs.getLong("flooding_rows"), rs.getInt("listing_version"),
        rs.getString("previous_version_id"), rs.getString("superseded_by"),
        rs.getBoolean("hosted"));
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
