/**
 * The HTTP layer shared by every route module: registration with mandatory authentication, request
 * parsing with limits, the one mapping of failures to JSON errors, and the API documentation.
 *
 * <p>May use {@code core} only among the server's packages (the caller is resolved by a function
 * the wiring passes in), and Javalin, Jetty and Jackson.
 */
package dev.veil.server.http;
