package dev.veil.ml.infer;

/**
 * Thrown by {@link OutputSanitizer} before any work when the flooding noise its policy requires
 * would leave fewer bits of precision at the result's scale than the caller asked for.
 */
public final class PrecisionTooLowException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final double expectedBits;
  private final double requiredBits;

  public PrecisionTooLowException(String message, double expectedBits, double requiredBits) {
    super(message);
    this.expectedBits = expectedBits;
    this.requiredBits = requiredBits;
  }

  /** Bits of precision the flooded result would keep. */
  public double expectedBits() {
    return expectedBits;
  }

  /** The minimum the sanitiser was configured with. */
  public double requiredBits() {
    return requiredBits;
  }
}
