package dev.veil.server.job;

import java.nio.file.Path;

/** What a {@link JobRunner} gets from the worker running it. */
public interface JobContext {
  /**
   * Records the stage and percentage (persisted, published to listeners, renewing the lease),
   * then checks for cancellation.
   *
   * @param percent 0 to 100
   * @throws JobCancelledException if the owner cancelled the job: let it propagate
   */
  void progress(String stage, int percent);

  /**
   * Checks for cancellation between steps.
   *
   * @throws JobCancelledException if the owner cancelled the job: let it propagate
   */
  void checkCancelled();

  /** A private directory for temporary files of this run, deleted after it. */
  Path scratch();

  /** Threads the run may use for its homomorphic work. */
  int threads();

  /** The job's inputs and where its result goes. */
  JobInputs inputs();
}
