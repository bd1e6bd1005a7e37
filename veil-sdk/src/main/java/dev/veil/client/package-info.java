/**
 * The Java SDK of a Veil server: {@link dev.veil.client.VeilClient}, one method per operation of
 * the REST API over {@code java.net.http}, with the bodies as records in {@link
 * dev.veil.api}; streamed uploads ({@link dev.veil.client.Upload}) and checked downloads
 * ({@link dev.veil.client.Download}), jobs followed by server-sent events ({@link
 * dev.veil.client.JobListener}), and the failures {@link dev.veil.client.VeilApiException} and
 * {@link dev.veil.client.VeilConnectionException}. {@link dev.veil.client.VeilFiles} names the
 * files of the {@code veil} command line's directories, which the SDK's helpers upload.
 *
 * <p>Inside, {@code VeilClient} only delegates. {@code Transport} is the HTTP side every call
 * goes through (token, timeouts, retries of idempotent requests, idempotency keys, the one JSON
 * request path), {@code Failures} maps refusals and network failures to the exceptions; {@code
 * Uploads} and {@code Downloads} stream bodies with their digests; {@code JobWaiter} follows a
 * job by the events of {@code JobEventStream}, falling back to polling; {@code LocalDirs} reads
 * the command line's directories; {@code Accounts}, {@code KeySets}, {@code Datasets}, {@code
 * Models}, {@code Inputs}, {@code Jobs} and {@code Ledger} hold the routes of each resource. They
 * are package-private, in this one package: the transport throws the public exceptions of this
 * package, so a sub-package for it would form a package cycle.
 *
 * <p>The SDK may use {@code dev.veil.api}, Jackson and the JDK only; it never imports the
 * server or the command line, and never reads a secret key.
 */
package dev.veil.client;
