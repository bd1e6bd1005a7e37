package dev.veil.client;

import static dev.veil.client.Transport.segment;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.veil.api.Job;
import dev.veil.api.JobState;
import dev.veil.api.SubmitJobRequest;

/** The job routes of {@link VeilClient}: submit, list, get, cancel, download the result. */
final class Jobs {
  private final Transport transport;
  private final Downloads downloads;

  Jobs(Transport transport, Downloads downloads) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.downloads = Objects.requireNonNull(downloads, "downloads");
  }

  Job submit(SubmitJobRequest request, String idempotencyKey) {
    return transport.postIdempotent("/api/jobs", request, Job.class, idempotencyKey);
  }

  List<Job> list(JobState state, boolean all, int limit) {
    String q = "?all=" + all + (state == null ? "" : "&state=" + state);
    return Pages.upTo(transport, "/api/jobs" + q, JobList.class, JobList::jobs,
        JobList::nextCursor, limit);
  }

  Job get(String jobId) {
    return transport.get(path(jobId), Job.class);
  }

  /** Retried: cancelling twice is cancelling once. */
  Job cancel(String jobId) {
    return transport.call("POST", path(jobId) + "/cancel", null, Job.class, true, Map.of());
  }

  Download downloadResult(String jobId, Path target, TransferListener listener)
      throws IOException {
    return downloads.toFile(path(jobId) + "/result", target, listener);
  }

  private static String path(String jobId) {
    return "/api/jobs/" + segment(jobId);
  }

  private record JobList(List<Job> jobs, String nextCursor) {}
}
