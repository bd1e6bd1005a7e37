package dev.veil.he.rlwe;

/** An operation needs an evaluation key that was not generated; the message names it. */
public final class MissingKeyException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public MissingKeyException(String message) {
    super(message);
  }
}
