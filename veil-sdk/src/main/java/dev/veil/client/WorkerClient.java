package dev.veil.client;

import static dev.veil.client.Transport.segment;

import java.io.IOException;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.JobState;
import dev.veil.api.WorkerBeat;
import dev.veil.api.WorkerClaim;
import dev.veil.api.WorkerInfo;
import dev.veil.api.WorkerReport;
import dev.veil.api.WorkerResult;

/**
 * The worker routes ({@code /api/worker/...}) as a remote worker calls them with its worker token
 * ({@link VeilClient#asWorker}): claim a job, report progress (the heartbeat that keeps the lease),
 * download its inputs, upload its result, end it. Every call after the claim carries the claim's
 * attempt; once the claim is lost (its lease expired, the job was re-queued or claimed by another
 * worker) the server answers 409, a {@link VeilApiException} with {@link
 * VeilApiException#status()} 409: drop the run.
 *
 * <p>Only downloads and the result upload (a {@code PUT}) are retried after a connection failure;
 * the other calls are sent once. Immutable and thread-safe.
 */
public final class WorkerClient {
  /** Slack added to a claim's wait for the answer's own time. */
  private static final Duration CLAIM_SLACK = Duration.ofSeconds(15);

  private final Transport transport;
  private final Uploads uploads;
  private final Downloads downloads;

  WorkerClient(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.uploads = new Uploads(transport);
    this.downloads = new Downloads(transport);
  }

  /** {@code GET /api/worker/self}: this worker's registration. */
  public WorkerInfo self() {
    return transport.get("/api/worker/self", WorkerInfo.class);
  }

  /**
   * {@code POST /api/worker/claim}: claims the oldest queued job this worker serves, the server
   * waiting up to {@code wait} (at most 30 seconds) for one.
   *
   * @return the claim, or empty when no job came
   */
  public Optional<WorkerClaim> claim(Duration wait) {
    long seconds = Math.max(0, Math.min(30, wait.toSeconds()));
    String path = "/api/worker/claim?wait=" + seconds;
    HttpResponse<byte[]> r = transport.retrying("POST", path, false, () -> transport.send(
        transport.request(path, Duration.ofSeconds(seconds).plus(CLAIM_SLACK))
            .header("Accept", Transport.JSON).POST(BodyPublishers.noBody()).build(),
        BodyHandlers.ofByteArray()));
    return Optional.ofNullable(transport.read("POST", path, r, WorkerClaim.class));
  }

  /**
   * {@code POST .../progress}: the heartbeat, with progress when {@code stage} is not null;
   * renews the claim's lease.
   *
   * @return whether the job's owner asked it to stop
   */
  public WorkerBeat progress(String jobId, int attempt, String stage, Integer percent) {
    return transport.post(job(jobId) + "/progress", WorkerReport.progress(attempt, stage,
        percent), WorkerBeat.class);
  }

  /**
   * {@code GET .../blobs/{sha256}}: one of the claimed job's inputs, written to {@code target}
   * (a temporary file beside it, moved there once its digest is checked against {@code sha256}).
   *
   * @throws VeilException if the bytes received do not have that digest
   */
  public Download downloadInput(String jobId, int attempt, String sha256, Path target)
      throws IOException {
    Download d = downloads.toFile(job(jobId) + "/blobs/" + segment(sha256) + "?attempt="
        + attempt, target, null);
    if (!d.sha256().equals(sha256)) {
      throw new VeilException("input " + sha256 + " of job " + jobId + ": received bytes with"
          + " SHA-256 " + d.sha256());
    }
    return d;
  }

  /** {@code PUT .../result}: uploads the claimed job's result (its digest checked). */
  public WorkerResult uploadResult(String jobId, int attempt, Upload result,
      TransferListener listener) throws IOException {
    return uploads.send("PUT", job(jobId) + "/result?attempt=" + attempt, result,
        WorkerResult.class, true, listener, 0, result.length(), WorkerResult::sha256);
  }

  /**
   * {@code POST .../complete}: ends the claim with the uploaded result.
   *
   * @return the job's state after: SUCCEEDED, or CANCELLED if its owner cancelled it meanwhile
   */
  public JobState complete(String jobId, int attempt, String sha256, JsonNode info) {
    return end(jobId, "complete", WorkerReport.complete(attempt, sha256, info));
  }

  /** {@code POST .../fail}: ends the claim as FAILED with a reason for the job's owner. */
  public JobState fail(String jobId, int attempt, String reason) {
    return end(jobId, "fail", WorkerReport.end(attempt, reason));
  }

  /** {@code POST .../cancel}: ends a claim whose owner asked it to stop. */
  public JobState cancelled(String jobId, int attempt) {
    return end(jobId, "cancel", WorkerReport.end(attempt, null));
  }

  /** {@code POST .../release}: puts the claimed job back in the queue (the worker is stopping). */
  public void release(String jobId, int attempt) {
    transport.post(job(jobId) + "/release", WorkerReport.end(attempt, null), Void.class);
  }

  private JobState end(String jobId, String action, WorkerReport report) {
    StateView v = transport.post(job(jobId) + "/" + action, report, StateView.class);
    return JobState.valueOf(v.state());
  }

  private static String job(String jobId) {
    return "/api/worker/jobs/" + segment(jobId);
  }

  private record StateView(String id, String state) {}
}
