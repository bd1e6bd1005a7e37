package dev.veil.client;

/**
 * A failed call of the Veil SDK: the base of {@link VeilApiException} (the server answered with an
 * error) and {@link VeilConnectionException} (the server could not be reached). Other instances
 * name a broken exchange: an interrupted wait, a job that did not end in time, a download whose
 * digest does not match.
 */
public class VeilException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public VeilException(String message) {
    super(message);
  }

  public VeilException(String message, Throwable cause) {
    super(message, cause);
  }
}
