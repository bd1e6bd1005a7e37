package dev.veil.he.io;

import java.io.IOException;

/**
 * Input that is not a well-formed Veil object of the kind asked for, under the reader's
 * parameters: wrong magic bytes, an unsupported version, another object type, a parameter digest
 * that differs from the reader's, a field that disagrees with the parameters, a coefficient that
 * is not reduced, or input that ends early. The message names the problem.
 *
 * <p>Readers in {@link VeilIO} throw only this for malformed input; any other {@link IOException}
 * they pass on comes from the underlying stream itself.
 */
public final class FormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public FormatException(String message) {
    super(message);
  }

  public FormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
