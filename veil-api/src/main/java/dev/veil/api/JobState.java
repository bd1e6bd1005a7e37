package dev.veil.api;

/**
 * Where a job stands: QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED; a paid training
 * handed over to the builder's key goes RUNNING -> HANDOVER_PENDING -> SUCCEEDED (delivered) or
 * FAILED (not handed over in time: refunded).
 */
public enum JobState {
  QUEUED,
  RUNNING,
  /** Trained; waiting for the data owner to switch the masked model to the builder's key. */
  HANDOVER_PENDING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** Whether the job has ended (it changes no more). */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
