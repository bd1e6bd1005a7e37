package dev.veil.server.ledger;

import java.util.List;

/**
 * The outcome of {@link Ledger#verify()}.
 *
 * @param ok whether every check passed
 * @param transactions transactions checked
 * @param accounts accounts checked
 * @param problems what failed, one line each (at most a few dozen), empty when ok
 */
public record LedgerVerification(boolean ok, long transactions, long accounts,
    List<String> problems) {
  public LedgerVerification {
    problems = List.copyOf(problems);
  }
}
