/**
 * The persistent job queue ({@link dev.veil.server.job.JobService}): submission with the job's
 * funds and budget in one transaction, exclusive claims, cancellation, restart recovery, progress
 * events; the {@link dev.veil.server.job.WorkerPool} that runs the {@link
 * dev.veil.server.job.JobRunner}s.
 *
 * <p>May use {@code core}, {@code db}, {@code blob}, {@code audit}, {@code budget} and {@code
 * ledger}; it knows no kind of job (training and inference plug in as runners and admissions).
 */
package dev.veil.server.job;
