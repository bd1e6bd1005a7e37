package dev.veil.server.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

import dev.veil.server.audit.AuditLog;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.db.Sql;
import dev.veil.server.ledger.Hold;
import dev.veil.server.ledger.Ledger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent job queue and every change of a job's state, with its money.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>No job without funds.</b> {@link #submit} writes the job, consumes the query budget
 *       (429 when exhausted) and holds the price (402 when the balance does not cover it) in one
 *       database transaction: a refused job leaves nothing behind, an accepted one has its money
 *       reserved.
 *   <li><b>Retries are not charged twice.</b> A submission with an idempotency key is written once
 *       per owner and key (a unique constraint decides between racing retries); a retry gets the
 *       original job, a different request reusing the key a 409.
 *   <li><b>Money follows the outcome, exactly once.</b> The hold is captured (payee paid, minus
 *       the fee) in the transaction that marks the job SUCCEEDED; released, and the query budget
 *       given back, in the one that marks it FAILED or CANCELLED.
 *   <li><b>One worker per job.</b> A queued job is claimed by a conditional update that only one
 *       worker can win; every later change by that worker is fenced by its worker id and attempt
 *       number, so a worker whose lease was taken over changes nothing.
 *   <li><b>Restarts lose no job.</b> {@link #recoverOrphans} ends or re-queues jobs left RUNNING
 *       by a dead worker, with a stated reason.
 *   <li><b>Who sees what.</b> A job is visible to its owner, to an operator (state only), and for
 *       a training job on someone else's data set to the data owner, who holds the key its result
 *       is encrypted under; the result is readable by the owner and that data owner only; anyone
 *       else gets a 404, so ids cannot be probed.
 * </ul>
 *
 * Thread-safe; all state is in the database (events are published after commit).
 */
public final class JobService {
  private static final Logger LOG = LoggerFactory.getLogger(JobService.class);
  /** Queued jobs a worker looks at per claim attempt. */
  private static final int CLAIM_CANDIDATES = 8;

  /** A running job as claimed by a worker: the claim's fence is (worker id, attempt). */
  record Claim(Job job, String workerId, int attempt) {}

  private final Jdbi jdbi;
  private final Ledger ledger;
  private final QueryBudgets budgets;
  private final BlobStore blobs;
  private final AuditLog audit;
  private final JobEvents events;
  private final JobSignal signal;
  private final Clock clock;
  private final int maxAttempts;
  private final JobRepository repo = new JobRepository();
  private final HandoverRepository handovers = new HandoverRepository();

  /**
   * @param maxAttempts how many times a job may be started (restarts included) before a restart
   *     ends it as FAILED
   */
  public JobService(Jdbi jdbi, Ledger ledger, QueryBudgets budgets, BlobStore blobs,
      AuditLog audit, JobEvents events, JobSignal signal, Clock clock, int maxAttempts) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.ledger = Objects.requireNonNull(ledger, "ledger");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.events = Objects.requireNonNull(events, "events");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    this.maxAttempts = maxAttempts;
  }

  // ================================================================ the owner's side

  /**
   * Queues a job.
   *
   * @param idempotencyKey the client's key, or null
   * @param requestHash a digest of the request, to tell a retry from another request reusing the
   *     key
   * @param admit validates the request and says what it reserves; not called for a retry
   * @throws ServiceException from the admission (400, 403, 404), 429 over budget, 402 without
   *     funds, 409 for a key reused with another request
   */
  public Job submit(Principal p, String idempotencyKey, String requestHash,
      Supplier<Admission> admit) {
    Objects.requireNonNull(p, "principal");
    Objects.requireNonNull(requestHash, "requestHash");
    if (idempotencyKey != null) {
      Ledger.checkIdempotencyKey(idempotencyKey);
      Optional<Job> earlier = replay(p.userId(), idempotencyKey, requestHash);
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    Admission a = admit.get();
    String id = Ids.next("job");
    Instant now = clock.instant();
    Job draft = new Job(id, p.userId(), a.kind(), JobState.QUEUED, "queued", 0, a.parameters(),
        a.counterpartyId(), a.price(), null,
        a.budget() == null ? null : a.budget().modelId(),
        a.budget() == null ? null : a.budget().rows(), null, null, null, null, 0, maxAttempts,
        false, null, null, now, null, null, now);
    Job job;
    try {
      job = Sql.inTransaction(jdbi, h -> {
        repo.insert(h, draft, idempotencyKey, requestHash, a.placement());
        if (a.budget() != null) {
          budgets.consume(h, p.userId(), a.budget().modelId(), a.budget().rows(),
              a.budget().limits());
        }
        if (a.price() > 0) {
          Hold hold = ledger.hold(h, p.userId(), a.payeeId(), a.price(), id);
          repo.setHold(h, id, hold.id());
        }
        return repo.find(h, id).orElseThrow();
      });
    } catch (RuntimeException e) {
      if (idempotencyKey != null && Sql.isUniqueViolation(e)) {
        return replay(p.userId(), idempotencyKey, requestHash).orElseThrow(() -> e);
      }
      throw e;
    }
    Map<String, Object> details = new HashMap<>(a.audit());
    details.put("kind", job.kind().name());
    details.put("price", job.price());
    audit.record(p.userId(), "job.submit", id, details);
    events.publish(JobEvent.of(job));
    signal.signal();
    return job;
  }

  /** Whether a job of this id is RUNNING (for the worker pool's clean-up of scratch space). */
  boolean isRunning(String id) {
    return jdbi.withHandle(h -> repo.find(h, id)).map(j -> j.state() == JobState.RUNNING)
        .orElse(false);
  }

  /** A job the caller may see; 404 otherwise. */
  public Job get(Principal p, String id) {
    return visible(p, id);
  }

  /**
   * Jobs the caller owns or (training) is the data owner of, newest first.
   *
   * @param all every job (operators only)
   * @param state only jobs in this state, or null
   * @param limit 1 to 500
   */
  public List<Job> list(Principal p, boolean all, JobState state, int limit) {
    if (limit < 1 || limit > 500) {
      throw ServiceException.badRequest("limit must be 1 to 500, got " + limit);
    }
    return page(p, all, state, Page.first(limit)).items();
  }

  /**
   * One page of {@link #list}, newest first (the page's order is made descending).
   *
   * @param page the limit (1 to 500) and the cursor of the previous page
   */
  public Page.Slice<Job> page(Principal p, boolean all, JobState state, Page page) {
    if (page.limit() > Page.MAX_LIMIT) {
      throw ServiceException.badRequest("limit must be 1 to " + Page.MAX_LIMIT + ", got "
          + page.limit());
    }
    if (all && !p.has(Role.OPERATOR)) {
      throw ServiceException.forbidden("only an operator lists every job");
    }
    Page newest = page.descending();
    return newest.of(jdbi.withHandle(h -> repo.list(h, p.userId(), all, state, newest)),
        j -> new Page.Position(j.createdAt(), j.id()), j -> j);
  }

  /**
   * Cancels a job (its owner only): a queued job ends CANCELLED at once and its funds are
   * released; a running one is asked to stop, and ends CANCELLED (funds released) when its worker
   * sees the request between two steps, unless it completed first. Cancelling a cancelled job
   * returns it.
   *
   * @throws ServiceException 409 if the job already SUCCEEDED or FAILED
   */
  public Job cancel(Principal p, String id) {
    Job job = visible(p, id);
    if (!job.ownerId().equals(p.userId())) {
      throw ServiceException.forbidden("only the job's owner may cancel it");
    }
    if (job.state() == JobState.CANCELLED) {
      return job;
    }
    if (job.state() == JobState.HANDOVER_PENDING) {
      throw ServiceException.conflict("job " + id + " is trained and waits for its data owner's"
          + " hand-over: it is delivered, or refunded at the listing's hand-over deadline");
    }
    if (job.state().isTerminal()) {
      throw ServiceException.conflict("job " + id + " already " + job.state());
    }
    Job after = Sql.inTransaction(jdbi, h -> {
      Instant now = clock.instant();
      if (repo.cancelQueued(h, id, now)) {
        Job cancelled = repo.find(h, id).orElseThrow();
        giveBackAndRelease(h, cancelled);
        return cancelled;
      }
      repo.requestCancel(h, id, now);
      return repo.find(h, id).orElseThrow();
    });
    if (after.state().isTerminal() && after.state() != JobState.CANCELLED) {
      throw ServiceException.conflict("job " + id + " already " + after.state());
    }
    audit.record(p.userId(), "job.cancel", id, Map.of("state", after.state().name()));
    events.publish(JobEvent.of(after));
    return after;
  }

  /**
   * Opens a SUCCEEDED job's result for the job's owner or, for a training job on someone else's
   * data set, the data owner (who holds the key it is encrypted under).
   *
   * @throws ServiceException 404 for anyone else who cannot see the job, 403 for an operator,
   *     409 if there is no result (yet)
   */
  public ResultDownload openResult(Principal p, String id) {
    Job job = visible(p, id);
    boolean handedOver = job.kind() == JobKind.TRAINING && job.counterpartyId() != null
        && jdbi.withHandle(h -> handovers.find(h, id)).isPresent();
    // a handed-over model is the builder's alone: the data owner, who saw the masked model and
    // uploaded its switch, could unmask it from the delivered one
    boolean reader = job.ownerId().equals(p.userId())
        || (!handedOver && job.kind() == JobKind.TRAINING
            && p.userId().equals(job.counterpartyId()));
    if (!reader) {
      throw ServiceException.forbidden("only the job's owner may download its result");
    }
    if (job.state() != JobState.SUCCEEDED) {
      throw ServiceException.conflict("job " + id + " is " + job.state() + ": no result");
    }
    try {
      var in = blobs.open(job.resultSha256());
      audit.record(p.userId(), "job.result.download", id, Map.of("sha256", job.resultSha256(),
          "size", job.resultSize()));
      return new ResultDownload(job, job.resultSha256(), job.resultSize(), in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Registers a listener for the job's events (the caller must be able to see the job). Read the
   * job's current state after subscribing ({@link #get}): no event is missed between the two.
   */
  public JobEvents.Subscription subscribe(Principal p, String id, Consumer<JobEvent> listener) {
    visible(p, id);
    return events.subscribe(id, listener);
  }

  private Job visible(Principal p, String id) {
    if (id == null || !Ids.looksLike("job", id)) {
      throw ServiceException.notFound("job", String.valueOf(id));
    }
    Job job = jdbi.withHandle(h -> repo.find(h, id))
        .orElseThrow(() -> ServiceException.notFound("job", id));
    boolean sees = job.ownerId().equals(p.userId()) || p.has(Role.OPERATOR)
        || (job.kind() == JobKind.TRAINING && p.userId().equals(job.counterpartyId()));
    if (!sees) {
      throw ServiceException.notFound("job", id);
    }
    return job;
  }

  private Optional<Job> replay(String ownerId, String key, String requestHash) {
    return jdbi.withHandle(h -> repo.findByIdempotencyKey(h, ownerId, key)).map(s -> {
      if (!s.requestHash().equals(requestHash)) {
        throw ServiceException.conflict("this Idempotency-Key was already used for a different"
            + " request");
      }
      return s.job();
    });
  }

  // ================================================================ the workers' side

  /** Claims the oldest queued job within the scope that this worker can win, if any. */
  Optional<Claim> claimNext(String workerId, ClaimScope scope, Duration lease) {
    List<String> candidates = jdbi.withHandle(h -> repo.queuedCandidates(h, scope,
        CLAIM_CANDIDATES));
    for (String id : candidates) {
      Instant now = clock.instant();
      boolean won = jdbi.withHandle(h -> repo.claim(h, id, workerId, now, now.plus(lease)));
      if (won) {
        Job job = jdbi.withHandle(h -> repo.find(h, id)).orElseThrow();
        events.publish(JobEvent.of(job));
        return Optional.of(new Claim(job, workerId, job.attempts()));
      }
    }
    return Optional.empty();
  }

  /** Records progress; false if the claim was lost (the worker must abandon the run). */
  boolean progress(Claim c, String stage, int percent, Duration lease) {
    int p = Math.max(0, Math.min(100, percent));
    Instant now = clock.instant();
    boolean ours = jdbi.withHandle(h -> repo.progress(h, c.job().id(), c.workerId(), c.attempt(),
        stage, p, now, now.plus(lease)));
    if (ours) {
      events.publish(new JobEvent(c.job().id(), JobState.RUNNING,
          JobRepository.clip(stage, JobRepository.MAX_STAGE), p, null, now));
    }
    return ours;
  }

  boolean cancelRequested(String jobId) {
    return jdbi.withHandle(h -> repo.cancelRequested(h, jobId));
  }

  /** The heartbeat: renews the leases of the worker's running jobs. */
  void renewLeases(String workerId, Duration lease) {
    Instant now = clock.instant();
    jdbi.useHandle(h -> repo.renewLeases(h, workerId, now, now.plus(lease)));
  }

  /**
   * Ends a run that produced its result: SUCCEEDED and the hold captured, or, if its owner
   * cancelled it meanwhile, CANCELLED and the hold released.
   *
   * @return the job after, or empty if the claim was lost (nothing changed)
   */
  Optional<Job> succeed(Claim c, JobOutcome outcome) {
    if (outcome.handover() != null) {
      return awaitHandover(c, outcome);
    }
    String id = c.job().id();
    Optional<Job> after = Sql.inTransaction(jdbi, h -> {
      Instant now = clock.instant();
      if (repo.succeed(h, id, c.workerId(), c.attempt(), outcome.result().sha256(),
          outcome.result().size(), outcome.info(), now)) {
        Job done = repo.find(h, id).orElseThrow();
        if (done.holdId() != null) {
          ledger.capture(h, done.holdId());
        }
        return Optional.of(done);
      }
      return endClaim(h, c, JobState.CANCELLED, "cancelled",
          "cancelled by its owner while it ran", now);
    });
    after.ifPresent(j -> announce(j, "job." + j.state().name().toLowerCase(java.util.Locale.ROOT),
        j.state() == JobState.SUCCEEDED ? Map.of("sha256", j.resultSha256(), "price", j.price())
            : Map.of()));
    return after;
  }

  /**
   * Ends a run whose trained, masked model waits for its data owner: HANDOVER_PENDING, the hold
   * kept, a hand-over due within the listing's hours; or CANCELLED as {@link #succeed}.
   */
  private Optional<Job> awaitHandover(Claim c, JobOutcome outcome) {
    String id = c.job().id();
    JobOutcome.Handover ho = outcome.handover();
    if (c.job().counterpartyId() == null) {
      return fail(c, "a hand-over needs a data owner other than the job's owner");
    }
    Optional<Job> after = Sql.inTransaction(jdbi, h -> {
      Instant now = clock.instant();
      if (repo.awaitHandover(h, id, c.workerId(), c.attempt(), now)) {
        Job j = repo.find(h, id).orElseThrow();
        handovers.insert(h, new HandoverRecord(id, j.counterpartyId(), j.ownerId(),
            ho.keySetId(), outcome.result().sha256(), outcome.result().size(),
            ho.ciphertexts(), ho.maskSeedHex(), outcome.info(), HandoverRecord.PENDING,
            now.plus(Duration.ofHours(ho.hours())), now));
        return Optional.of(j);
      }
      return endClaim(h, c, JobState.CANCELLED, "cancelled",
          "cancelled by its owner while it ran", now);
    });
    after.ifPresent(j -> announce(j, j.state() == JobState.HANDOVER_PENDING
        ? "job.handover_pending" : "job.cancelled", j.state() == JobState.HANDOVER_PENDING
        ? Map.of("maskedSha256", outcome.result().sha256(), "dataOwnerId", j.counterpartyId(),
            "keySetId", ho.keySetId(), "hours", ho.hours()) : Map.of()));
    return after;
  }

  // ================================================================ hand-overs

  /** The caller's pending hand-overs (as a data owner), oldest first. */
  public List<HandoverRecord> pendingHandovers(Principal p) {
    return pendingHandovers(p, Page.first(Page.DEFAULT_LIMIT)).items();
  }

  /** One page of the hand-overs pending on the caller's data sets, oldest first. */
  public Page.Slice<HandoverRecord> pendingHandovers(Principal p, Page page) {
    return page.of(jdbi.withHandle(h -> handovers.pendingFor(h, p.userId(), page)),
        r -> new Page.Position(r.createdAt(), r.jobId()), r -> r);
  }

  /**
   * A hand-over of the caller's data set; 404 for anyone else (ids cannot be probed), 409 once
   * it is no longer pending.
   */
  public HandoverRecord pendingHandover(Principal p, String jobId) {
    if (jobId == null || !Ids.looksLike("job", jobId)) {
      throw ServiceException.notFound("hand-over", String.valueOf(jobId));
    }
    HandoverRecord r = jdbi.withHandle(h -> handovers.find(h, jobId))
        .filter(x -> x.datasetOwnerId().equals(p.userId()))
        .orElseThrow(() -> ServiceException.notFound("hand-over", jobId));
    if (!HandoverRecord.PENDING.equals(r.state())) {
      throw ServiceException.conflict("the hand-over of job " + jobId + " is " + r.state());
    }
    return r;
  }

  /**
   * Delivers a hand-over: the job SUCCEEDED with {@code result} (the builder's model, unmasked
   * by the caller of this method), the hold captured to the data owner.
   *
   * @param switchedSha256 what the data owner uploaded (recorded)
   * @throws ServiceException 404/409 as {@link #pendingHandover}; 409 if it expired meanwhile
   */
  public Job deliverHandover(Principal p, String jobId, String switchedSha256,
      BlobStore.BlobRef result) {
    HandoverRecord r = pendingHandover(p, jobId);
    Job done = Sql.inTransaction(jdbi, h -> {
      Instant now = clock.instant();
      if (!handovers.end(h, jobId, HandoverRecord.DELIVERED, switchedSha256, now)
          || !repo.deliver(h, jobId, result.sha256(), result.size(), r.resultInfo(), now)) {
        throw ServiceException.conflict("the hand-over of job " + jobId
            + " is no longer pending");
      }
      Job j = repo.find(h, jobId).orElseThrow();
      if (j.holdId() != null) {
        ledger.capture(h, j.holdId());
      }
      return j;
    });
    audit.record(p.userId(), "handover.deliver", jobId, Map.of("switchedSha256",
        switchedSha256, "resultSha256", result.sha256(), "price", done.price()));
    announce(done, "job.succeeded", Map.of("sha256", done.resultSha256(), "price",
        done.price()));
    return done;
  }

  /**
   * Ends the pending hand-overs whose deadline passed: the job FAILED, the builder's hold
   * released (refunded), the hand-over EXPIRED. Called by the workers' heartbeat.
   *
   * @return how many expired
   */
  public int expireHandovers() {
    Instant now = clock.instant();
    List<HandoverRecord> due = jdbi.withHandle(h -> handovers.expired(h, now, 100));
    int n = 0;
    for (HandoverRecord r : due) {
      Optional<Job> after = Sql.inTransaction(jdbi, h -> {
        Instant t = clock.instant();
        if (!handovers.end(h, r.jobId(), HandoverRecord.EXPIRED, null, t)
            || !repo.expireHandover(h, r.jobId(), "the data owner did not hand the model over"
                + " by " + r.deadline() + ": the price is refunded", t)) {
          return Optional.<Job>empty();
        }
        Job j = repo.find(h, r.jobId()).orElseThrow();
        giveBackAndRelease(h, j);
        return Optional.of(j);
      });
      if (after.isPresent()) {
        n++;
        announce(after.get(), "handover.expire", Map.of("deadline", r.deadline().toString(),
            "price", after.get().price()));
      }
    }
    return n;
  }

  /** Ends a run as FAILED (hold released, budget given back). */
  Optional<Job> fail(Claim c, String reason) {
    Optional<Job> after = Sql.inTransaction(jdbi,
        h -> endClaim(h, c, JobState.FAILED, "failed", reason, clock.instant()));
    after.ifPresent(j -> announce(j, "job.failed", Map.of("reason", j.error())));
    return after;
  }

  /** Ends a run its owner cancelled (hold released, budget given back). */
  Optional<Job> cancelled(Claim c) {
    Optional<Job> after = Sql.inTransaction(jdbi, h -> endClaim(h, c, JobState.CANCELLED,
        "cancelled", "cancelled by its owner while it ran", clock.instant()));
    after.ifPresent(j -> announce(j, "job.cancelled", Map.of()));
    return after;
  }

  /** Puts a run back in the queue because its worker is shutting down (the start not counted). */
  void requeueOnShutdown(Claim c) {
    requeueOnShutdown(c, "queued again: the server stopped while it ran");
  }

  /** {@link #requeueOnShutdown(Claim)} with the stage the job shows while queued again. */
  void requeueOnShutdown(Claim c, String stage) {
    boolean done = jdbi.withHandle(h -> repo.requeue(h, c.job().id(), c.attempt(),
        stage, true, clock.instant()));
    if (done) {
      jdbi.withHandle(h -> repo.find(h, c.job().id())).ifPresent(j -> {
        events.publish(JobEvent.of(j));
        signal.signal();
      });
    }
  }

  private Optional<Job> endClaim(Handle h, Claim c, JobState to, String stage, String error,
      Instant now) {
    String id = c.job().id();
    if (!repo.endRunning(h, id, c.workerId(), c.attempt(), to, stage, error, now)) {
      return Optional.empty();
    }
    Job ended = repo.find(h, id).orElseThrow();
    giveBackAndRelease(h, ended);
    return Optional.of(ended);
  }

  /**
   * Jobs left RUNNING by workers that died: those with a lapsed lease, or every running job when
   * {@code all} (at the start of the only worker process, e.g. the embedded database's). Each
   * is re-queued if its kind is resumable and it has attempts left, or else ends FAILED with the
   * reason "server restarted during ..." (CANCELLED if its owner had asked), its funds released
   * and its query budget given back.
   *
   * @return how many jobs were recovered
   */
  int recoverOrphans(boolean all, Set<JobKind> resumable) {
    Instant now = clock.instant();
    List<Job> orphans = jdbi.withHandle(h -> repo.orphans(h, all, now));
    int recovered = 0;
    for (Job o : orphans) {
      Optional<Job> after = Sql.inTransaction(jdbi, h -> {
        Instant t = clock.instant();
        boolean changed;
        if (o.cancelRequested()) {
          changed = repo.endOrphan(h, o.id(), o.attempts(), JobState.CANCELLED, "cancelled",
              "cancelled by its owner; the server restarted before the job stopped", t);
        } else if (resumable.contains(o.kind()) && o.attempts() < o.maxAttempts()) {
          changed = repo.requeue(h, o.id(), o.attempts(), "queued again after a server restart"
              + " during '" + o.stage() + "'", false, t);
        } else {
          changed = repo.endOrphan(h, o.id(), o.attempts(), JobState.FAILED, "failed",
              "server restarted during '" + o.stage() + "' (attempt " + o.attempts() + " of "
                  + o.maxAttempts() + ")", t);
        }
        if (!changed) {
          return Optional.<Job>empty();
        }
        Job j = repo.find(h, o.id()).orElseThrow();
        if (j.state().isTerminal()) {
          giveBackAndRelease(h, j);
        }
        return Optional.of(j);
      });
      if (after.isPresent()) {
        recovered++;
        Job j = after.get();
        LOG.info("recovered job {} left running by {}: now {} ({})", j.id(), o.workerId(),
            j.state(), j.state() == JobState.QUEUED ? j.stage() : j.error());
        announce(j, "job.recover", Map.of("state", j.state().name(), "attempts", j.attempts()));
      }
    }
    if (recovered > 0) {
      signal.signal();
    }
    return recovered;
  }

  /** Gives the query budget back and releases the hold of a job that produced nothing. */
  private void giveBackAndRelease(Handle h, Job j) {
    if (j.budgetModelId() != null && j.budgetRows() != null) {
      budgets.giveBack(h, j.ownerId(), j.budgetModelId(), j.budgetRows());
    }
    if (j.holdId() != null) {
      ledger.release(h, j.holdId());
    }
  }

  private void announce(Job j, String action, Map<String, Object> details) {
    Map<String, Object> d = new HashMap<>(details);
    d.put("kind", j.kind().name());
    audit.record(null, action, j.id(), d);
    events.publish(JobEvent.of(j));
  }
}
