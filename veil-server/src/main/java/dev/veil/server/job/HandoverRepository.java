package dev.veil.server.job;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.veil.server.core.Page;
import org.jdbi.v3.core.Handle;

/** The hand-overs' SQL, portable between SQLite and PostgreSQL. */
final class HandoverRepository {
  void insert(Handle h, HandoverRecord r) {
    h.createUpdate("INSERT INTO handovers (job_id, dataset_owner_id, builder_id,"
            + " builder_key_set_id, masked_sha256, masked_size, ciphertexts, mask_seed,"
            + " result_info, state, deadline, created_at) VALUES (:job, :owner, :builder, :ks,"
            + " :sha, :size, :n, :seed, :info, :state, :deadline, :now)")
        .bind("job", r.jobId()).bind("owner", r.datasetOwnerId()).bind("builder", r.builderId())
        .bind("ks", r.builderKeySetId()).bind("sha", r.maskedSha256())
        .bind("size", r.maskedSize()).bind("n", r.ciphertexts()).bind("seed", r.maskSeedHex())
        .bind("info", r.resultInfo()).bind("state", r.state())
        .bind("deadline", time(r.deadline())).bind("now", time(r.createdAt()))
        .execute();
  }

  Optional<HandoverRecord> find(Handle h, String jobId) {
    return h.createQuery("SELECT * FROM handovers WHERE job_id = :id").bind("id", jobId)
        .map((rs, ctx) -> record(rs)).findOne();
  }

  List<HandoverRecord> pendingFor(Handle h, String ownerId, Page page) {
    var q = h.createQuery("SELECT * FROM handovers WHERE dataset_owner_id = :o AND state ="
            + " 'PENDING'" + page.afterClause("created_at", "job_id") + " ORDER BY "
            + page.orderBy("created_at", "job_id"))
        .bind("o", ownerId);
    if (page.after() != null) {
      q.bind("pageTime", time(page.after().createdAt())).bind("pageId", page.after().id());
    }
    return q.map((rs, ctx) -> record(rs)).list();
  }

  List<HandoverRecord> expired(Handle h, Instant now, int limit) {
    return h.createQuery("SELECT * FROM handovers WHERE state = 'PENDING' AND deadline < :now"
            + " ORDER BY deadline LIMIT :limit")
        .bind("now", time(now)).bind("limit", limit).map((rs, ctx) -> record(rs)).list();
  }

  /** PENDING to DELIVERED or EXPIRED; false if it was no longer pending. */
  boolean end(Handle h, String jobId, String to, String switchedSha256, Instant now) {
    return h.createUpdate("UPDATE handovers SET state = :to, switched_sha256 = :sha,"
            + " ended_at = :now WHERE job_id = :id AND state = 'PENDING'")
        .bind("to", to).bind("sha", switchedSha256).bind("now", time(now)).bind("id", jobId)
        .execute() == 1;
  }

  private static HandoverRecord record(ResultSet rs) throws SQLException {
    return new HandoverRecord(rs.getString("job_id"), rs.getString("dataset_owner_id"),
        rs.getString("builder_id"), rs.getString("builder_key_set_id"),
        rs.getString("masked_sha256"), rs.getLong("masked_size"), rs.getInt("ciphertexts"),
        rs.getString("mask_seed"), rs.getString("result_info"), rs.getString("state"),
        instant(rs, "deadline"), instant(rs, "created_at"));
  }
}
