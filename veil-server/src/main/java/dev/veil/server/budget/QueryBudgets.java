package dev.veil.server.budget;

import static dev.veil.server.db.Sql.time;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

import dev.veil.server.core.ServiceException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Query budgets, persisted: per (buyer, model) in {@code query_budgets} and per model, all buyers
 * together, in {@code model_budget_totals}; the limits live on the model. {@link #consume} runs in
 * the caller's transaction, the one that also reserves the job's funds and writes the job: over
 * either budget the request is refused with a 429 and, the transaction rolling back, nothing is
 * counted, charged or queued; a buyer without funds is refused with a 402 and no budget is used.
 * Each check and its increment are one conditional {@code UPDATE}, so concurrent queries, of one
 * buyer or of many, can never together exceed the limits. Thread-safe.
 */
public final class QueryBudgets {
  private final Jdbi jdbi;
  private final Clock clock;

  public QueryBudgets(Jdbi jdbi, Clock clock) {
    this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Counts one query of {@code rows} rows against the buyer's budget and the model's total, in
   * the caller's transaction.
   *
   * @throws ServiceException 429 if it would exceed any limit (the caller's transaction must roll
   *     back: then nothing is counted)
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
    h.createUpdate("INSERT INTO model_budget_totals (model_id, queries_used, rows_used,"
            + " updated_at) VALUES (:m, 0, 0, :now) ON CONFLICT DO NOTHING")
        .bind("m", modelId).bind("now", time(now)).execute();
    int t = h.createUpdate("UPDATE model_budget_totals SET queries_used = queries_used + 1,"
            + " rows_used = rows_used + :rows, updated_at = :now WHERE model_id = :m"
            + " AND rows_used + :rows <= :maxT")
        .bind("rows", rows).bind("now", time(now)).bind("m", modelId)
        .bind("maxT", limits.maxRowsTotal()).execute();
    if (t == 0) {
      BudgetUsage all = total(h, modelId);
      throw ServiceException.tooManyRequests("the model's total row budget is used up: "
          + all.rows() + " of the " + limits.maxRowsTotal() + " rows it allows all buyers"
          + " together are used, " + rows + " more requested ("
          + Math.max(0, limits.maxRowsTotal() - all.rows()) + " left); its seller may publish"
          + " a new version with a larger maxRowsTotal");
    }
    return used;
  }

  /**
   * Gives back a query that produced nothing (its job failed or was cancelled), to the buyer's
   * budget and to the model's total.
   */
  public void giveBack(Handle h, String buyerId, String modelId, long rows) {
    Instant now = clock.instant();
    h.createUpdate("UPDATE query_budgets SET queries_used = queries_used - 1,"
            + " rows_used = rows_used - :rows, updated_at = :now WHERE buyer_id = :b"
            + " AND model_id = :m AND queries_used >= 1 AND rows_used >= :rows")
        .bind("rows", rows).bind("now", time(now)).bind("b", buyerId)
        .bind("m", modelId).execute();
    h.createUpdate("UPDATE model_budget_totals SET queries_used = queries_used - 1,"
            + " rows_used = rows_used - :rows, updated_at = :now WHERE model_id = :m"
            + " AND queries_used >= 1 AND rows_used >= :rows")
        .bind("rows", rows).bind("now", time(now)).bind("m", modelId).execute();
  }

  /** What all buyers together have used of the model's total (zero if never queried). */
  public BudgetUsage total(String modelId) {
    return jdbi.withHandle(h -> total(h, modelId));
  }

  private static BudgetUsage total(Handle h, String modelId) {
    return h.createQuery("SELECT queries_used, rows_used FROM model_budget_totals"
            + " WHERE model_id = :m")
        .bind("m", modelId)
        .map((rs, ctx) -> new BudgetUsage(rs.getLong(1), rs.getLong(2)))
        .findOne()
        .orElse(new BudgetUsage(0, 0));
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
