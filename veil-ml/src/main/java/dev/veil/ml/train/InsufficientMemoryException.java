package dev.veil.ml.train;

/**
 * A training plan whose keys and ciphertexts cannot fit the heap, refused by {@link Planner}
 * before any key is generated; the message names the need, the heap and what to change.
 */
public final class InsufficientMemoryException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient PlanMemory need;
  private final long maxHeap;

  public InsufficientMemoryException(String message, PlanMemory need, long maxHeap) {
    super(message);
    this.need = need;
    this.maxHeap = maxHeap;
  }

  /** The estimate of the smallest form (compact keys). */
  public PlanMemory need() {
    return need;
  }

  /** The maximum heap planned against, in bytes. */
  public long maxHeap() {
    return maxHeap;
  }
}
