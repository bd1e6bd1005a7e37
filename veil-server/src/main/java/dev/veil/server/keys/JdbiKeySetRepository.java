package dev.veil.server.keys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.core.Page;
import dev.veil.server.db.Sql;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

/** {@link KeySetRepository} on the {@code key_sets} table. */
public final class JdbiKeySetRepository implements KeySetRepository {
  private static final RowMapper<KeySet> MAPPER = (rs, ctx) -> new KeySet(
      rs.getString("id"), rs.getString("owner_id"), rs.getString("name"),
      rs.getString("params_sha256"), rs.getLong("params_size"), rs.getString("params_digest"),
      rs.getInt("log_n"), rs.getInt("max_level"), rs.getInt("slots"), rs.getBoolean("insecure"),
      rs.getString("public_key_sha256"), Sql.nullableLong(rs, "public_key_size"),
      rs.getString("key_id"), rs.getString("evaluation_keys_sha256"),
      Sql.nullableLong(rs, "evaluation_keys_size"),
      Sql.nullableBoolean(rs, "relinearization"), elements(rs.getString("galois_elements")),
      Sql.instant(rs, "created_at"));

  private final Jdbi jdbi;

  public JdbiKeySetRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public void insert(KeySet k) {
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO key_sets (id, owner_id, name, params_sha256,"
            + " params_size, params_digest, log_n, max_level, slots, insecure, created_at) VALUES"
            + " (:id, :owner, :name, :psha, :psize, :pdigest, :logn, :level, :slots, :insecure,"
            + " :created)")
        .bind("id", k.id())
        .bind("owner", k.ownerId())
        .bind("name", k.name())
        .bind("psha", k.paramsSha256())
        .bind("psize", k.paramsSize())
        .bind("pdigest", k.paramsDigest())
        .bind("logn", k.logN())
        .bind("level", k.maxLevel())
        .bind("slots", k.slots())
        .bind("insecure", k.insecure())
        .bind("created", Sql.time(k.createdAt()))
        .execute());
  }

  @Override
  public Optional<KeySet> byId(String id) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM key_sets WHERE id = :id")
        .bind("id", id).map(MAPPER).findOne());
  }

  @Override
  public List<KeySet> byOwner(String ownerId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT * FROM key_sets WHERE owner_id = :o"
            + " ORDER BY created_at, id")
        .bind("o", ownerId).map(MAPPER).list());
  }

  @Override
  public List<KeySet> byOwner(String ownerId, Page page) {
    return jdbi.withHandle(h -> {
      var q = h.createQuery("SELECT * FROM key_sets WHERE owner_id = :o"
          + page.afterClause("created_at", "id") + " ORDER BY "
          + page.orderBy("created_at", "id")).bind("o", ownerId);
      if (page.after() != null) {
        q.bind("pageTime", Sql.time(page.after().createdAt())).bind("pageId",
            page.after().id());
      }
      return q.map(MAPPER).list();
    });
  }

  @Override
  public boolean setPublicKey(String id, BlobRef blob, String keyId) {
    return jdbi.withHandle(h -> h.createUpdate("UPDATE key_sets SET public_key_sha256 = :sha,"
            + " public_key_size = :size, key_id = :kid WHERE id = :id"
            + " AND public_key_sha256 IS NULL")
        .bind("sha", blob.sha256()).bind("size", blob.size()).bind("kid", keyId).bind("id", id)
        .execute()) == 1;
  }

  @Override
  public boolean setEvaluationKeys(String id, BlobRef blob, boolean relinearization,
      List<Long> galoisElements) {
    String elements = galoisElements.stream().map(String::valueOf)
        .collect(Collectors.joining(","));
    return jdbi.withHandle(h -> h.createUpdate("UPDATE key_sets SET evaluation_keys_sha256 ="
            + " :sha, evaluation_keys_size = :size, relinearization = :relin,"
            + " galois_elements = :elements WHERE id = :id AND evaluation_keys_sha256 IS NULL")
        .bind("sha", blob.sha256()).bind("size", blob.size()).bind("relin", relinearization)
        .bind("elements", elements).bind("id", id)
        .execute()) == 1;
  }

  @Override
  public List<String> uses(KeySet k) {
    return jdbi.withHandle(h -> {
      List<String> out = new ArrayList<>();
      describe(out, "data set", h.createQuery("SELECT id FROM datasets WHERE key_set_id = :id"
          + " ORDER BY created_at, id").bind("id", k.id()).mapTo(String.class).list());
      describe(out, "input", h.createQuery("SELECT id FROM job_inputs WHERE key_set_id = :id"
          + " ORDER BY created_at, id").bind("id", k.id()).mapTo(String.class).list());
      // inputs uploaded before they recorded their key set: any of the owner's may be under it
      describe(out, "input (uploaded before inputs named their key set)", h.createQuery(
          "SELECT id FROM job_inputs WHERE key_set_id IS NULL AND owner_id = :o"
              + " ORDER BY created_at, id").bind("o", k.ownerId()).mapTo(String.class).list());
      describe(out, "queued, running or hand-over job", h.createQuery("SELECT id FROM jobs"
              + " WHERE state IN ('QUEUED', 'RUNNING', 'HANDOVER_PENDING')"
              + " AND parameters LIKE :pattern ESCAPE '!' ORDER BY created_at, id")
          .bind("pattern", "%" + k.id().replace("!", "!!").replace("%", "!%")
              .replace("_", "!_") + "%")
          .mapTo(String.class).list());
      describe(out, "pending hand-over of job", h.createQuery("SELECT job_id FROM handovers"
              + " WHERE builder_key_set_id = :id AND state = 'PENDING' ORDER BY created_at,"
              + " job_id").bind("id", k.id()).mapTo(String.class).list());
      return out;
    });
  }

  private static void describe(List<String> out, String what, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    String shown = String.join(", ", ids.subList(0, Math.min(10, ids.size())));
    out.add(what + (ids.size() > 1 ? "s " : " ") + shown
        + (ids.size() > 10 ? " and " + (ids.size() - 10) + " more" : ""));
  }

  @Override
  public boolean delete(KeySet k) {
    return jdbi.withHandle(h -> h.createUpdate("DELETE FROM key_sets WHERE id = :id"
            + " AND owner_id = :o"
            + " AND NOT EXISTS (SELECT 1 FROM datasets WHERE key_set_id = :id)"
            + " AND NOT EXISTS (SELECT 1 FROM job_inputs WHERE key_set_id = :id)")
        .bind("id", k.id()).bind("o", k.ownerId()).execute()) == 1;
  }

  private static List<Long> elements(String s) {
    if (s == null) {
      return null;
    }
    return s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(Long::valueOf).toList();
  }
}
