package dev.veil.he.ckks;

/** An operand's level is too low for the operation (e.g. rescale at level 0). */
public final class LevelException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public LevelException(String message) {
    super(message);
  }
}
