package dev.veil.server.http;

/**
 * A group of routes (accounts, keys, data sets...): a thin HTTP layer that parses requests, calls
 * its service and writes the response. {@code App} registers every module in one place.
 */
public interface ApiModule {
  void register(Routes routes);
}
