package dev.veil.api;

/**
 * {@code PATCH /api/models/{id}} (its seller): null fields stay as they are; the weights cannot
 * change. Budgets are fixed at publication: a change that raises any of them publishes a new
 * version of the listing (a new id, answered with 201 and its {@code Location}), whose flooding
 * is sized for the new total; the old version keeps its budget and its buyers' results and takes
 * no new jobs. Lowering a budget changes the listing in place.
 *
 * @param name a new label
 * @param description a new description
 * @param pricePerPrediction a new price
 * @param maxQueriesPerBuyer a new query budget
 * @param maxRowsPerBuyer a new row budget
 * @param listed false to unlist it
 * @param maxRowsTotal a new total row budget (all buyers together); null: as it was, or raised
 *     to {@code maxRowsPerBuyer} if that is now larger
 */
public record UpdateModelRequest(String name, String description, Long pricePerPrediction,
    Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed, Long maxRowsTotal) {

  /** A change that leaves the total row budget as it is (or raises it to the per-buyer one). */
  public UpdateModelRequest(String name, String description, Long pricePerPrediction,
      Long maxQueriesPerBuyer, Long maxRowsPerBuyer, Boolean listed) {
    this(name, description, pricePerPrediction, maxQueriesPerBuyer, maxRowsPerBuyer, listed,
        null);
  }
}
