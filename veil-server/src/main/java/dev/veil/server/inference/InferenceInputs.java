package dev.veil.server.inference;

import static dev.veil.server.db.Sql.instant;
import static dev.veil.server.db.Sql.time;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.HexFormat;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;

import dev.veil.server.audit.AuditLog;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.blob.CheckedUpload;
import dev.veil.server.he.VeilObjects;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Parameters;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import org.jdbi.v3.core.Jdbi;

/**
 * Uploads of encrypted rows for inference jobs: streamed into the blob store (size limit, digest
 * check, nothing half-stored), recorded with their owner; only the owner may use one. Each object
 * is checked as it streams ({@link CheckedUpload}): a ciphertext of the parameters of one of the
 * uploader's key sets (the one its header's parameter digest names), never a secret key (refused
 * from its header, before a byte is stored). Their count and level are checked again when a job
 * reads them.
 */
public final class InferenceInputs {
  private final Jdbi jdbi;
  private final BlobStore blobs;
  private final AuditLog audit;
  private final Clock clock;
  private final long maxBytes;
  private final KeyParameters keys;
  private final CheckedUpload uploads;

  /** Magic, version, type, flags and the parameter digest: what names a ciphertext's key set. */
  private static final int PREFIX_BYTES = 8 + 32;

  /** Finds the parameters of the caller's key set with a given parameter digest. */
  @FunctionalInterface
  public interface KeyParameters {
    java.util.Optional<Parameters> find(Principal p, String paramsDigest) throws IOException;
  }

  public InferenceInputs(Jdbi jdbi, BlobStore blobs, KeyParameters keys, AuditLog audit,
      Clock clock, long maxBytes) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.uploads = new CheckedUpload(blobs);
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
   * @throws ServiceException 413 over the size limit, 400 for a digest mismatch, an empty body,
   *     a secret key ({@code secret_key_refused}), anything but ciphertexts, or ciphertexts of
   *     parameters none of the caller's key sets has; nothing is stored then
   */
  public JobInput upload(Principal p, InputStream body, String expectedSha256)
      throws IOException {
    PushbackInputStream rows = new PushbackInputStream(body, PREFIX_BYTES);
    byte[] prefix = rows.readNBytes(PREFIX_BYTES);
    if (prefix.length == 0) {
      throw ServiceException.badRequest("the upload is empty: send the encrypted rows"
          + " (nothing was stored)");
    }
    rows.unread(prefix);
    VeilObjects.expect(new java.io.ByteArrayInputStream(prefix), VeilObjects.Type.CIPHERTEXT,
        "row ciphertext 0");
    if (prefix.length < PREFIX_BYTES) {
      throw ServiceException.badRequest("row ciphertext 0: truncated after " + prefix.length
          + " bytes (nothing was stored)");
    }
    String digest = HexFormat.of().formatHex(prefix, 8, PREFIX_BYTES);
    Parameters params = keys.find(p, digest).orElseThrow(() ->
        ServiceException.badRequest("row ciphertext 0 was made for parameters (digest "
            + digest.substring(0, 8) + "...) that none of your key sets has: create the key set"
            + " first and encrypt under its public key (nothing was stored)"));
    BlobRef ref = uploads.store(rows, "the input", maxBytes, expectedSha256,
        t -> checkRows(t, params)).blob();
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

  /** Checks ciphertexts one after the other to the end of the stream; returns their count. */
  private static long checkRows(InputStream t, Parameters params) throws IOException {
    PushbackInputStream s = new PushbackInputStream(t, 1);
    long count = 0;
    int b;
    while ((b = s.read()) >= 0) {
      s.unread(b);
      String what = "row ciphertext " + count;
      InputStream one = VeilObjects.expect(s, VeilObjects.Type.CIPHERTEXT, what);
      VeilIO.checkCiphertext(one, params);
      count++;
    }
    return count;
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
