package dev.veil.server.http;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * Registers the API's routes so that authentication cannot be forgotten: {@link #get}, {@link
 * #post}... take an {@link AuthedHandler}, which runs only after the request's {@code
 * Authorization: Bearer <token>} header has been resolved to a {@link Principal} (else 401); a route
 * without a token (login, registration, the docs) must be registered with {@link #anonymous}. Every
 * path must lie under {@code /api/}.
 */
public final class Routes {
  private final RoutesConfig routes;
  private final Function<String, Principal> authenticator;

  /**
   * @param authenticator resolves a bearer token to its principal, throwing a 401 {@code
   *     ServiceException} for a bad one
   */
  public Routes(RoutesConfig routes, Function<String, Principal> authenticator) {
    this.routes = Objects.requireNonNull(routes, "routes");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
  }

  public Routes get(String path, AuthedHandler h) {
    return add(HandlerType.GET, path, authed(h));
  }

  public Routes post(String path, AuthedHandler h) {
    return add(HandlerType.POST, path, authed(h));
  }

  public Routes put(String path, AuthedHandler h) {
    return add(HandlerType.PUT, path, authed(h));
  }

  public Routes patch(String path, AuthedHandler h) {
    return add(HandlerType.PATCH, path, authed(h));
  }

  public Routes delete(String path, AuthedHandler h) {
    return add(HandlerType.DELETE, path, authed(h));
  }

  /** A handler of a route whose caller was resolved by its own authenticator. */
  @FunctionalInterface
  public interface TokenHandler<T> {
    void handle(Context ctx, T caller) throws Exception;
  }

  /**
   * A route authenticated by another kind of bearer token than the users' (the workers'): the
   * request's token is resolved by {@code authenticator} (which throws a 401 {@code
   * ServiceException} for a bad one), with the same 401 answers as the users' routes. A user's
   * token is not such a token, nor the other way round.
   */
  public <T> Routes withToken(HandlerType method, String path,
      Function<String, T> authenticator, TokenHandler<T> h) {
    Objects.requireNonNull(authenticator, "authenticator");
    Objects.requireNonNull(h, "handler");
    return add(method, path, ctx -> h.handle(ctx, resolve(ctx, authenticator)));
  }

  /** A route that needs no token. */
  public Routes anonymous(HandlerType method, String path, Handler h) {
    return add(method, path, h);
  }

  /** The bearer token of a request; 401 if there is none. */
  public static String bearerToken(Context ctx) {
    String header = ctx.header("Authorization");
    if (header == null || header.isBlank()) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ServiceException.unauthorized("this route needs an API token: send 'Authorization:"
          + " Bearer <token>' (POST /api/login gives one)");
    }
    String h = header.strip();
    if (h.length() < 7 || !h.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
      ctx.header("WWW-Authenticate", "Bearer");
      throw ServiceException.unauthorized("the Authorization header must be 'Bearer <token>'");
    }
    return h.substring(7).strip();
  }

  private Handler authed(AuthedHandler h) {
    Objects.requireNonNull(h, "handler");
    return ctx -> h.handle(ctx, resolve(ctx, authenticator));
  }

  private static <T> T resolve(Context ctx, Function<String, T> authenticator) {
    try {
      return authenticator.apply(bearerToken(ctx));
    } catch (ServiceException e) {
      if (e.status() == 401) {
        ctx.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      }
      throw e;
    }
  }

  private Routes add(HandlerType method, String path, Handler h) {
    if (!path.startsWith("/api/")) {
      throw new IllegalArgumentException("API paths lie under /api/: " + path);
    }
    routes.addHttpHandler(method, path, h);
    return this;
  }
}
