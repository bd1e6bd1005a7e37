package dev.veil.client;

import java.time.Duration;

/**
 * What a {@link VeilClient.Builder} collected: the timeouts and retries of the {@link Transport},
 * and how the {@link JobWaiter} follows a job.
 *
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for the answer to a JSON call
 * @param transferTimeout how long an upload may take, and a download until its first bytes
 * @param retries retries of an idempotent call after a connection failure
 * @param retryDelay the pause before the first retry, doubled for each next one
 * @param pollInterval how often a job is polled when its events are not available
 * @param eventsCheckInterval how long a silent event stream is trusted before one poll
 * @param serverSentEvents whether jobs are followed by their events at all
 * @param userAgent the {@code User-Agent} header
 * @param tls the certificates trusted for an {@code https://} server
 */
record Settings(Duration connectTimeout, Duration requestTimeout, Duration transferTimeout,
    int retries, Duration retryDelay, Duration pollInterval, Duration eventsCheckInterval,
    boolean serverSentEvents, String userAgent, TlsOptions tls) {}
