package dev.veil.ml.infer;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per buyer and model query budget: counts the queries answered and the rows they scored, and
 * refuses a query that would go over either limit, before it is answered.
 *
 * <p>Why: a logistic or linear model that answers with confidence values (scores or
 * probabilities) is recovered from about d + 1 well chosen rows (Tramer et al., 2016); no
 * encryption prevents that, only limiting the rows a buyer may have scored (and coarsening the
 * outputs). The row budget also bounds the number D of sanitised ciphertexts a buyer receives
 * from the model (each holds at least one row), which is the D of {@link OutputSanitizer}'s
 * flooding: use {@code maxRows} as D, or a smaller D with a tighter {@code maxQueries * (rows per
 * query in ciphertexts)} argument.
 *
 * <p>In memory: the server persists the counters ({@link #used}) and restores them ({@link
 * #restore}). Thread-safe: a charge is atomic per (buyer, model).
 */
public final class QueryBudget {
  /** Limits per buyer and model. */
  public record Limits(long maxQueries, long maxRows) {
    public Limits {
      if (maxQueries < 0 || maxRows < 0) {
        throw new IllegalArgumentException(
            "limits must be >= 0, got " + maxQueries + " queries, " + maxRows + " rows");
      }
    }
  }

  /** What a buyer has used of a model's budget. */
  public record Usage(long queries, long rows) {}

  private record Key(String buyer, String model) {}

  private final Limits limits;
  private final Map<Key, Usage> used = new ConcurrentHashMap<>();

  /** The same limits for every (buyer, model) pair. */
  public QueryBudget(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  public QueryBudget(long maxQueries, long maxRows) {
    this(new Limits(maxQueries, maxRows));
  }

  public Limits limits() {
    return limits;
  }

  /**
   * Charges one query of {@code rows} rows to (buyer, model), or refuses it.
   *
   * @return the usage after this query
   * @throws QueryBudgetExceededException if the query would exceed the query or the row limit;
   *     nothing is charged
   * @throws IllegalArgumentException if {@code rows < 1}
   */
  public Usage charge(String buyer, String model, long rows) {
    Objects.requireNonNull(buyer, "buyer");
    Objects.requireNonNull(model, "model");
    if (rows < 1) {
      throw new IllegalArgumentException("a query scores at least one row, got " + rows);
    }
    return used.compute(new Key(buyer, model), (k, u) -> {
      Usage cur = u == null ? new Usage(0, 0) : u;
      if (cur.queries() + 1 > limits.maxQueries()) {
        throw new QueryBudgetExceededException(String.format(
            "query budget exhausted: buyer '%s' has made %d of the %d queries allowed on model"
                + " '%s'", buyer, cur.queries(), limits.maxQueries(), model), buyer, model);
      }
      if (cur.rows() + rows > limits.maxRows()) {
        throw new QueryBudgetExceededException(String.format(
            "row budget exceeded: buyer '%s' has had %d of the %d rows allowed on model '%s'"
                + " scored; %d more requested (%d left)", buyer, cur.rows(), limits.maxRows(),
            model, rows, limits.maxRows() - cur.rows()), buyer, model);
      }
      return new Usage(cur.queries() + 1, cur.rows() + rows);
    });
  }

  /** What (buyer, model) has used so far. */
  public Usage used(String buyer, String model) {
    return used.getOrDefault(new Key(buyer, model), new Usage(0, 0));
  }

  /** Rows (buyer, model) may still have scored. */
  public long remainingRows(String buyer, String model) {
    return Math.max(0, limits.maxRows() - used(buyer, model).rows());
  }

  /** Queries (buyer, model) may still make. */
  public long remainingQueries(String buyer, String model) {
    return Math.max(0, limits.maxQueries() - used(buyer, model).queries());
  }

  /** Restores persisted usage (replaces what is counted for the pair). */
  public void restore(String buyer, String model, Usage usage) {
    Objects.requireNonNull(usage, "usage");
    if (usage.queries() < 0 || usage.rows() < 0) {
      throw new IllegalArgumentException("usage must be >= 0: " + usage);
    }
    used.put(new Key(Objects.requireNonNull(buyer), Objects.requireNonNull(model)), usage);
  }
}
