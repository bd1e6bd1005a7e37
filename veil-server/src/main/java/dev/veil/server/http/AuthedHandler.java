package dev.veil.server.http;

import dev.veil.server.core.Principal;
import io.javalin.http.Context;

/** A route handler that runs only for an authenticated caller. */
@FunctionalInterface
public interface AuthedHandler {
  void handle(Context ctx, Principal caller) throws Exception;
}
