package dev.veil.he.rlwe;

/** Operands, keys or a reader were created under different parameters. */
public final class ParameterMismatchException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ParameterMismatchException(String message) {
    super(message);
  }
}
