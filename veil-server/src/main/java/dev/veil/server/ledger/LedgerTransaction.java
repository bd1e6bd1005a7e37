package dev.veil.server.ledger;

import java.time.Instant;
import java.util.List;

/**
 * A movement of money: entries that sum to zero, written in one database transaction.
 *
 * @param id {@code ltx_...}
 * @param kind DEPOSIT, CHARGE, HOLD, CAPTURE or RELEASE
 * @param reference what it pays for (a job or hold id), or null
 * @param actorId who caused it (the operator of a deposit, the payer of a charge), or null for
 *     the system
 * @param memo a short note, or null
 * @param createdAt when it was written
 * @param entries its lines, summing to zero
 */
public record LedgerTransaction(String id, String kind, String reference, String actorId,
    String memo, Instant createdAt, List<LedgerEntry> entries) {
  public LedgerTransaction {
    entries = List.copyOf(entries);
  }
}
