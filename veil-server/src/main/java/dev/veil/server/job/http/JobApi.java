package dev.veil.server.job.http;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobEvent;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobState;

/** The JSON bodies of the job routes. */
public final class JobApi {
  private JobApi() {}

  /**
   * {@code POST /api/jobs}: a training job ({@code kind TRAINING}: {@code datasetId}, optional
   * {@code iterations}, {@code degree}, {@code l2}) or an inference job ({@code kind INFERENCE}:
   * {@code modelId}, {@code keySetId}, {@code inputId}, {@code rows}, optional {@code packing},
   * {@code output}). Fields of the other kind are refused.
   */
  public record SubmitJobRequest(JobKind kind, String datasetId, Integer iterations,
      Integer degree, Double l2, String modelId, String keySetId, String inputId, Long rows,
      String packing, String output, String model, Double learningRate) {
    /** A request without the training kind and step (the data set's kind, the default step). */
    public SubmitJobRequest(JobKind kind, String datasetId, Integer iterations, Integer degree,
        Double l2, String modelId, String keySetId, String inputId, Long rows, String packing,
        String output) {
      this(kind, datasetId, iterations, degree, l2, modelId, keySetId, inputId, rows, packing,
          output, null, null);
    }
  }

  /**
   * A job as its owner (or the data owner of a training job, or an operator) sees it.
   *
   * @param parameters the validated request
   * @param result the result's description (format, shapes, parameters digest), once SUCCEEDED
   */
  public record JobView(String id, JobKind kind, String state, String stage, int progress,
      String ownerId, String counterpartyId, JsonNode parameters, long price,
      String resultSha256, Long resultSize, JsonNode result, String error, int attempts,
      int maxAttempts, boolean cancelRequested, String createdAt, String startedAt,
      String finishedAt, String updatedAt) {

    public static JobView of(Job j, ObjectMapper json) {
      // a remote worker's upload is recorded before the job succeeds: not a result until then
      boolean done = j.state() == JobState.SUCCEEDED;
      return new JobView(j.id(), j.kind(), j.state().name(), j.stage(), j.progress(),
          j.ownerId(), j.counterpartyId(), tree(json, j.parameters()), j.price(),
          done ? j.resultSha256() : null, done ? j.resultSize() : null,
          tree(json, j.resultInfo()), j.error(), j.attempts(),
          j.maxAttempts(), j.cancelRequested(), text(j.createdAt()), text(j.startedAt()),
          text(j.finishedAt()), text(j.updatedAt()));
    }
  }

  /** {@code GET /api/jobs}. */
  /** One page of jobs, newest first; {@code nextCursor} null on the last. */
  public record JobList(List<JobView> jobs, String nextCursor) {}

  /** One server-sent event ({@code event: job}) of {@code GET /api/jobs/{id}/events}. */
  public record EventView(String jobId, String state, String stage, int progress, String error,
      String at) {
    static EventView of(JobEvent e) {
      return new EventView(e.jobId(), e.state().name(), e.stage(), e.progress(), e.error(),
          text(e.at()));
    }
  }

  static String text(Instant t) {
    return t == null ? null : t.toString();
  }

  private static JsonNode tree(ObjectMapper json, String s) {
    if (s == null) {
      return null;
    }
    try {
      return json.readTree(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored JSON is unreadable", e);
    }
  }
}
