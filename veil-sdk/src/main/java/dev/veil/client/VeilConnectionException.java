package dev.veil.client;

import java.io.IOException;
import java.net.URI;

/**
 * The server could not be reached, or the connection broke before an answer: refused, unknown
 * host, timed out, reset. Idempotent calls have been retried before this is thrown. The cause is
 * the {@link IOException} of the last attempt.
 */
public final class VeilConnectionException extends VeilException {
  private static final long serialVersionUID = 1L;

  private final URI server;

  public VeilConnectionException(URI server, String message, IOException cause) {
    super(message, cause);
    this.server = server;
  }

  /** The server's base URL. */
  public URI server() {
    return server;
  }
}
