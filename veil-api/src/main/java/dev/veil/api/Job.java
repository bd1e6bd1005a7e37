package dev.veil.api;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job as its owner (or the data owner of a training job, or an operator) sees it.
 *
 * @param id {@code job_...}
 * @param kind training or inference
 * @param state where it stands
 * @param stage what it is doing, in words
 * @param progress 0 to 100
 * @param ownerId who submitted and pays
 * @param counterpartyId the data owner or the seller, or null
 * @param parameters the validated request
 * @param price minor units
 * @param resultSha256 the result's digest once SUCCEEDED
 * @param resultSize its size in bytes
 * @param result its description once SUCCEEDED: {@code veil-encrypted-model/1} (training, the
 *     encrypted model's {@code meta.json}) or {@code veil-inference-result/1} (inference)
 * @param error why it FAILED, or how it was CANCELLED; else null
 * @param attempts starts so far
 * @param maxAttempts starts allowed
 * @param cancelRequested whether its owner asked it to stop
 * @param createdAt submitted
 * @param startedAt first started, or null
 * @param finishedAt ended, or null
 * @param updatedAt last changed
 */
public record Job(String id, JobKind kind, JobState state, String stage, int progress,
    String ownerId, String counterpartyId, JsonNode parameters, long price, String resultSha256,
    Long resultSize, JsonNode result, String error, int attempts, int maxAttempts,
    boolean cancelRequested, Instant createdAt, Instant startedAt, Instant finishedAt,
    Instant updatedAt) {

  /** This job as an event (its state, stage, progress and error now). */
  public JobEvent toEvent() {
    return new JobEvent(id, state, stage, progress, error, updatedAt);
  }
}
