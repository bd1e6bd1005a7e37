package dev.veil.server.job;

/** Thrown inside a run (by {@link JobContext}) when its owner cancelled it: the run stops there. */
public final class JobCancelledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobCancelledException(String jobId) {
    super("job " + jobId + " was cancelled");
  }
}
