package dev.veil.server.ledger;

/** The kinds of ledger account. Only {@link #EXTERNAL} may have a negative balance. */
public enum AccountKind {
  /** A user's spendable money. */
  AVAILABLE,
  /** A user's money reserved for queued and running jobs (see {@link Hold}). */
  HELD,
  /** The platform's fees. */
  REVENUE,
  /** The counterpart of deposits: money that entered the platform from outside (negative). */
  EXTERNAL
}
