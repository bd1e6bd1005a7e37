package dev.veil.server.http;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.core.Ids;
import dev.veil.server.core.ServiceException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Every error body is {@code {"error": code,
 * "message": text}}:
 *
 * <ul>
 *   <li>a {@link ServiceException}: its status and code;
 *   <li>a broken request body ({@link UploadInterruptedException}): 400 {@code
 *       upload_interrupted};
 *   <li>Javalin's own responses (no such route: 404 {@code not_found}; a method the route lacks):
 *       their status, with a code for it;
 *   <li>anything else is a bug: 500 {@code internal} with a reference id, the stack trace going to
 *       the log only.
 * </ul>
 */
public final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  /** An error body. */
  public record ApiError(String error, String message) {}

  private ApiErrors() {}

  public static void install(RoutesConfig routes, ObjectMapper mapper) {
    routes.exception(ServiceException.class, (e, ctx) ->
        write(ctx, mapper, e.status(), e.code(), e.getMessage()));
    routes.exception(UploadInterruptedException.class, (e, ctx) -> {
      LOG.info("{} {}: {}", ctx.method(), ctx.path(), e.getMessage());
      write(ctx, mapper, 400, "upload_interrupted", e.getMessage());
    });
    routes.exception(HttpResponseException.class, (e, ctx) -> {
      int status = e.getStatus();
      String message = status == 404 ? "no route " + ctx.method() + " " + ctx.path()
          : String.valueOf(e.getMessage());
      write(ctx, mapper, status, code(status), message);
    });
    routes.exception(Exception.class, (e, ctx) -> {
      String ref = Ids.next("err");
      LOG.error("{} {} failed (reference {})", ctx.method(), ctx.path(), ref, e);
      write(ctx, mapper, 500, "internal", "internal server error (reference " + ref + ")");
    });
    // a 404 that no handler produced (no route matched): the same JSON shape
    routes.error(404, ctx -> {
      if (ctx.result() == null || ctx.result().isEmpty()) {
        write(ctx, mapper, 404, "not_found", "no route " + ctx.method() + " " + ctx.path());
      }
    });
  }

  static String code(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 401 -> "unauthorized";
      case 403 -> "forbidden";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 413 -> "too_large";
      case 414 -> "uri_too_long";
      case 415 -> "unsupported_media_type";
      case 431 -> "headers_too_large";
      default -> status >= 500 ? "internal" : "http_" + status;
    };
  }

  private static void write(Context ctx, ObjectMapper mapper, int status, String code,
      String message) {
    String body;
    try {
      body = mapper.writeValueAsString(new ApiError(code, message));
    } catch (JsonProcessingException e) {
      body = "{\"error\":\"internal\",\"message\":\"internal server error\"}";
    }
    drainSmallBody(ctx);
    ctx.status(status).contentType("application/json").result(body);
  }

  /** Bodies up to this size are read to their end before an error is answered. */
  static final long DRAIN_LIMIT = 1 << 20;

  /**
   * Reads what is left of a small request body (announced length at most {@link #DRAIN_LIMIT}),
   * so that a client still sending it reads the error answer instead of a reset connection; a
   * larger or unannounced body is left unread and the connection is closed after the answer.
   */
  private static void drainSmallBody(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    if (length > DRAIN_LIMIT || length < 0) {
      ctx.header("Connection", "close");
      return;
    }
    if (length == 0) {
      return;
    }
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] sink = new byte[8192];
      long left = length;
      while (left > 0) {
        int n = in.read(sink, 0, (int) Math.min(sink.length, left));
        if (n < 0) {
          break;
        }
        left -= n;
      }
    } catch (IOException | IllegalStateException e) {
      ctx.header("Connection", "close"); // already consumed as a reader, or the client is gone
    }
  }
}
