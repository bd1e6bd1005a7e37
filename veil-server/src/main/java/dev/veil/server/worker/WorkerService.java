package dev.veil.server.worker;

import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.RegisterWorkerRequest;
import dev.veil.api.WorkerBeat;
import dev.veil.api.WorkerClaim;
import dev.veil.api.WorkerReport;
import dev.veil.api.WorkerResult;
import dev.veil.server.account.Tokens;
import dev.veil.server.account.User;
import dev.veil.server.account.UserRepository;
import dev.veil.server.audit.AuditLog;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.job.ClaimScope;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.RemoteClaims;
import dev.veil.server.model.ModelListing;
import dev.veil.server.model.ModelService;
import org.jdbi.v3.core.Jdbi;

/**
 * Remote workers: their registration and tokens, and what they may do with the job queue.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>A worker token is not a user token.</b> {@link #register} issues a token ({@code
 *       veil_...}, 32 random bytes from {@link SecureRandom}, only its SHA-256 stored) that
 *       authenticates the worker routes only; a user's token is refused there and a worker's on
 *       every other route (401).
 *   <li><b>A worker sees only the jobs of what it serves.</b> A seller's worker claims and sees
 *       only inference jobs placed on the seller's own listings that are not hosted and that it
 *       was registered for; a training worker only training jobs its owner may run: an operator's
 *       every one, a data owner's those on its own data sets. What its owner may run is checked
 *       again at every call (a listing made hosted or given away, a role removed, take effect at
 *       once). Any other job is a 404 to it.
 *   <li><b>It downloads only its claim's inputs</b> (the blobs of the job's key set, the buyer's
 *       rows or the data set's parts), while its claim holds (fenced by worker id, attempt and
 *       lease: 409 otherwise), and never a secret key: the server holds none.
 *   <li><b>A result counts once</b>, uploaded under the claim (size limit, digest check) and
 *       named by the completion; see {@link RemoteClaims} for the fencing.
 * </ul>
 *
 * Thread-safe.
 */
public final class WorkerService {
  /** The longest a claim waits for a job. */
  public static final Duration MAX_WAIT = Duration.ofSeconds(30);
  static final int MAX_MODELS = 100;

  /** A worker authenticated by its token, with its owner as they are now. */
  public record Authed(Worker worker, Principal owner) {}

  /** A registered worker and its token, shown this once. */
  public record Registered(String token, Worker worker) {
    /** Never shows the token. */
    @Override
    public String toString() {
      return "Registered[" + worker.id() + "]";
    }
  }

  /** A blob of a claimed job, opened for its worker. Close it. */
  public record BlobDownload(String sha256, InputStream content) {}

  private final WorkerRepository repo;
  private final UserRepository users;
  private final ModelService models;
  private final Catalog catalog;
  private final BlobStore blobs;
  private final RemoteClaims claims;
  private final AuditLog audit;
  private final Clock clock;
  private final SecureRandom random;
  private final ObjectMapper json;
  private final long maxResultBytes;

  /** @param maxResultBytes the largest result a worker may upload */
  public WorkerService(Jdbi jdbi, UserRepository users, ModelService models, Catalog catalog,
      BlobStore blobs, RemoteClaims claims, AuditLog audit, Clock clock, SecureRandom random,
      ObjectMapper json, long maxResultBytes) {
    this.json = Objects.requireNonNull(json, "json");
    this.repo = new WorkerRepository(Objects.requireNonNull(jdbi, "jdbi"), json);
    this.users = Objects.requireNonNull(users, "users");
    this.models = Objects.requireNonNull(models, "models");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.claims = Objects.requireNonNull(claims, "claims");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.maxResultBytes = maxResultBytes;
  }

  // ================================================================ the owner's side

  /**
   * Registers a worker of the caller's and issues its token (shown this once).
   *
   * @throws ServiceException 400 for an invalid name, a hosted listing or nothing to serve, 404
   *     for a model that is not the caller's, 403 for training without the OPERATOR or DATA_OWNER
   *     role
   */
  public Registered register(Principal p, RegisterWorkerRequest req) {
    if (req == null) {
      throw ServiceException.badRequest("a body {name, models, training} is required");
    }
    String name = req.name() == null ? "" : req.name().strip();
    if (name.isEmpty() || name.length() > 100) {
      throw ServiceException.badRequest("name must have 1 to 100 characters");
    }
    List<String> ids = req.models() == null ? List.of() : req.models();
    if (ids.size() > MAX_MODELS) {
      throw ServiceException.badRequest("a worker serves at most " + MAX_MODELS + " models");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (String id : ids) {
      ModelListing l = ownModel(p, id);
      if (l.hosted()) {
        throw ServiceException.badRequest("model " + id + " is hosted: the server's own workers"
            + " run it with the weights it holds; a worker of yours serves the listings whose"
            + " weights stay with you");
      }
      distinct.add(id);
    }
    boolean training = Boolean.TRUE.equals(req.training());
    if (training && !p.has(Role.OPERATOR) && !p.has(Role.DATA_OWNER)) {
      throw ServiceException.forbidden("running training jobs needs the OPERATOR role (every"
          + " training job) or the DATA_OWNER role (those on your data sets)");
    }
    if (distinct.isEmpty() && !training) {
      throw ServiceException.badRequest("a worker serves at least one model (models) or runs"
          + " training jobs (training: true)");
    }
    String token = Tokens.generate(random);
    Worker w = new Worker(Ids.next("wkr"), p.userId(), name, List.copyOf(distinct), training,
        now(), null, null);
    repo.insert(w, Tokens.hash(token));
    audit.record(p.userId(), "worker.register", w.id(), Map.of("models", w.models(),
        "training", training));
    return new Registered(token, w);
  }

  /** The caller's workers, newest first. */
  public List<Worker> list(Principal p) {
    return repo.byOwner(p.userId());
  }

  /** Revokes a worker's token (its owner only; 404 for anyone else). Its claims lapse. */
  public void revoke(Principal p, String id) {
    Worker w = (id == null || !Ids.looksLike("wkr", id) ? Optional.<Worker>empty()
        : repo.byId(id)).filter(x -> x.ownerId().equals(p.userId()))
        .orElseThrow(() -> ServiceException.notFound("worker", String.valueOf(id)));
    repo.revoke(w.id(), now());
    audit.record(p.userId(), "worker.revoke", w.id(), Map.of());
  }

  // ================================================================ the worker's side

  /** The worker of a token; 401 for a malformed, unknown or revoked one. */
  public Authed authenticate(String token) {
    if (!Tokens.wellFormed(token)) {
      throw ServiceException.unauthorized("malformed worker token");
    }
    String hash = Tokens.hash(token);
    WorkerRepository.Hashed h = repo.byHash(hash)
        .filter(x -> Tokens.sameHash(x.tokenHash(), hash))
        .orElseThrow(() -> ServiceException.unauthorized("unknown worker token (a worker token"
            + " from POST /api/workers is needed here, not a login token)"));
    if (h.worker().revokedAt() != null) {
      throw ServiceException.unauthorized("the worker token was revoked");
    }
    User user = users.byId(h.worker().ownerId())
        .orElseThrow(() -> ServiceException.unauthorized("unknown worker token"));
    if (user.disabled()) {
      throw ServiceException.unauthorized("the worker's owner account is disabled: ask an"
          + " operator");
    }
    return new Authed(h.worker(), user.principal());
  }

  /** The worker's own registration. */
  public Worker self(Authed a) {
    return a.worker();
  }

  /**
   * Claims the oldest queued job the worker serves, waiting up to {@code wait} (at most {@link
   * #MAX_WAIT}) for one.
   *
   * @return the claim, or empty if no job came
   */
  public Optional<WorkerClaim> claim(Authed a, Duration wait) throws InterruptedException {
    Duration w = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait.isNegative() ? Duration.ZERO
        : wait;
    repo.touch(a.worker().id(), now());
    ClaimScope scope = scope(a);
    long deadline = System.nanoTime() + w.toNanos();
    while (true) {
      Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
      Optional<RemoteClaims.Claimed> c = claims.claim(a.worker().id(), scope, left);
      if (c.isEmpty()) {
        return Optional.empty();
      }
      Job job = c.get().job();
      try {
        return Optional.of(describe(job, c.get().attempt()));
      } catch (JobFailedException | ServiceException e) {
        claims.fail(a.worker().id(), job.id(), c.get().attempt(), e.getMessage());
      }
    }
  }

  /**
   * The heartbeat, with progress when the report has a stage: renews the lease.
   *
   * @throws ServiceException 404 for a job the worker does not serve, 409 if its claim was lost
   */
  public WorkerBeat progress(Authed a, String jobId, WorkerReport r) {
    visible(a, jobId);
    int percent = 0;
    if (r.stage() != null) {
      if (r.percent() == null || r.percent() < 0 || r.percent() > 100) {
        throw ServiceException.badRequest("percent must be 0 to 100 with a stage");
      }
      percent = r.percent();
    }
    boolean cancel = claims.heartbeat(a.worker().id(), jobId, r.attempt(), r.stage(), percent);
    return new WorkerBeat(cancel, claims.lease().toMillis());
  }

  /**
   * Opens one of the claimed job's input blobs.
   *
   * @throws ServiceException 404 for a job the worker does not serve or a blob that is not one
   *     of its inputs, 409 if the claim was lost
   */
  public BlobDownload blob(Authed a, String jobId, int attempt, String sha256)
      throws IOException {
    visible(a, jobId);
    Job j = claims.fenced(a.worker().id(), jobId, attempt);
    JobManifest m;
    try {
      m = JobManifest.of(j, catalog, json);
    } catch (JobFailedException e) {
      throw ServiceException.conflict(e.getMessage());
    }
    if (sha256 == null || !m.blobs().contains(sha256)) {
      throw ServiceException.notFound("input blob", String.valueOf(sha256));
    }
    return new BlobDownload(sha256, blobs.open(sha256));
  }

  /**
   * Stores the claim's result (at most the result limit, checked against the announced digest)
   * and records it on the job.
   *
   * @throws ServiceException 404 for a job the worker does not serve, 409 if the claim was lost
   *     (checked before the body is read, and again after), 413 over the limit, 400 for a digest
   *     mismatch or an empty body
   */
  public WorkerResult upload(Authed a, String jobId, int attempt, InputStream body,
      String expectedSha256) throws IOException {
    visible(a, jobId);
    claims.fenced(a.worker().id(), jobId, attempt);
    BlobRef ref;
    try (BlobStore.Writer w = blobs.writer(maxResultBytes)) {
      body.transferTo(w.stream());
      if (w.size() == 0) {
        throw ServiceException.badRequest("the result is empty (nothing was stored)");
      }
      ref = w.commit(expectedSha256);
    }
    claims.recordResult(a.worker().id(), jobId, attempt, ref);
    return new WorkerResult(ref.sha256(), ref.size());
  }

  /** Ends the claim with its uploaded result (see {@link RemoteClaims#complete}). */
  public Job complete(Authed a, String jobId, WorkerReport r) {
    visible(a, jobId);
    if (r.sha256() == null || r.info() == null || !r.info().isObject()) {
      throw ServiceException.badRequest("complete needs the uploaded result's sha256 and its"
          + " description (info, a JSON object)");
    }
    return claims.complete(a.worker().id(), jobId, r.attempt(), r.sha256(), write(r.info()));
  }

  /** Ends the claim as FAILED with the worker's reason. */
  public Job fail(Authed a, String jobId, WorkerReport r) {
    visible(a, jobId);
    if (r.reason() == null || r.reason().isBlank()) {
      throw ServiceException.badRequest("fail needs a reason, for the job's owner");
    }
    return claims.fail(a.worker().id(), jobId, r.attempt(), r.reason().strip());
  }

  /** Ends a claim whose owner asked it to stop. */
  public Job cancelled(Authed a, String jobId, WorkerReport r) {
    visible(a, jobId);
    return claims.cancelled(a.worker().id(), jobId, r.attempt());
  }

  /** Puts the claimed job back in the queue (the worker is stopping). */
  public void release(Authed a, String jobId, WorkerReport r) {
    visible(a, jobId);
    claims.release(a.worker().id(), jobId, r.attempt());
  }

  // ---------------------------------------------------------------- helpers

  /** What the worker may claim, from its registration and its owner's listings and roles now. */
  ClaimScope scope(Authed a) {
    List<String> served = new ArrayList<>();
    for (String id : a.worker().models()) {
      try {
        ModelListing l = models.find(id);
        if (l.sellerId().equals(a.owner().userId()) && !l.hosted()) {
          served.add(id);
        }
      } catch (ServiceException gone) {
        // a model that no longer resolves is not served
      }
    }
    ClaimScope.Training t = ClaimScope.Training.NONE;
    if (a.worker().training()) {
      if (a.owner().has(Role.OPERATOR)) {
        t = ClaimScope.Training.ANY;
      } else if (a.owner().has(Role.DATA_OWNER)) {
        t = ClaimScope.Training.OWN_DATA;
      }
    }
    return ClaimScope.remote(Set.copyOf(served), t, a.owner().userId());
  }

  /**
   * The job if the worker serves it (it could claim it when queued).
   *
   * @throws ServiceException 404 otherwise: other jobs do not exist for it
   */
  public Job visible(Authed a, String jobId) {
    if (jobId == null || !Ids.looksLike("job", jobId)) {
      throw ServiceException.notFound("job", String.valueOf(jobId));
    }
    return claims.visible(jobId, scope(a))
        .orElseThrow(() -> ServiceException.notFound("job", jobId));
  }

  private WorkerClaim describe(Job job, int attempt) {
    JobManifest m = JobManifest.of(job, catalog, json);
    var ks = m.keySet();
    WorkerClaim.DatasetRef ds = null;
    if (m.dataset() != null) {
      ds = new WorkerClaim.DatasetRef(m.dataset().id(), m.dataset().ownerId(),
          m.dataset().keySetId(), tree(m.dataset().metadataJson()), m.dataset().partSha256s());
    }
    WorkerClaim.ModelCard card = null;
    if (job.kind() == JobKind.INFERENCE) {
      ModelListing l = models.find(m.modelId());
      card = new WorkerClaim.ModelCard(l.id(), l.task(), l.inputSchema().featureNames());
    }
    return new WorkerClaim(job.id(), dev.veil.api.JobKind.valueOf(job.kind().name()),
        tree(job.parameters()), attempt, claims.lease().toMillis(),
        new WorkerClaim.KeySetRef(ks.id(), ks.ownerId(), ks.paramsSha256(),
            ks.publicKeySha256(), ks.evaluationKeysSha256()), ds, card);
  }

  private ModelListing ownModel(Principal p, String id) {
    ModelListing l;
    try {
      l = models.find(id);
    } catch (ServiceException e) {
      throw ServiceException.notFound("model", String.valueOf(id));
    }
    if (!l.sellerId().equals(p.userId())) {
      throw ServiceException.notFound("model", id);
    }
    return l;
  }

  private JsonNode tree(String text) {
    try {
      return json.readTree(text);
    } catch (JsonProcessingException e) {
      throw new JobFailedException("unreadable stored JSON: " + e.getOriginalMessage());
    }
  }

  private String write(JsonNode node) {
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }
}
