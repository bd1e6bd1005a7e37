/** The job routes: submission, polling, server-sent events, cancellation, results. */
package dev.veil.server.job.http;
