/**
 * The commands that talk to a Veil server through the SDK: {@code veil login}, {@code logout},
 * {@code register}, {@code keys}, {@code dataset}, {@code model}, {@code job}, {@code balance},
 * {@code audit}, and {@code train} and {@code infer}, which run on local files or, with {@code
 * --remote}, on a server. {@link dev.veil.cli.remote.Remote} picks the server and token; {@link
 * dev.veil.cli.remote.RemoteResults} writes what a job returns as the workflow's files.
 *
 * <p>May use {@link dev.veil.cli.local} (the files uploaded and downloaded are the workflow's),
 * {@link dev.veil.cli.credentials}, {@link dev.veil.cli.output}, {@link dev.veil.cli.core} and the
 * SDK; never the entry point.
 */
package dev.veil.cli.remote;
