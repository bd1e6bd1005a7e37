package dev.veil.api;

import java.util.List;

/**
 * {@code GET /api/ledger/verify} (operators): whether every transaction balances and every balance
 * equals its entries.
 *
 * @param ok whether every check passed
 * @param transactions transactions checked
 * @param accounts accounts checked
 * @param problems one line per failure, empty when ok
 */
public record LedgerVerification(boolean ok, long transactions, long accounts,
    List<String> problems) {}
