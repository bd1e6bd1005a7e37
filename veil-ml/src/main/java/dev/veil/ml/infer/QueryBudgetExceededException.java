package dev.veil.ml.infer;

/**
 * Thrown by {@link QueryBudget#charge} when answering a query would exceed the buyer's budget for
 * the model; nothing is charged.
 */
public final class QueryBudgetExceededException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String buyer;
  private final String model;

  public QueryBudgetExceededException(String message, String buyer, String model) {
    super(message);
    this.buyer = buyer;
    this.model = model;
  }

  public String buyer() {
    return buyer;
  }

  public String model() {
    return model;
  }
}
