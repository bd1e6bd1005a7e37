package dev.veil.api;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a remote worker sends about its claim after claiming it ({@code POST
 * /api/worker/jobs/{id}/progress}, {@code .../complete}, {@code .../fail}, {@code .../cancel},
 * {@code .../release}). {@link #attempt} is always required; the other fields as each route says.
 *
 * @param attempt the claim's attempt number
 * @param stage progress: what the run does now, or null for a heartbeat only
 * @param percent progress: 0 to 100
 * @param sha256 complete: the digest of the uploaded result
 * @param info complete: the result's public description
 * @param reason fail: why, for the job's owner
 */
public record WorkerReport(int attempt, String stage, Integer percent, String sha256,
    JsonNode info, String reason) {
  /** A heartbeat (with progress when {@code stage} is not null). */
  public static WorkerReport progress(int attempt, String stage, Integer percent) {
    return new WorkerReport(attempt, stage, percent, null, null, null);
  }

  /** The end of a run with the uploaded result. */
  public static WorkerReport complete(int attempt, String sha256, JsonNode info) {
    return new WorkerReport(attempt, null, null, sha256, info, null);
  }

  /** The end of a run that failed (or, with a null reason, a cancel or a release). */
  public static WorkerReport end(int attempt, String reason) {
    return new WorkerReport(attempt, null, null, null, null, reason);
  }
}
