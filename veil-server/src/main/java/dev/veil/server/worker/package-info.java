/**
 * Workers: the inputs of the server's own workers ({@link
 * dev.veil.server.worker.HostedJobInputs}), and remote workers ({@code veil worker}) with their
 * registration, tokens and routes ({@link dev.veil.server.worker.WorkerService}, {@link
 * dev.veil.server.worker.WorkerRoutes}): a seller's worker holding its weights serves its
 * listings' inference jobs, a training worker the training jobs its owner may run, both over the
 * job queue's leases and fencing ({@link dev.veil.server.job.RemoteClaims}).
 *
 * <p>May use {@code core}, {@code db}, {@code account} (tokens, users), {@code audit}, {@code
 * blob}, {@code catalog}, {@code job}, {@code model}, {@code http} and veil-api; only the wiring
 * uses it.
 */
package dev.veil.server.worker;
