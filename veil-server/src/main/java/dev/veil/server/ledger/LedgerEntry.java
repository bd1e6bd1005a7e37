package dev.veil.server.ledger;

/**
 * One line of a ledger transaction.
 *
 * @param accountId the account
 * @param amount minor units, positive when the account is credited (its balance grows), negative
 *     when it is debited; never zero
 */
public record LedgerEntry(String accountId, long amount) {
  public LedgerEntry {
    if (amount == 0) {
      throw new IllegalArgumentException("a ledger entry moves a non-zero amount");
    }
  }
}
