package dev.veil.server.job.http;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import dev.veil.server.inference.InferenceJobs;
import dev.veil.server.inference.InferenceRequest;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobEvent;
import dev.veil.server.job.JobEvents;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobService;
import dev.veil.server.job.JobState;
import dev.veil.server.job.ResultDownload;
import dev.veil.server.job.http.JobApi.EventView;
import dev.veil.server.job.http.JobApi.JobList;
import dev.veil.server.job.http.JobApi.JobView;
import dev.veil.server.job.http.JobApi.SubmitJobRequest;
import dev.veil.server.training.TrainingJobs;
import dev.veil.server.training.TrainingRequest;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;

/**
 * Job routes: {@code POST /api/jobs} (training or inference; {@code Idempotency-Key} header),
 * {@code GET /api/jobs}, {@code GET /api/jobs/{id}} (polling), {@code GET /api/jobs/{id}/events}
 * (server-sent events: the current state at once, then every change, until the job ends), {@code
 * POST /api/jobs/{id}/cancel}, {@code GET /api/jobs/{id}/result} (the result blob).
 *
 * <p>Events reach the streams through one sender thread, so that a slow client never holds up a
 * worker.
 */
public final class JobRoutes implements ApiModule, AutoCloseable {
  /** The header that makes a submission idempotent. */
  public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

  private final JobService jobs;
  private final TrainingJobs training;
  private final InferenceJobs inference;
  private final Requests requests;
  private final ObjectMapper json;
  private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "veil-sse");
    t.setDaemon(true);
    return t;
  });

  public JobRoutes(JobService jobs, TrainingJobs training, InferenceJobs inference,
      Requests requests, ObjectMapper json) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.training = Objects.requireNonNull(training, "training");
    this.inference = Objects.requireNonNull(inference, "inference");
    this.requests = Objects.requireNonNull(requests, "requests");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public void register(Routes r) {
    r.post("/api/jobs", (ctx, p) -> {
      SubmitJobRequest req = requests.json(ctx, SubmitJobRequest.class);
      ctx.status(201).json(view(submit(p, req, ctx.header(IDEMPOTENCY_KEY))));
    });
    r.get("/api/jobs", (ctx, p) -> {
      String state = ctx.queryParam("state");
      JobState s = null;
      if (state != null && !state.isBlank()) {
        try {
          s = JobState.valueOf(state.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw ServiceException.badRequest("query parameter 'state' must be one of "
              + java.util.Arrays.toString(JobState.values()));
        }
      }
      Page.Slice<Job> page = jobs.page(p, Requests.queryFlag(ctx, "all"), s,
          Requests.page(ctx));
      ctx.json(new JobList(page.items().stream().map(this::view).toList(),
          page.nextCursor()));
    });
    r.get("/api/jobs/{id}", (ctx, p) -> ctx.json(view(jobs.get(p, ctx.pathParam("id")))));
    r.post("/api/jobs/{id}/cancel", (ctx, p) ->
        ctx.json(view(jobs.cancel(p, ctx.pathParam("id")))));
    r.get("/api/jobs/{id}/result", (ctx, p) -> {
      ResultDownload d = jobs.openResult(p, ctx.pathParam("id"));
      ctx.contentType("application/octet-stream");
      ctx.header("Content-Length", Long.toString(d.size()));
      ctx.header(Requests.SHA256_HEADER, d.sha256());
      ctx.header("Content-Disposition", "attachment; filename=\"" + d.job().id() + ".veil\"");
      ctx.result(d.content());
    });
    r.get("/api/jobs/{id}/events", this::events);
  }

  private Job submit(Principal p, SubmitJobRequest req, String key) {
    if (req.kind() == null) {
      throw ServiceException.badRequest("missing 'kind': TRAINING or INFERENCE");
    }
    if (req.kind() == JobKind.TRAINING) {
      refuse(req.modelId(), "modelId", req.kind());
      refuse(req.inputId(), "inputId", req.kind());
      refuse(req.rows(), "rows", req.kind());
      refuse(req.packing(), "packing", req.kind());
      refuse(req.output(), "output", req.kind());
      return training.submit(p, new TrainingRequest(req.datasetId(), req.model(),
          req.iterations(), req.degree(), req.l2(), req.learningRate(), req.keySetId()), key);
    }
    refuse(req.datasetId(), "datasetId", req.kind());
    refuse(req.iterations(), "iterations", req.kind());
    refuse(req.degree(), "degree", req.kind());
    refuse(req.l2(), "l2", req.kind());
    refuse(req.model(), "model", req.kind());
    refuse(req.learningRate(), "learningRate", req.kind());
    return inference.submit(p, new InferenceRequest(req.modelId(), req.keySetId(),
        req.inputId(), req.rows(), req.packing(), req.output()), key);
  }

  private static void refuse(Object value, String field, JobKind kind) {
    if (value != null) {
      throw ServiceException.badRequest("field '" + field + "' does not belong to a " + kind
          + " job");
    }
  }

  private void events(Context ctx, Principal p) throws Exception {
    String id = ctx.pathParam("id");
    jobs.get(p, id); // 404 as JSON before the stream starts
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      throw new ServiceException(406, "not_acceptable", "this route streams server-sent events:"
          + " send 'Accept: text/event-stream' (as EventSource does), or poll GET /api/jobs/"
          + id);
    }
    new SseHandler(0, client -> {
      client.keepAlive();
      JobEvents.Subscription sub = jobs.subscribe(p, id,
          e -> enqueue(() -> send(client, EventView.of(e), e.state())));
      client.onClose(sub::close);
      Job now = jobs.get(p, id);
      enqueue(() -> send(client, EventView.of(new JobEvent(now.id(), now.state(),
          now.stage(), now.progress(), now.error(), now.updatedAt())), now.state()));
    }).handle(ctx);
  }

  /** Hands a send to the sender thread; dropped once the server is stopping. */
  private void enqueue(Runnable send) {
    try {
      sender.execute(send);
    } catch (RejectedExecutionException e) {
      // the server is stopping: its streams are closing
    }
  }

  private void send(SseClient client, EventView e, JobState state) {
    if (client.terminated()) {
      return;
    }
    try {
      client.sendEvent("job", json.writeValueAsString(e), null);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    if (state.isTerminal()) {
      client.close();
    }
  }

  private JobView view(Job j) {
    return JobView.of(j, json);
  }

  @Override
  public void close() {
    sender.shutdownNow();
  }
}
