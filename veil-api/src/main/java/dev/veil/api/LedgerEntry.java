package dev.veil.api;

/**
 * One line of a ledger transaction.
 *
 * @param accountId the account
 * @param amount minor units, positive when the account is credited
 */
public record LedgerEntry(String accountId, long amount) {}
