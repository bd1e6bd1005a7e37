package dev.veil.api;

import java.util.List;

/**
 * The caller's money, in minor units.
 *
 * @param userId the caller
 * @param available what the caller may spend
 * @param held what is reserved for the caller's queued and running jobs
 * @param transactions the latest ones touching the caller's accounts, newest first
 */
public record Balance(String userId, long available, long held,
    List<LedgerTransaction> transactions) {}
