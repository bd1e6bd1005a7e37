/**
 * The HTTP layer shared by every route module: registration with mandatory authentication, request
 * parsing with limits, the one mapping of failures to JSON errors, and the API documentation.
 */
package dev.veil.server.http;
