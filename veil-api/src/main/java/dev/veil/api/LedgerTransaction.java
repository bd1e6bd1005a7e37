package dev.veil.api;

import java.time.Instant;
import java.util.List;

/**
 * A movement of money: entries that sum to zero.
 *
 * @param id {@code ltx_...}
 * @param kind DEPOSIT, CHARGE, HOLD, CAPTURE or RELEASE
 * @param reference what it pays for (a job or hold id), or null
 * @param memo a short note, or null
 * @param createdAt when it was written
 * @param entries its lines
 */
public record LedgerTransaction(String id, String kind, String reference, String memo,
    Instant createdAt, List<LedgerEntry> entries) {}
