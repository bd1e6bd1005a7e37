package dev.veil.server.job;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.core.ServiceException;
import dev.veil.server.job.JobService.Claim;
import org.jdbi.v3.core.Jdbi;

/**
 * The job queue as remote workers ({@code veil worker}, over HTTP) use it: the same claims,
 * leases and fencing as the server's own {@link WorkerPool}, one call at a time.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>A claim takes the oldest queued job of the worker's {@link ClaimScope} by the same
 *       conditional update the pool uses: one worker per job. It returns the attempt number,
 *       which with the worker id fences every later call.
 *   <li>Every call after the claim is refused with a 409 and changes nothing unless the job is
 *       still RUNNING under this (worker id, attempt) and its lease has not lapsed: a worker whose
 *       lease expired (the job was or will be re-queued by the recovery, and may be claimed by
 *       another worker) can neither renew it, nor upload a result, nor end the job. The state
 *       changes themselves are the conditional updates of {@link JobService}, so a recovery racing
 *       a late call still leaves one winner.
 *   <li>A worker that dies stops renewing its lease; the recovery of a {@link WorkerPool}'s
 *       heartbeat re-queues the job (or ends it after its last attempt), as for a server worker.
 *   <li>A result counts only once {@link #complete} names the blob the same claim uploaded
 *       ({@link #recordResult}); money moves as for the pool's jobs, exactly once.
 * </ul>
 *
 * Thread-safe.
 */
public final class RemoteClaims {
  private final JobService jobs;
  private final Jdbi jdbi;
  private final JobSignal signal;
  private final Clock clock;
  private final Duration lease;
  private final JobRepository repo = new JobRepository();

  /** A job claimed by a remote worker, with the attempt that fences its later calls. */
  public record Claimed(Job job, int attempt) {}

  /** @param lease how long a remote claim lasts without a heartbeat */
  public RemoteClaims(JobService jobs, Jdbi jdbi, JobSignal signal, Clock clock,
      Duration lease) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lease = Objects.requireNonNull(lease, "lease");
  }

  /** How long a claim lasts without a heartbeat. */
  public Duration lease() {
    return lease;
  }

  /**
   * Claims the oldest queued job in the scope, waiting up to {@code wait} for one to be queued.
   *
   * @return the job and its attempt, or empty if none came
   */
  public Optional<Claimed> claim(String workerId, ClaimScope scope, Duration wait)
      throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      long seen = signal.generation();
      Optional<Claim> c = jobs.claimNext(workerId, scope, lease);
      if (c.isPresent()) {
        return Optional.of(new Claimed(c.get().job(), c.get().attempt()));
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return Optional.empty();
      }
      signal.await(seen, Duration.ofNanos(Math.min(left, Duration.ofSeconds(1).toNanos())));
    }
  }

  /**
   * The job if a worker of this scope may see it (it could claim it when queued): the other
   * jobs do not exist for that worker.
   */
  public Optional<Job> visible(String jobId, ClaimScope scope) {
    return jdbi.withHandle(h -> repo.find(h, jobId).filter(j -> {
      String placement = repo.placement(h, jobId);
      if (placement == null && scope.serverKinds().contains(j.kind())) {
        return true;
      }
      if (j.kind() == JobKind.INFERENCE) {
        return placement != null && scope.models().contains(placement);
      }
      String trainer = scope.trainerId();
      return placement == null && (scope.training() == ClaimScope.Training.ANY
          || (scope.training() == ClaimScope.Training.OWN_DATA
              && (trainer.equals(j.counterpartyId())
                  || (j.counterpartyId() == null && trainer.equals(j.ownerId())))));
    }));
  }

  /**
   * The job if it is RUNNING under this worker's claim with its lease not lapsed.
   *
   * @throws ServiceException 409 otherwise
   */
  public Job fenced(String workerId, String jobId, int attempt) {
    Job j = jdbi.withHandle(h -> repo.find(h, jobId)).orElseThrow(() -> lost(jobId, attempt));
    Instant now = clock.instant();
    if (j.state() != JobState.RUNNING || !workerId.equals(j.workerId())
        || j.attempts() != attempt || j.leaseUntil() == null || j.leaseUntil().isBefore(now)) {
      throw lost(jobId, attempt);
    }
    return j;
  }

  /**
   * The heartbeat, with progress when {@code stage} is given: renews the lease.
   *
   * @param percent 0 to 100 (with a stage)
   * @return whether the job's owner asked it to stop
   * @throws ServiceException 409 if the claim was lost
   */
  public boolean heartbeat(String workerId, String jobId, int attempt, String stage,
      int percent) {
    Job j = fenced(workerId, jobId, attempt);
    boolean ours;
    if (stage == null) {
      Instant now = clock.instant();
      ours = jdbi.withHandle(h -> repo.renewLease(h, jobId, workerId, attempt, now,
          now.plus(lease)));
    } else {
      ours = jobs.progress(new Claim(j, workerId, attempt), stage, percent, lease);
    }
    if (!ours) {
      throw lost(jobId, attempt);
    }
    return jobs.cancelRequested(jobId);
  }

  /**
   * Records the result blob the claim uploaded (already stored).
   *
   * @throws ServiceException 409 if the claim was lost
   */
  public void recordResult(String workerId, String jobId, int attempt, BlobRef result) {
    fenced(workerId, jobId, attempt);
    boolean ours = jdbi.withHandle(h -> repo.setUploadedResult(h, jobId, workerId, attempt,
        result.sha256(), result.size(), clock.instant()));
    if (!ours) {
      throw lost(jobId, attempt);
    }
  }

  /**
   * Ends the run with the result this claim uploaded: SUCCEEDED and the hold captured, or
   * CANCELLED if the owner cancelled meanwhile.
   *
   * @param sha256 the uploaded result's digest (must be the one recorded)
   * @param info the result's public description, JSON
   * @throws ServiceException 409 if the claim was lost or no such result was uploaded
   */
  public Job complete(String workerId, String jobId, int attempt, String sha256, String info) {
    Job j = fenced(workerId, jobId, attempt);
    if (j.resultSha256() == null || !j.resultSha256().equals(sha256)) {
      throw ServiceException.conflict("job " + jobId + ": upload the result (PUT .../result)"
          + " before completing it; the digest given is not the uploaded one");
    }
    return jobs.succeed(new Claim(j, workerId, attempt),
            new JobOutcome(new BlobRef(j.resultSha256(), j.resultSize()), info))
        .orElseThrow(() -> lost(jobId, attempt));
  }

  /** Ends the run as FAILED with the worker's reason; 409 if the claim was lost. */
  public Job fail(String workerId, String jobId, int attempt, String reason) {
    Job j = fenced(workerId, jobId, attempt);
    return jobs.fail(new Claim(j, workerId, attempt), reason)
        .orElseThrow(() -> lost(jobId, attempt));
  }

  /** Ends a run its owner cancelled (the worker saw the request); 409 if the claim was lost. */
  public Job cancelled(String workerId, String jobId, int attempt) {
    Job j = fenced(workerId, jobId, attempt);
    return jobs.cancelled(new Claim(j, workerId, attempt))
        .orElseThrow(() -> lost(jobId, attempt));
  }

  /**
   * Puts the job back in the queue, the interrupted start not counted (the worker is stopping);
   * 409 if the claim was lost.
   */
  public void release(String workerId, String jobId, int attempt) {
    Job j = fenced(workerId, jobId, attempt);
    jobs.requeueOnShutdown(new Claim(j, workerId, attempt), "queued again: its worker stopped"
        + " while it ran");
  }

  private static ServiceException lost(String jobId, int attempt) {
    return ServiceException.conflict("this worker no longer holds job " + jobId + " (attempt "
        + attempt + "): its lease expired or the job was re-queued, ended or claimed by another"
        + " worker; drop the run");
  }
}
