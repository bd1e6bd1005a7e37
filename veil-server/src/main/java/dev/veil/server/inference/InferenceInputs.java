package dev.veil.server.inference;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

import dev.veil.server.audit.AuditLog;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import org.jdbi.v3.core.Jdbi;

/**
 * Uploads of encrypted rows for inference jobs: streamed into the blob store (size limit, digest
 * check, nothing half-stored), recorded with their owner; only the owner may use one. Their
 * content is checked when a job reads it (count, parameters, levels), not here.
 */
public final class InferenceInputs {
  private final Jdbi jdbi;
  private final BlobStore blobs;
  private final AuditLog audit;
  private final Clock clock;
  private final long maxBytes;

  public InferenceInputs(Jdbi jdbi, BlobStore blobs, AuditLog audit, Clock clock,
      long maxBytes) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxBytes = maxBytes;
  }

  /**
   * Stores an upload.
   *
   * @param expectedSha256 the digest the client announced, or null
   * @throws ServiceException 413 over the size limit, 400 for a digest mismatch or an empty body
   */
  public JobInput upload(Principal p, InputStream body, String expectedSha256)
      throws IOException {
    BlobRef ref = blobs.put(body, maxBytes, expectedSha256);
    if (ref.size() == 0) {
      throw ServiceException.badRequest("the upload is empty: send the encrypted rows");
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    JobInput in = new JobInput(Ids.next("inp"), p.userId(), ref.sha256(), ref.size(), now);
    jdbi.useHandle(h -> h.createUpdate("INSERT INTO job_inputs (id, owner_id, sha256,"
            + " size_bytes, created_at) VALUES (:id, :owner, :sha, :size, :now)")
        .bind("id", in.id()).bind("owner", in.ownerId()).bind("sha", in.sha256())
        .bind("size", in.size()).bind("now", time(now)).execute());
    audit.record(p.userId(), "inference.input.upload", in.id(), Map.of("sha256", in.sha256(),
        "size", in.size()));
    return in;
  }

  /** The caller's upload; 404 for anyone else's. */
  public JobInput get(Principal p, String id) {
    if (id == null || !Ids.looksLike("inp", id)) {
      throw ServiceException.notFound("input", String.valueOf(id));
    }
    JobInput in = jdbi.withHandle(h -> h.createQuery("SELECT * FROM job_inputs WHERE id = :id")
            .bind("id", id)
            .map((rs, ctx) -> new JobInput(rs.getString("id"), rs.getString("owner_id"),
                rs.getString("sha256"), rs.getLong("size_bytes"), instant(rs, "created_at")))
            .findOne())
        .orElseThrow(() -> ServiceException.notFound("input", id));
    if (!in.ownerId().equals(p.userId())) {
      throw ServiceException.notFound("input", id);
    }
    return in;
  }
}
