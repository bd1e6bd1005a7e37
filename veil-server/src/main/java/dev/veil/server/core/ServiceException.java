package dev.veil.server.core;

import java.util.Objects;

/**
 * A refusal of a request, expected rather than a fault: the HTTP status the API answers with, a
 * stable machine-readable code (those of the factory methods below, and a few specific ones such
 * as {@code secret_key_refused}) and a message that names the problem for the user and never
 * contains secrets. The server's services, upload checks and route modules throw it for expected
 * failures (bad input, missing or foreign objects, lack of funds, a used-up query budget...); the
 * HTTP layer ({@code dev.veil.server.http.ApiErrors}) turns it into {@code {"error": code,
 * "message": message}} with its status, in one place.
 */
public final class ServiceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final long retryAfterSeconds;

  /**
   * A refusal with its own code.
   *
   * @param status an error status, 400 to 599
   * @param code the machine-readable code, e.g. {@code not_found}
   * @param message what went wrong, for the user
   */
  public ServiceException(int status, String code, String message) {
    this(status, code, message, 0);
  }

  /**
   * A refusal that tells the client when to try again (HTTP {@code Retry-After}).
   *
   * @param retryAfterSeconds seconds until a retry may succeed, 0 for no {@code Retry-After}
   */
  public ServiceException(int status, String code, String message, long retryAfterSeconds) {
    super(Objects.requireNonNull(message, "message"));
    if (retryAfterSeconds < 0) {
      throw new IllegalArgumentException("negative retryAfterSeconds: " + retryAfterSeconds);
    }
    this.retryAfterSeconds = retryAfterSeconds;
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("not an error status: " + status);
    }
    this.status = status;
    this.code = Objects.requireNonNull(code, "code");
  }

  /** 400: the request is malformed or a value is out of range. */
  public static ServiceException badRequest(String message) {
    return new ServiceException(400, "bad_request", message);
  }

  /** 401: no valid token or credentials. */
  public static ServiceException unauthorized(String message) {
    return new ServiceException(401, "unauthorized", message);
  }

  /** 402: the balance does not cover the charge. */
  public static ServiceException paymentRequired(String message) {
    return new ServiceException(402, "payment_required", message);
  }

  /** 403: authenticated, but this user may not do this. */
  public static ServiceException forbidden(String message) {
    return new ServiceException(403, "forbidden", message);
  }

  /**
   * 404: no such object, or one the caller may not know about (foreign objects are reported as
   * missing so that ids cannot be probed).
   */
  public static ServiceException notFound(String what, String id) {
    return new ServiceException(404, "not_found", what + " '" + id + "' does not exist");
  }

  /** 409: the object's state does not allow this (duplicate name, job already finished...). */
  public static ServiceException conflict(String message) {
    return new ServiceException(409, "conflict", message);
  }

  /** 413: an upload or body over its size limit. */
  public static ServiceException tooLarge(String message) {
    return new ServiceException(413, "too_large", message);
  }

  /** 415: a body of the wrong content type. */
  public static ServiceException unsupportedMediaType(String message) {
    return new ServiceException(415, "unsupported_media_type", message);
  }

  /**
   * 429 {@code budget_exhausted}: a buyer's query or row budget on a model is used up (login
   * throttling and busy password hashing answer 429 and 503 with their own codes and {@code
   * Retry-After}).
   */
  public static ServiceException tooManyRequests(String message) {
    return new ServiceException(429, "budget_exhausted", message);
  }

  /** Seconds the client should wait before retrying ({@code Retry-After}), or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The HTTP status the API answers with. */
  public int status() {
    return status;
  }

  /** The machine-readable code, the {@code error} field of the answer. */
  public String code() {
    return code;
  }
}
