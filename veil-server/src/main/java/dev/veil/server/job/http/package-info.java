/**
 * The job routes: submission, polling, server-sent events, cancellation, results.
 *
 * <p>May use {@code core}, {@code http}, {@code job} and the job kinds it submits ({@code
 * training}, {@code inference}).
 */
package dev.veil.server.job.http;
