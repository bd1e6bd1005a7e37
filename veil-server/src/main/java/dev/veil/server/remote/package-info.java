/**
 * The remote worker ({@code veil worker}): runs on a machine its owner controls (a seller's,
 * holding the weights of its listings; a data owner's or an operator's, for training), claims jobs
 * from the server over HTTP through the SDK's {@code WorkerClient} and runs them with the
 * server's own runners, so that one computation serves both kinds of worker.
 *
 * <p>May use {@code core}, {@code he}, {@code job}, {@code inference}, {@code training}, {@code
 * model}, {@code blob} and {@code catalog} (their types only: nothing here opens the server's
 * database or blob store), veil-sdk and veil-api; only the wiring uses it.
 */
package dev.veil.server.remote;
