package dev.veil.server.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.veil.server.core.Page;
import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementException;

/** {@link DatasetRepository} on the {@code datasets} and {@code dataset_parts} tables. */
public final class JdbiDatasetRepository implements DatasetRepository {
  private static final String SELECT = "SELECT d.*, u.username AS owner_name FROM datasets d"
      + " JOIN users u ON u.id = d.owner_id";
  private static final RowMapper<Dataset> MAPPER = (rs, ctx) -> new Dataset(rs.getString("id"),
      rs.getString("owner_id"), rs.getString("owner_name"), rs.getString("key_set_id"),
      rs.getString("name"), rs.getString("description"), rs.getString("meta"),
      rs.getLong("n_rows"), rs.getInt("n_features"), rs.getInt("parts_expected"),
      rs.getString("params_digest"), rs.getLong("price_per_training"), rs.getBoolean("listed"),
      Dataset.State.valueOf(rs.getString("state")), Sql.instant(rs, "created_at"),
      Sql.instant(rs, "completed_at"), rs.getInt("handover_hours"));
  private static final RowMapper<DatasetPart> PART = (rs, ctx) -> new DatasetPart(
      rs.getString("dataset_id"), rs.getInt("part_index"), rs.getString("blob_sha256"),
      rs.getLong("size_bytes"), Sql.instant(rs, "uploaded_at"));

  private final Jdbi jdbi;

  public JdbiDatasetRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void insert(Dataset d) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO datasets (id, owner_id, key_set_id, name,"
            + " description, meta, n_rows, n_features, parts_expected, params_digest,"
            + " price_per_training, listed, state, created_at, handover_hours) VALUES (:id, :owner,"
            + " :ks, :name, :description, :meta, :rows, :features, :parts, :digest, :price,"
            + " :listed, :state, :created, :hours)")
        .bind("hours", d.handoverHours())
        .bind("id", d.id())
        .bind("owner", d.ownerId())
        .bind("ks", d.keySetId())
        .bind("name", d.name())
        .bind("description", d.description())
        .bind("meta", d.meta())
        .bind("rows", d.rows())
        .bind("features", d.features())
        .bind("parts", d.partsExpected())
        .bind("digest", d.paramsDigest())
        .bind("price", d.pricePerTraining())
        .bind("listed", d.listed())
        .bind("state", d.state().name())
        .bind("created", Sql.time(d.createdAt()))
        .execute());
  }

  @Override
  public Optional<Dataset> byId(String id) {
    return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE d.id = :id")
        .bind("id", id).map(MAPPER).findOne());
  }

  @Override
  public List<Dataset> visibleTo(String userId) {
    return jdbi.withHandle(h -> h.createQuery(SELECT + " WHERE d.owner_id = :u"
            + " OR (d.listed = TRUE AND d.state = 'READY') ORDER BY d.created_at DESC, d.id")
        .bind("u", userId).map(MAPPER).list());
  }

  @Override
  public List<Dataset> visibleTo(String userId, Page page) {
    return jdbi.withHandle(h -> {
      var q = h.createQuery(SELECT + " WHERE (d.owner_id = :u"
          + " OR (d.listed = TRUE AND d.state = 'READY'))" + page.afterClause("d.created_at",
              "d.id") + " ORDER BY " + page.orderBy("d.created_at", "d.id")).bind("u", userId);
      if (page.after() != null) {
        q.bind("pageTime", Sql.time(page.after().createdAt())).bind("pageId",
            page.after().id());
      }
      return q.map(MAPPER).list();
    });
  }

  @Override
  public boolean putPart(DatasetPart p) {
    return jdbi.inTransaction(h -> {
      int n = h.createUpdate("UPDATE dataset_parts SET blob_sha256 = :sha, size_bytes = :size,"
              + " uploaded_at = :at WHERE dataset_id = :id AND part_index = :i AND EXISTS"
              + " (SELECT 1 FROM datasets WHERE id = :id AND state = 'UPLOADING')")
          .bind("sha", p.sha256()).bind("size", p.size()).bind("at", Sql.time(p.uploadedAt()))
          .bind("id", p.datasetId()).bind("i", p.index())
          .execute();
      if (n == 1) {
        return true;
      }
      try {
        return h.createUpdate("INSERT INTO dataset_parts (dataset_id, part_index, blob_sha256,"
                + " size_bytes, uploaded_at) SELECT id, :i, :sha, :size, :at FROM datasets"
                + " WHERE id = :id AND state = 'UPLOADING'")
            .bind("sha", p.sha256()).bind("size", p.size()).bind("at", Sql.time(p.uploadedAt()))
            .bind("id", p.datasetId()).bind("i", p.index())
            .execute() == 1;
      } catch (StatementException e) {
        if (Sql.isUniqueViolation(e)) {
          throw ServiceException.conflict("part " + p.index() + " of data set " + p.datasetId()
              + " is being uploaded by another request; retry");
        }
        throw e;
      }
    });
  }

  @Override
  public List<DatasetPart> parts(String datasetId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM dataset_parts WHERE dataset_id = :id"
            + " ORDER BY part_index")
        .bind("id", datasetId).map(PART).list());
  }

  @Override
  public boolean complete(String id, Instant at) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE datasets SET state = 'READY',"
            + " completed_at = :at WHERE id = :id AND state = 'UPLOADING' AND parts_expected ="
            + " (SELECT COUNT(*) FROM dataset_parts WHERE dataset_id = :id)")
        .bind("at", Sql.time(at)).bind("id", id).execute()) == 1;
  }

  @Override
  public void updateListing(String id, String name, String description, long pricePerTraining,
      boolean listed) {
    jdbi.useHandle(h -> h.createUpdate("UPDATE datasets SET name = :name, description = :d,"
            + " price_per_training = :price, listed = :listed WHERE id = :id")
        .bind("name", name).bind("d", description).bind("price", pricePerTraining)
        .bind("listed", listed).bind("id", id).execute());
  }

  @Override
  public List<String> unendedJobs(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT id FROM jobs WHERE kind = 'TRAINING'"
            + " AND state IN ('QUEUED', 'RUNNING', 'HANDOVER_PENDING')"
            + " AND parameters LIKE :pattern ESCAPE '!' ORDER BY created_at, id")
        .bind("pattern", "%" + id.replace("!", "!!").replace("%", "!%").replace("_", "!_")
            + "%")
        .mapTo(String.class).list());
  }

  @Override
  public boolean delete(String id) {
    try {
      return jdbi.inTransaction(h -> {
        h.createUpdate("DELETE FROM dataset_parts WHERE dataset_id = :id").bind("id", id)
            .execute();
        return h.createUpdate("DELETE FROM datasets WHERE id = :id").bind("id", id)
            .execute() == 1;
      });
    } catch (StatementException e) {
      if (Sql.isForeignKeyViolation(e)) {
        throw ServiceException.conflict("data set " + id + " is still used (by jobs or models)"
            + " and cannot be deleted");
      }
      throw e;
    }
  }
}
