package dev.veil.client;

import java.util.Objects;

/**
 * The server refused a request: its HTTP status, the stable error code and the message of the
 * server's {@code {"error", "message"}} body (for a body that is not the API's, e.g. a proxy's
 * page, the code is {@code http_STATUS} and the message the start of the body).
 *
 * <p>Codes the server uses: {@code bad_request}, {@code secret_key_refused}, {@code
 * upload_interrupted}, {@code unauthorized}, {@code payment_required}, {@code forbidden}, {@code
 * not_found}, {@code conflict}, {@code too_large}, {@code unsupported_media_type}, {@code
 * not_acceptable}, {@code budget_exhausted}, {@code internal}.
 */
public final class VeilApiException extends VeilException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String error;
  private final String serverMessage;
  private final String method;
  private final String path;

  public VeilApiException(int status, String error, String serverMessage, String method,
      String path) {
    super(serverMessage + " (HTTP " + status + " " + error + ")");
    this.status = status;
    this.error = Objects.requireNonNull(error, "error");
    this.serverMessage = Objects.requireNonNull(serverMessage, "serverMessage");
    this.method = method;
    this.path = path;
  }

  /** The HTTP status, e.g. 404. */
  public int status() {
    return status;
  }

  /** The error code, e.g. {@code not_found}. */
  public String error() {
    return error;
  }

  /** The server's message, which names the problem. */
  public String serverMessage() {
    return serverMessage;
  }

  /** The request's method, e.g. {@code GET}. */
  public String method() {
    return method;
  }

  /** The request's path, e.g. {@code /api/datasets/ds_1}. */
  public String path() {
    return path;
  }

  /** A 4xx: the request was refused for what it asked (bad input, no token, no funds...). */
  public boolean isClientError() {
    return status >= 400 && status < 500;
  }

  /** A 5xx: the server failed. */
  public boolean isServerError() {
    return status >= 500;
  }
}
