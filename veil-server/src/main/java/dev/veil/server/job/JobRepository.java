package dev.veil.server.job;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.nullableLong;
import static dev.veil.server.db.Sql.time;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.veil.server.core.Page;
import org.jdbi.v3.core.Handle;

/**
 * The job queue's SQL, portable between SQLite and PostgreSQL. Every state change of a running job
 * is a conditional {@code UPDATE} fenced by {@code state = 'RUNNING' AND worker_id = ? AND
 * attempts = ?}: a worker whose claim was taken over (its lease lapsed and the job was recovered)
 * changes nothing.
 */
final class JobRepository {
  static final int MAX_ERROR = 2000;
  static final int MAX_STAGE = 200;

  void insert(Handle h, Job j, String idempotencyKey, String requestHash, String placement) {
    h.createUpdate("INSERT INTO jobs (id, owner_id, kind, state, stage, progress, parameters,"
            + " idempotency_key, request_hash, counterparty_id, price, hold_id, budget_model_id,"
            + " budget_rows, attempts, max_attempts, cancel_requested, placement, created_at,"
            + " updated_at) VALUES (:id, :owner, :kind, :state, :stage, 0, :params, :key, :hash,"
            + " :cp, :price, NULL, :bm, :br, 0, :max, FALSE, :placement, :now, :now)")
        .bind("placement", placement)
        .bind("id", j.id())
        .bind("owner", j.ownerId())
        .bind("kind", j.kind().name())
        .bind("state", j.state().name())
        .bind("stage", j.stage())
        .bind("params", j.parameters())
        .bind("key", idempotencyKey)
        .bind("hash", requestHash)
        .bind("cp", j.counterpartyId())
        .bind("price", j.price())
        .bind("bm", j.budgetModelId())
        .bind("br", j.budgetRows())
        .bind("max", j.maxAttempts())
        .bind("now", time(j.createdAt()))
        .execute();
  }

  void setHold(Handle h, String jobId, String holdId) {
    h.createUpdate("UPDATE jobs SET hold_id = :hold WHERE id = :id")
        .bind("hold", holdId).bind("id", jobId).execute();
  }

  Optional<Job> find(Handle h, String id) {
    return h.createQuery("SELECT * FROM jobs WHERE id = :id")
        .bind("id", id).map((rs, ctx) -> job(rs)).findOne();
  }

  /** A job with the digest of the request that created it. */
  record Submitted(Job job, String requestHash) {}

  /** The job an owner submitted with this idempotency key. */
  Optional<Submitted> findByIdempotencyKey(Handle h, String ownerId, String key) {
    return h.createQuery("SELECT * FROM jobs WHERE owner_id = :owner AND idempotency_key = :key")
        .bind("owner", ownerId).bind("key", key)
        .map((rs, ctx) -> new Submitted(job(rs), rs.getString("request_hash")))
        .findOne();
  }

  /** Jobs the user owns or is the training counterparty of; everything for {@code all}. */
  List<Job> list(Handle h, String userId, boolean all, JobState state, Page page) {
    String where = all ? "1 = 1"
        : "(owner_id = :u OR (kind = 'TRAINING' AND counterparty_id = :u))";
    if (state != null) {
      where += " AND state = :state";
    }
    var q = h.createQuery("SELECT * FROM jobs WHERE " + where
        + page.afterClause("created_at", "id") + " ORDER BY " + page.orderBy("created_at", "id"));
    if (!all) {
      q.bind("u", userId);
    }
    if (state != null) {
      q.bind("state", state.name());
    }
    if (page.after() != null) {
      q.bind("pageTime", time(page.after().createdAt())).bind("pageId", page.after().id());
    }
    return q.map((rs, ctx) -> job(rs)).list();
  }

  /** Ids of queued jobs within the scope, oldest first, that a worker may try to claim. */
  List<String> queuedCandidates(Handle h, ClaimScope scope, int limit) {
    List<String> any = new ArrayList<>();
    if (!scope.serverKinds().isEmpty()) {
      any.add("((placement IS NULL OR placement = '" + Admission.PLATFORM + "') AND kind IN"
          + " (<serverKinds>))");
    }
    if (!scope.models().isEmpty()) {
      any.add("(kind = 'INFERENCE' AND placement IN (<models>))");
    }
    if (scope.training() == ClaimScope.Training.ANY) {
      any.add("(kind = 'TRAINING' AND placement IS NULL)");
    } else if (scope.training() == ClaimScope.Training.OWN_DATA) {
      any.add("(kind = 'TRAINING' AND placement IS NULL AND (counterparty_id = :trainer"
          + " OR (counterparty_id IS NULL AND owner_id = :trainer)))");
    }
    if (any.isEmpty()) {
      return List.of();
    }
    var q = h.createQuery("SELECT id FROM jobs WHERE state = 'QUEUED' AND NOT cancel_requested"
            + " AND (" + String.join(" OR ", any) + ") ORDER BY created_at, id LIMIT :limit")
        .bind("limit", limit);
    if (!scope.serverKinds().isEmpty()) {
      q.bindList("serverKinds", scope.serverKinds().stream().map(Enum::name).sorted().toList());
    }
    if (!scope.models().isEmpty()) {
      q.bindList("models", List.copyOf(scope.models()));
    }
    if (scope.training() == ClaimScope.Training.OWN_DATA) {
      q.bind("trainer", scope.trainerId());
    }
    return q.mapTo(String.class).list();
  }

  /** The placement of a job (who may claim it), or null. */
  String placement(Handle h, String id) {
    return h.createQuery("SELECT placement FROM jobs WHERE id = :id")
        .bind("id", id).mapTo(String.class).findOne().orElse(null);
  }

  /**
   * Claims a queued job for a worker; false if another worker (or a cancel) got there first. A
   * result a remote worker of an earlier attempt uploaded is forgotten.
   */
  boolean claim(Handle h, String id, String workerId, Instant now, Instant leaseUntil) {
    return h.createUpdate("UPDATE jobs SET state = 'RUNNING', worker_id = :w,"
            + " attempts = attempts + 1, lease_until = :lease, heartbeat_at = :now,"
            + " started_at = COALESCE(started_at, :now), stage = 'starting', progress = 0,"
            + " result_sha256 = NULL, result_size = NULL,"
            + " updated_at = :now WHERE id = :id AND state = 'QUEUED' AND NOT cancel_requested")
        .bind("w", workerId).bind("lease", time(leaseUntil)).bind("now", time(now))
        .bind("id", id).execute() == 1;
  }

  /** Records progress and renews the lease; false if the claim is no longer this worker's. */
  boolean progress(Handle h, String id, String workerId, int attempt, String stage, int progress,
      Instant now, Instant leaseUntil) {
    return h.createUpdate("UPDATE jobs SET stage = :stage, progress = :p, heartbeat_at = :now,"
            + " lease_until = :lease, updated_at = :now WHERE id = :id AND state = 'RUNNING'"
            + " AND worker_id = :w AND attempts = :a")
        .bind("stage", clip(stage, MAX_STAGE)).bind("p", progress).bind("now", time(now))
        .bind("lease", time(leaseUntil)).bind("id", id).bind("w", workerId).bind("a", attempt)
        .execute() == 1;
  }

  /** Renews the leases of a worker's running jobs (its heartbeat). */
  int renewLeases(Handle h, String workerId, Instant now, Instant leaseUntil) {
    return h.createUpdate("UPDATE jobs SET lease_until = :lease, heartbeat_at = :now"
            + " WHERE worker_id = :w AND state = 'RUNNING'")
        .bind("lease", time(leaseUntil)).bind("now", time(now)).bind("w", workerId).execute();
  }

  /** Renews the lease of one running job of this worker's claim; false if the claim was lost. */
  boolean renewLease(Handle h, String id, String workerId, int attempt, Instant now,
      Instant leaseUntil) {
    return h.createUpdate("UPDATE jobs SET lease_until = :lease, heartbeat_at = :now"
            + " WHERE id = :id AND state = 'RUNNING' AND worker_id = :w AND attempts = :a")
        .bind("lease", time(leaseUntil)).bind("now", time(now)).bind("id", id)
        .bind("w", workerId).bind("a", attempt).execute() == 1;
  }

  /**
   * Records the result blob a remote worker uploaded for its running claim (the job stays RUNNING;
   * {@link #succeed} makes it the result); false if the claim was lost.
   */
  boolean setUploadedResult(Handle h, String id, String workerId, int attempt, String sha256,
      long size, Instant now) {
    return h.createUpdate("UPDATE jobs SET result_sha256 = :sha, result_size = :size,"
            + " updated_at = :now WHERE id = :id AND state = 'RUNNING' AND worker_id = :w"
            + " AND attempts = :a")
        .bind("sha", sha256).bind("size", size).bind("now", time(now)).bind("id", id)
        .bind("w", workerId).bind("a", attempt).execute() == 1;
  }

  boolean cancelRequested(Handle h, String id) {
    return h.createQuery("SELECT cancel_requested FROM jobs WHERE id = :id")
        .bind("id", id).mapTo(Boolean.class).findOne().orElse(false);
  }

  /** Ends a running job as SUCCEEDED unless cancellation was requested first. */
  boolean succeed(Handle h, String id, String workerId, int attempt, String sha256, long size,
      String info, Instant now) {
    return h.createUpdate("UPDATE jobs SET state = 'SUCCEEDED', stage = 'done', progress = 100,"
            + " result_sha256 = :sha, result_size = :size, result_info = :info, error = NULL,"
            + " finished_at = :now, lease_until = NULL, updated_at = :now WHERE id = :id"
            + " AND state = 'RUNNING' AND worker_id = :w AND attempts = :a"
            + " AND NOT cancel_requested")
        .bind("sha", sha256).bind("size", size).bind("info", info).bind("now", time(now))
        .bind("id", id).bind("w", workerId).bind("a", attempt).execute() == 1;
  }

  /**
   * A running job of this worker's claim whose trained model waits for its data owner's hand-over:
   * HANDOVER_PENDING, no result yet.
   */
  boolean awaitHandover(Handle h, String id, String workerId, int attempt, Instant now) {
    return h.createUpdate("UPDATE jobs SET state = 'HANDOVER_PENDING', stage = 'waiting for the"
            + " data owner to hand the model over', progress = 99, lease_until = NULL,"
            + " updated_at = :now WHERE id = :id AND state = 'RUNNING' AND worker_id = :w"
            + " AND attempts = :a AND NOT cancel_requested")
        .bind("now", time(now)).bind("id", id).bind("w", workerId).bind("a", attempt)
        .execute() == 1;
  }

  /** HANDOVER_PENDING to SUCCEEDED with the delivered result. */
  boolean deliver(Handle h, String id, String sha256, long size, String info, Instant now) {
    return h.createUpdate("UPDATE jobs SET state = 'SUCCEEDED', stage = 'done', progress = 100,"
            + " result_sha256 = :sha, result_size = :size, result_info = :info, error = NULL,"
            + " finished_at = :now, updated_at = :now WHERE id = :id"
            + " AND state = 'HANDOVER_PENDING'")
        .bind("sha", sha256).bind("size", size).bind("info", info).bind("now", time(now))
        .bind("id", id).execute() == 1;
  }

  /** HANDOVER_PENDING to FAILED (the hand-over expired). */
  boolean expireHandover(Handle h, String id, String error, Instant now) {
    return h.createUpdate("UPDATE jobs SET state = 'FAILED', stage = 'failed', error = :err,"
            + " finished_at = :now, updated_at = :now WHERE id = :id"
            + " AND state = 'HANDOVER_PENDING'")
        .bind("err", clip(error, MAX_ERROR)).bind("now", time(now)).bind("id", id)
        .execute() == 1;
  }

  /** Ends a running job of this worker's claim as FAILED or CANCELLED. */
  boolean endRunning(Handle h, String id, String workerId, int attempt, JobState to,
      String stage, String error, Instant now) {
    return h.createUpdate("UPDATE jobs SET state = :to, stage = :stage, error = :err,"
            + " finished_at = :now, lease_until = NULL, updated_at = :now WHERE id = :id"
            + " AND state = 'RUNNING' AND worker_id = :w AND attempts = :a")
        .bind("to", to.name()).bind("stage", clip(stage, MAX_STAGE))
        .bind("err", clip(error, MAX_ERROR)).bind("now", time(now)).bind("id", id)
        .bind("w", workerId).bind("a", attempt).execute() == 1;
  }

  /** Ends a running job whatever worker had it (recovery), if still at this attempt. */
  boolean endOrphan(Handle h, String id, int attempt, JobState to, String stage, String error,
      Instant now) {
    return h.createUpdate("UPDATE jobs SET state = :to, stage = :stage, error = :err,"
            + " finished_at = :now, worker_id = NULL, lease_until = NULL, updated_at = :now"
            + " WHERE id = :id AND state = 'RUNNING' AND attempts = :a")
        .bind("to", to.name()).bind("stage", clip(stage, MAX_STAGE))
        .bind("err", clip(error, MAX_ERROR)).bind("now", time(now)).bind("id", id)
        .bind("a", attempt).execute() == 1;
  }

  /**
   * Puts a running job back in the queue (recovery, or a worker shutting down); {@code
   * refundAttempt} does not count the interrupted start.
   */
  boolean requeue(Handle h, String id, int attempt, String stage, boolean refundAttempt,
      Instant now) {
    return h.createUpdate("UPDATE jobs SET state = 'QUEUED', stage = :stage, progress = 0,"
            + " worker_id = NULL, lease_until = NULL, attempts = attempts - :refund,"
            + " updated_at = :now WHERE id = :id AND state = 'RUNNING' AND attempts = :a")
        .bind("stage", clip(stage, MAX_STAGE)).bind("refund", refundAttempt ? 1 : 0)
        .bind("now", time(now)).bind("id", id).bind("a", attempt).execute() == 1;
  }

  /** Cancels a job that is still queued. */
  boolean cancelQueued(Handle h, String id, Instant now) {
    return h.createUpdate("UPDATE jobs SET state = 'CANCELLED', stage = 'cancelled',"
            + " cancel_requested = TRUE, error = 'cancelled by its owner before it started',"
            + " finished_at = :now, updated_at = :now WHERE id = :id AND state = 'QUEUED'")
        .bind("now", time(now)).bind("id", id).execute() == 1;
  }

  /** Asks a running job to stop. */
  boolean requestCancel(Handle h, String id, Instant now) {
    return h.createUpdate("UPDATE jobs SET cancel_requested = TRUE, updated_at = :now"
            + " WHERE id = :id AND state = 'RUNNING'")
        .bind("now", time(now)).bind("id", id).execute() == 1;
  }

  /** Running jobs: all of them, or those whose lease lapsed before {@code now}. */
  List<Job> orphans(Handle h, boolean all, Instant now) {
    var q = h.createQuery("SELECT * FROM jobs WHERE state = 'RUNNING'"
        + (all ? "" : " AND lease_until < :now") + " ORDER BY created_at, id");
    if (!all) {
      q.bind("now", time(now));
    }
    return q.map((rs, ctx) -> job(rs)).list();
  }

  static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
  }

  private static Job job(ResultSet rs) throws SQLException {
    return new Job(rs.getString("id"), rs.getString("owner_id"),
        JobKind.valueOf(rs.getString("kind")), JobState.valueOf(rs.getString("state")),
        rs.getString("stage"), rs.getInt("progress"), rs.getString("parameters"),
        rs.getString("counterparty_id"), rs.getLong("price"), rs.getString("hold_id"),
        rs.getString("budget_model_id"), nullableLong(rs, "budget_rows"),
        rs.getString("result_sha256"), nullableLong(rs, "result_size"),
        rs.getString("result_info"), rs.getString("error"), rs.getInt("attempts"),
        rs.getInt("max_attempts"), rs.getBoolean("cancel_requested"),
        rs.getString("worker_id"), instant(rs, "lease_until"), instant(rs, "created_at"),
        instant(rs, "started_at"), instant(rs, "finished_at"), instant(rs, "updated_at"));
  }
}
