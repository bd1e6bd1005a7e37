package dev.veil.server.ledger;

/** Where a {@link Hold} stands; HELD changes exactly once, to one of the other two. */
public enum HoldState {
  HELD,
  CAPTURED,
  RELEASED
}
