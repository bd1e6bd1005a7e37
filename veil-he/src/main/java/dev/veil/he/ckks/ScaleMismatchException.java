package dev.veil.he.ckks;

/** Operands' scales differ, or a result's scale would not fit the modulus; the message says which. */
public final class ScaleMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ScaleMismatchException(String message) {
    super(message);
  }
}
