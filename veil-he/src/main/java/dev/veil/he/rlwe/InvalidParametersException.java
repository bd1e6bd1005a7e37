package dev.veil.he.rlwe;

/** A parameter literal that cannot become parameters; the message gives the one reason. */
public final class InvalidParametersException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InvalidParametersException(String message) {
    super(message);
  }
}
