/**
 * The persistent job queue ({@link dev.veil.server.job.JobService}): submission with the job's
 * funds and budget in one transaction, exclusive claims, cancellation, restart recovery, progress
 * events; the {@link dev.veil.server.job.WorkerPool} that runs the {@link
 * dev.veil.server.job.JobRunner}s.
 */
package dev.veil.server.job;
