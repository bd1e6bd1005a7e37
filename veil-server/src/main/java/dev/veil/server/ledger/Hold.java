package dev.veil.server.ledger;

import java.time.Instant;

/**
 * Funds reserved for a job: moved from the payer's available to their held account when the job
 * is queued; captured when it succeeds (the payee gets the amount minus the platform fee, the
 * platform the fee) or released back to the payer when it fails or is cancelled.
 *
 * @param id {@code hold_...}
 * @param reference the job it pays for (one hold per reference)
 * @param payerId who pays
 * @param payeeId who is paid on capture (the data owner or the model seller); null: the platform
 * @param amount minor units, positive
 * @param feeBasisPoints the platform's fee on capture, in 1/10000 of the amount (rounded down)
 * @param state HELD, CAPTURED or RELEASED
 * @param holdTransactionId the transaction that reserved the funds
 * @param settleTransactionId the capture or release transaction, or null while HELD
 * @param createdAt when the funds were reserved
 * @param settledAt when they were captured or released, or null
 */
public record Hold(String id, String reference, String payerId, String payeeId, long amount,
    int feeBasisPoints, HoldState state, String holdTransactionId, String settleTransactionId,
    Instant createdAt, Instant settledAt) {

  /** The platform's part on capture: {@code floor(amount * feeBasisPoints / 10000)}. */
  public long fee() {
    return Ledger.fee(amount, feeBasisPoints);
  }
}
