package dev.veil.server.http;

import java.io.IOException;

/**
 * The client's request body failed while it was read (the connection broke, or the body ended
 * before its announced length). Answered with 400 {@code upload_interrupted}; whatever was being
 * stored is discarded by the code reading the body.
 */
public final class UploadInterruptedException extends IOException {
  private static final long serialVersionUID = 1L;

  public UploadInterruptedException(String message, Throwable cause) {
    super(message, cause);
  }
}
