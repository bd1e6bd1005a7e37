package dev.veil.server.job;

import java.time.Instant;

/**
 * A job as stored. Public fields only: a job holds ids, shapes, prices and digests, never
 * plaintext data or key material.
 *
 * @param id {@code job_...}
 * @param ownerId who submitted (and pays for) it
 * @param kind training or inference
 * @param state where it stands
 * @param stage what it is doing, in words ("training: iteration 3 of 7")
 * @param progress 0 to 100
 * @param parameters the validated request, as JSON
 * @param counterpartyId the data owner of a training job's data set, or the seller of an
 *     inference job's model; null if none
 * @param price what the owner pays, in minor units (0: free)
 * @param holdId the ledger hold reserving the price, or null when free
 * @param budgetModelId the model whose query budget the job consumed, or null
 * @param budgetRows the rows it consumed of that budget, or null
 * @param resultSha256 the result blob once SUCCEEDED
 * @param resultSize its size in bytes
 * @param resultInfo the result's public description (JSON), once SUCCEEDED
 * @param error why it FAILED (or how it was CANCELLED), for the user; null otherwise
 * @param attempts how many times a worker started it
 * @param maxAttempts starts allowed before a restart ends it as FAILED
 * @param cancelRequested whether the owner asked a running job to stop
 * @param workerId the worker running it, while RUNNING
 * @param leaseUntil when the worker's claim lapses unless renewed, while RUNNING
 * @param createdAt submitted
 * @param startedAt first started, or null
 * @param finishedAt reached a terminal state, or null
 * @param updatedAt last changed
 */
public record Job(String id, String ownerId, JobKind kind, JobState state, String stage,
    int progress, String parameters, String counterpartyId, long price, String holdId,
    String budgetModelId, Long budgetRows, String resultSha256, Long resultSize,
    String resultInfo, String error, int attempts, int maxAttempts, boolean cancelRequested,
    String workerId, Instant leaseUntil, Instant createdAt, Instant startedAt,
    Instant finishedAt, Instant updatedAt) {}
