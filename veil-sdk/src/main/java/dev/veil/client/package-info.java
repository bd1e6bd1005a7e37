/**
 * The Java SDK of a Veil server: {@link dev.veil.client.VeilClient}, one method per operation of
 * the REST API over {@code java.net.http}, with the bodies as records in {@link
 * dev.veil.api}; streamed uploads ({@link dev.veil.client.Upload}) and checked downloads
 * ({@link dev.veil.client.Download}), jobs followed by server-sent events ({@link
 * dev.veil.client.JobListener}), and the failures {@link dev.veil.client.VeilApiException} and
 * {@link dev.veil.client.VeilConnectionException}. {@link dev.veil.client.VeilFiles} names the
 * files of the {@code veil} command line's directories, which the SDK's helpers upload.
 *
 * <p>The SDK depends on Jackson only; it never imports the server, and never reads a secret key.
 */
package dev.veil.client;
