package dev.veil.server.budget;

import dev.veil.server.core.ServiceException;

/**
 * A listing's query budget: how many inference jobs each buyer may run on it and how many rows
 * each may have scored, and how many rows all buyers together may have scored. Slows model
 * extraction (a logistic model falls to about d + 1 well-chosen rows) and bounds the number of
 * sanitised results that leave the platform, which sizes the flooding noise.
 *
 * <p>The total, not the per-buyer budget, sizes the flooding: buyers can collude (or one person
 * can open many accounts), so only a bound on all results together bounds what they learn
 * together. Its default is the per-buyer budget ({@link #defaultTotal}): then the flooding is
 * what a single buyer's budget needed before totals existed and no buyer's parameters stop
 * fitting, and all accounts together get no more than one buyer could. A seller who expects many
 * buyers sets a larger total and pays for it in precision: {@code log2(sqrt(total / perBuyer))}
 * bits more noise.
 *
 * @param maxQueries per buyer, 1 to 10^9
 * @param maxRows per buyer, 1 to 10^9
 * @param maxRowsTotal all buyers together, {@code maxRows} to 10^9
 */
public record BudgetLimits(long maxQueries, long maxRows, long maxRowsTotal) {
  public static final long MAX = 1_000_000_000L;

  public BudgetLimits {
    if (maxQueries < 1 || maxQueries > MAX || maxRows < 1 || maxRows > MAX) {
      throw ServiceException.badRequest("a query budget allows 1 to " + MAX
          + " queries and 1 to " + MAX + " rows per buyer, got " + maxQueries + " queries and "
          + maxRows + " rows");
    }
    if (maxRowsTotal < maxRows || maxRowsTotal > MAX) {
      throw ServiceException.badRequest("maxRowsTotal (all buyers together) must be from"
          + " maxRowsPerBuyer (" + maxRows + ") to " + MAX + ", got " + maxRowsTotal);
    }
  }

  /** The total when a listing does not give one: the per-buyer row budget. */
  public static long defaultTotal(long maxRows) {
    return maxRows;
  }

  /**
   * A budget as published.
   *
   * @param maxRowsTotal null for {@link #defaultTotal}
   */
  public static BudgetLimits published(long maxQueries, long maxRows, Long maxRowsTotal) {
    return new BudgetLimits(maxQueries, maxRows,
        maxRowsTotal == null ? defaultTotal(maxRows) : maxRowsTotal);
  }

  /**
   * This budget with the limits a change gives (null keeps a limit as it is); a total not given
   * rises to the per-buyer row budget if that is now larger, so that raising {@code maxRows}
   * alone stays a valid request.
   */
  public BudgetLimits changedTo(Long queries, Long rows, Long rowsTotal) {
    long q = queries == null ? maxQueries : queries;
    long r = rows == null ? maxRows : rows;
    long t = rowsTotal != null ? rowsTotal : Math.max(maxRowsTotal, r);
    return new BudgetLimits(q, r, t);
  }

  /**
   * Whether {@code next} allows more than this budget in any of its limits: a change that the
   * flooding of results already delivered was not sized for, which takes a new listing version.
   */
  public boolean widenedBy(BudgetLimits next) {
    return next.maxQueries > maxQueries || next.maxRows > maxRows
        || next.maxRowsTotal > maxRowsTotal;
  }
}
