package dev.veil.server.budget;

import dev.veil.server.core.ServiceException;

/**
 * A model's per-buyer query budget: how many inference jobs a buyer may run on it and how many
 * rows they may have scored in all. Slows model extraction (a logistic model falls to about d + 1
 * well-chosen rows) and bounds the number of sanitised results a buyer receives, which sizes the
 * flooding noise.
 *
 * @param maxQueries 1 to 10^9
 * @param maxRows 1 to 10^9
 */
public record BudgetLimits(long maxQueries, long maxRows) {
  public static final long MAX = 1_000_000_000L;

  public BudgetLimits {
    if (maxQueries < 1 || maxQueries > MAX || maxRows < 1 || maxRows > MAX) {
      throw ServiceException.badRequest("a query budget allows 1 to " + MAX
          + " queries and 1 to " + MAX + " rows per buyer, got " + maxQueries + " queries and "
          + maxRows + " rows");
    }
  }
}
