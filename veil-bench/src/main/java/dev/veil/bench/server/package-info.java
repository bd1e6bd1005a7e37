/**
 * {@code veil bench server}: the platform server started in-process and measured over real HTTP
 * (upload throughput and memory, end-to-end encrypted inference beside the same computation
 * in-process).
 */
package dev.veil.bench.server;
