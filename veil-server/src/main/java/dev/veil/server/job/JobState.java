package dev.veil.server.job;

/**
 * Where a job stands. QUEUED -> RUNNING -> SUCCEEDED | FAILED | CANCELLED; QUEUED -> CANCELLED;
 * RUNNING -> QUEUED again only when a worker died with it and it may be resumed. A paid training
 * handed over to its builder's key: RUNNING -> HANDOVER_PENDING (trained and masked, the price
 * still held) -> SUCCEEDED when the data owner's switch is delivered (the hold captured) or
 * FAILED when the listing's hand-over time passes first (the hold released: refunded).
 */
public enum JobState {
  QUEUED,
  RUNNING,
  /** Trained; waiting for the data owner to switch the masked model to the builder's key. */
  HANDOVER_PENDING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  /** Whether the job will not change any more. */
  public boolean isTerminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
