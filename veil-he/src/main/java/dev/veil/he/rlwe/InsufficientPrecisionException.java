package dev.veil.he.rlwe;

/**
 * A flooded decryption would leave fewer bits of precision than the caller's floor: nothing was
 * decrypted and no budget was charged. Compute the shared values at a larger scale, declare fewer
 * shared decryptions, or accept a lower floor.
 */
public final class InsufficientPrecisionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final double precisionBits;
  private final double floorBits;

  public InsufficientPrecisionException(String message, double precisionBits, double floorBits) {
    super(message);
    this.precisionBits = precisionBits;
    this.floorBits = floorBits;
  }

  /** The bits the flooding would have left. */
  public double precisionBits() {
    return precisionBits;
  }

  /** The caller's floor. */
  public double floorBits() {
    return floorBits;
  }
}
