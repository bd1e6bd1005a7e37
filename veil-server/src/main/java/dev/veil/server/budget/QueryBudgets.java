package dev.veil.server.budget;

import static dev.veil.server.db.Sql.time;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

import dev.veil.server.core.ServiceException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Per (buyer, model) query budgets, persisted: the usage lives in {@code query_budgets}, the
 * limits on the model. {@link #consume} runs in the caller's transaction, the one that also
 * reserves the job's funds and writes the job: a buyer over budget is refused with a 429 and
 * nothing is charged or queued; a buyer without funds is refused with a 402 and no budget is
 * used. The check and the increment are one conditional {@code UPDATE}, so concurrent queries of
 * one buyer can never together exceed the limits. Thread-safe.
 */
public final class QueryBudgets {
  private final Jdbi jdbi;
  private final Clock clock;

  public QueryBudgets(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Counts one query of {@code rows} rows, in the caller's transaction.
   *
   * @throws ServiceException 429 if it would exceed either limit (nothing counted)
   */
  public BudgetUsage consume(Handle h, String buyerId, String modelId, long rows,
      BudgetLimits limits) {
    if (rows < 1) {
      throw ServiceException.badRequest("a query scores at least one row, got " + rows);
    }
    Instant now = clock.instant();
    h.createUpdate("INSERT INTO query_budgets (buyer_id, model_id, queries_used, rows_used,"
            + " updated_at) VALUES (:b, :m, 0, 0, :now) ON CONFLICT DO NOTHING")
        .bind("b", buyerId).bind("m", modelId).bind("now", time(now)).execute();
    int n = h.createUpdate("UPDATE query_budgets SET queries_used = queries_used + 1,"
            + " rows_used = rows_used + :rows, updated_at = :now WHERE buyer_id = :b"
            + " AND model_id = :m AND queries_used + 1 <= :maxQ AND rows_used + :rows <= :maxR")
        .bind("rows", rows).bind("now", time(now)).bind("b", buyerId).bind("m", modelId)
        .bind("maxQ", limits.maxQueries()).bind("maxR", limits.maxRows())
        .execute();
    BudgetUsage used = usage(h, buyerId, modelId);
    if (n == 0) {
      if (used.queries() + 1 > limits.maxQueries()) {
        throw ServiceException.tooManyRequests("query budget exhausted: " + used.queries()
            + " of the " + limits.maxQueries() + " queries this model allows each buyer are"
            + " used");
      }
      throw ServiceException.tooManyRequests("row budget exceeded: " + used.rows() + " of the "
          + limits.maxRows() + " rows this model allows each buyer are used, " + rows
          + " more requested (" + Math.max(0, limits.maxRows() - used.rows()) + " left)");
    }
    return used;
  }

  /** Gives back a query that produced nothing (its job failed or was cancelled). */
  public void giveBack(Handle h, String buyerId, String modelId, long rows) {
    h.createUpdate("UPDATE query_budgets SET queries_used = queries_used - 1,"
            + " rows_used = rows_used - :rows, updated_at = :now WHERE buyer_id = :b"
            + " AND model_id = :m AND queries_used >= 1 AND rows_used >= :rows")
        .bind("rows", rows).bind("now", time(clock.instant())).bind("b", buyerId)
        .bind("m", modelId).execute();
  }

  /** What the buyer has used of the model's budget (zero if never queried). */
  public BudgetUsage usage(String buyerId, String modelId) {
    return jdbi.withHandle(h -> usage(h, buyerId, modelId));
  }

  private static BudgetUsage usage(Handle h, String buyerId, String modelId) {
    return h.createQuery("SELECT queries_used, rows_used FROM query_budgets WHERE buyer_id = :b"
            + " AND model_id = :m")
        .bind("b", buyerId).bind("m", modelId)
        .map((rs, ctx) -> new BudgetUsage(rs.getLong(1), rs.getLong(2)))
        .findOne()
        .orElse(new BudgetUsage(0, 0));
  }
}
