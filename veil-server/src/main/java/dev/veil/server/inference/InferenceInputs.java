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
import java.util.List;
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
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;

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
  private final Quota quota;
  /** Serialises one user's quota check and insert within this server (striped by user id). */
  private final Object[] userLocks = new Object[64];

  {
    for (int i = 0; i < userLocks.length; i++) {
      userLocks[i] = new Object();
    }
  }

  /** Magic, version, type, flags and the parameter digest: what names a ciphertext's key set. */
  private static final int PREFIX_BYTES = 8 + 32;

  /** Finds the caller's key set with a given parameter digest, and its parameters. */
  @FunctionalInterface
  public interface KeyParameters {
    java.util.Optional<KeyMatch> find(Principal p, String paramsDigest) throws IOException;
  }

  /** A key set an upload's ciphertexts were made for: its id and parameters. */
  public record KeyMatch(String keySetId, Parameters params) {
    public KeyMatch {
      Objects.requireNonNull(params, "params");
    }
  }

  /**
   * What one user may hold in inputs at once.
   *
   * @param maxInputs the most inputs (uploads) one user holds
   * @param maxTotalBytes the most bytes all of one user's inputs hold together
   */
  public record Quota(int maxInputs, long maxTotalBytes) {
    public Quota {
      if (maxInputs < 1) {
        throw new IllegalArgumentException("maxInputs must be at least 1, got " + maxInputs);
      }
      if (maxTotalBytes < 1) {
        throw new IllegalArgumentException("maxTotalBytes must be at least 1, got "
            + maxTotalBytes);
      }
    }

    /** 100 inputs and 16 GiB per user. */
    public static Quota defaults() {
      return new Quota(100, 16L << 30);
    }
  }

  /** With {@link Quota#defaults}. */
  public InferenceInputs(Jdbi jdbi, BlobStore blobs, KeyParameters keys, AuditLog audit,
      Clock clock, long maxBytes) {
    this(jdbi, blobs, keys, audit, clock, maxBytes, Quota.defaults());
  }

  /**
   * @param maxBytes the largest single upload
   * @param quota what one user may hold in inputs together
   */
  public InferenceInputs(Jdbi jdbi, BlobStore blobs, KeyParameters keys, AuditLog audit,
      Clock clock, long maxBytes, Quota quota) {
    this.quota = Objects.requireNonNull(quota, "quota");
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
   *     parameters none of the caller's key sets has; 409 {@code input_quota} when the caller
   *     holds the most inputs allowed, 413 {@code input_quota} when the upload would take the
   *     caller's inputs over the total allowed; nothing is stored then
   */
  public JobInput upload(Principal p, InputStream body, String expectedSha256)
      throws IOException {
    Usage before = usage(p.userId());
    checkCount(before);
    long room = quota.maxTotalBytes() - before.bytes();
    if (room <= 0) {
      throw overBytes(before, 0);
    }
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
    KeyMatch key = keys.find(p, digest).orElseThrow(() ->
        ServiceException.badRequest("row ciphertext 0 was made for parameters (digest "
            + digest.substring(0, 8) + "...) that none of your key sets has: create the key set"
            + " first and encrypt under its public key (nothing was stored)"));
    long limit = Math.min(maxBytes, room);
    BlobRef ref;
    try {
      ref = uploads.store(rows, "the input", limit, expectedSha256,
          t -> checkRows(t, key.params())).blob();
    } catch (ServiceException e) {
      if (e.status() == 413 && limit < maxBytes) {
        throw overBytes(before, limit + 1);
      }
      throw e;
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    JobInput in = new JobInput(Ids.next("inp"), p.userId(), ref.sha256(), ref.size(), now);
    synchronized (userLocks[Math.floorMod(p.userId().hashCode(), userLocks.length)]) {
      // again, with the uploads that ended meanwhile (the blob left by a refusal is collected)
      Usage current = usage(p.userId());
      checkCount(current);
      if (current.bytes() + in.size() > quota.maxTotalBytes()) {
        throw overBytes(current, in.size());
      }
      jdbi.useHandle(h -> h.createUpdate("INSERT INTO job_inputs (id, owner_id, sha256,"
              + " size_bytes, created_at, key_set_id) VALUES (:id, :owner, :sha, :size, :now,"
              + " :ks)")
          .bind("id", in.id()).bind("owner", in.ownerId()).bind("sha", in.sha256())
          .bind("size", in.size()).bind("now", time(now)).bind("ks", key.keySetId())
          .execute());
    }
    audit.record(p.userId(), "inference.input.upload", in.id(), Map.of("sha256", in.sha256(),
        "size", in.size()));
    return in;
  }

  /** How many inputs a user holds and their bytes. */
  private record Usage(long count, long bytes) {}

  private Usage usage(String userId) {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) AS n,"
            + " COALESCE(SUM(size_bytes), 0) AS b FROM job_inputs WHERE owner_id = :o")
        .bind("o", userId)
        .map((rs, ctx) -> new Usage(rs.getLong("n"), rs.getLong("b"))).one());
  }

  private void checkCount(Usage u) {
    if (u.count() >= quota.maxInputs()) {
      throw new ServiceException(409, "input_quota", "you hold " + u.count() + " inputs, the"
          + " most this server allows per user (" + quota.maxInputs() + ", veil serve"
          + " --max-inputs-per-user): delete one first (DELETE /api/inputs/{id}, veil inputs"
          + " delete ID); nothing was stored");
    }
  }

  private ServiceException overBytes(Usage u, long atLeast) {
    return new ServiceException(413, "input_quota", "your inputs hold " + u.bytes() + " bytes"
        + (atLeast > 0 ? " and this upload has at least " + atLeast + " more" : "")
        + ", over the " + quota.maxTotalBytes() + " bytes this server allows per user (veil serve"
        + " --max-input-mb-per-user): delete inputs first (DELETE /api/inputs/{id}, veil inputs"
        + " delete ID); nothing was stored");
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
            .map(INPUT)
            .findOne())
        .orElseThrow(() -> ServiceException.notFound("input", id));
    if (!in.ownerId().equals(p.userId())) {
      throw ServiceException.notFound("input", id);
    }
    return in;
  }

  /** The caller's inputs, oldest first, one page. */
  public Page.Slice<JobInput> list(Principal p, Page page) {
    List<JobInput> rows = jdbi.withHandle(h -> {
      var q = h.createQuery("SELECT * FROM job_inputs WHERE owner_id = :o"
          + page.afterClause("created_at", "id") + " ORDER BY "
          + page.orderBy("created_at", "id")).bind("o", p.userId());
      if (page.after() != null) {
        q.bind("pageTime", time(page.after().createdAt())).bind("pageId", page.after().id());
      }
      return q.map(INPUT).list();
    });
    return page.of(rows, in -> new Page.Position(in.createdAt(), in.id()), in -> in);
  }

  /**
   * Deletes the caller's input (its row; the blob goes with the next collection of unreferenced
   * blobs).
   *
   * @throws ServiceException 404 for a missing input or another user's, 409 naming the jobs
   *     while a queued or running job reads it
   */
  public void delete(Principal p, String id) {
    JobInput in = get(p, id);
    List<String> using = jdbi.withHandle(h -> h.createQuery("SELECT id FROM jobs WHERE"
            + " owner_id = :o AND state IN ('QUEUED', 'RUNNING') AND parameters LIKE :pattern"
            + " ESCAPE '!' ORDER BY created_at, id")
        .bind("o", p.userId()).bind("pattern", "%" + likeEscaped(in.id()) + "%")
        .mapTo(String.class).list());
    if (!using.isEmpty()) {
      throw ServiceException.conflict("input " + id + " is read by " + using.size()
          + " queued or running job(s): " + String.join(", ", using.subList(0,
              Math.min(10, using.size()))) + "; wait for them to end or cancel them first");
    }
    int n = jdbi.withHandle(h -> h.createUpdate("DELETE FROM job_inputs WHERE id = :id"
        + " AND owner_id = :o").bind("id", id).bind("o", p.userId()).execute());
    if (n == 0) {
      throw ServiceException.notFound("input", id);
    }
    audit.record(p.userId(), "inference.input.delete", id, Map.of("sha256", in.sha256(),
        "size", in.size()));
  }

  /** {@code s} with LIKE's wildcards escaped by {@code !}. */
  static String likeEscaped(String s) {
    return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  private static final RowMapper<JobInput> INPUT = (rs, ctx) -> new JobInput(rs.getString("id"),
      rs.getString("owner_id"), rs.getString("sha256"), rs.getLong("size_bytes"),
      instant(rs, "created_at"));
}
