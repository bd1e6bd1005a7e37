package dev.veil.server.job;

/**
 * The work of one kind of job. A runner reads its inputs from the job's parameters, reports
 * progress and checks cancellation through the {@link JobContext} between steps, stores its
 * result as a blob and returns it. It does not touch the job's state or money: the worker pool
 * does, after it returns or throws.
 *
 * <p>A run must be repeatable from its inputs: if the server dies during it, the job may be run
 * again from the start ({@link #resumable()}), and nothing the first run did is visible (an
 * unreferenced result blob at most).
 */
public interface JobRunner {
  JobKind kind();

  /** Whether a run interrupted by a server restart may be started again from its inputs. */
  boolean resumable();

  /**
   * Runs the job.
   *
   * @throws JobCancelledException when cancelled (from the context)
   * @throws JobFailedException with a message for the owner
   * @throws Exception anything else: the job fails with a generic message
   */
  JobOutcome run(Job job, JobContext context) throws Exception;
}
