package dev.veil.server.worker;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.veil.api.RegisterWorkerRequest;
import dev.veil.api.WorkerClaim;
import dev.veil.api.WorkerReport;
import dev.veil.server.core.Page;
import dev.veil.server.core.ServiceException;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import dev.veil.server.job.Job;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Worker routes. With a user's token: {@code POST /api/workers} (register a worker, get its
 * token), {@code GET /api/workers}, {@code DELETE /api/workers/{id}} (revoke). With a worker's
 * token ({@code /api/worker/...}): {@code GET /api/worker/self}, {@code POST /api/worker/claim}
 * ({@code ?wait=SECONDS}, up to 30: 200 with the claim, or 204 when no job came), and for a
 * claimed job {@code POST .../progress} (heartbeat), {@code GET .../blobs/{sha256}?attempt=N} (an
 * input), {@code PUT .../result?attempt=N} (the result, octet-stream, with {@code
 * X-Content-SHA256}), {@code POST .../complete}, {@code .../fail}, {@code .../cancel}, {@code
 * .../release}: every one fenced by the claim's attempt (409 once the claim is lost).
 */
public final class WorkerRoutes implements ApiModule {
  private static final String JOB = "/api/worker/jobs/{id}";

  /** A worker as the API shows it (the wire form of {@code dev.veil.api.WorkerInfo}). */
  public record WorkerView(String id, String ownerId, String name, List<String> models,
      boolean training, String createdAt, String lastSeenAt, String revokedAt) {
    static WorkerView of(Worker w) {
      return new WorkerView(w.id(), w.ownerId(), w.name(), w.models(), w.training(),
          text(w.createdAt()), text(w.lastSeenAt()), text(w.revokedAt()));
    }

    private static String text(Instant t) {
      return t == null ? null : t.toString();
    }
  }

  /** {@code POST /api/workers}: the token, shown once. */
  public record NewWorkerView(String token, WorkerView worker) {
    @Override
    public String toString() {
      return "NewWorkerView[" + worker.id() + "]";
    }
  }

  /** {@code GET /api/workers}. */
  /** One page of workers, newest first; {@code nextCursor} null on the last. */
  public record WorkerList(List<WorkerView> workers, String nextCursor) {}

  private final WorkerService workers;
  private final Requests requests;

  public WorkerRoutes(WorkerService workers, Requests requests) {
    this.workers = Objects.requireNonNull(workers, "workers");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.post("/api/workers", (ctx, p) -> {
      WorkerService.Registered w = workers.register(p, requests.json(ctx,
          RegisterWorkerRequest.class));
      ctx.status(201).json(new NewWorkerView(w.token(), WorkerView.of(w.worker())));
    });
    r.get("/api/workers", (ctx, p) -> {
      Page.Slice<Worker> page = Requests.page(ctx).descending().ofAll(workers.list(p),
          w -> new Page.Position(w.createdAt(), w.id()));
      ctx.json(new WorkerList(page.items().stream().map(WorkerView::of).toList(),
          page.nextCursor()));
    });
    r.delete("/api/workers/{id}", (ctx, p) -> {
      workers.revoke(p, ctx.pathParam("id"));
      ctx.status(204);
    });

    r.withToken(HandlerType.GET, "/api/worker/self", workers::authenticate,
        (ctx, w) -> ctx.json(WorkerView.of(workers.self(w))));
    r.withToken(HandlerType.POST, "/api/worker/claim", workers::authenticate, (ctx, w) -> {
      long wait = Requests.queryLong(ctx, "wait", 0, 0, WorkerService.MAX_WAIT.toSeconds());
      Optional<WorkerClaim> c = workers.claim(w, Duration.ofSeconds(wait));
      if (c.isPresent()) {
        ctx.json(c.get());
      } else {
        ctx.status(204);
      }
    });
    r.withToken(HandlerType.POST, JOB + "/progress", workers::authenticate, (ctx, w) ->
        ctx.json(workers.progress(w, jobId(ctx), report(ctx, w))));
    r.withToken(HandlerType.GET, JOB + "/blobs/{sha256}", workers::authenticate, (ctx, w) -> {
      String id = jobId(ctx);
      WorkerService.BlobDownload d = workers.blob(w, id, attempt(ctx, w, id),
          ctx.pathParam("sha256"));
      ctx.contentType("application/octet-stream");
      ctx.header(Requests.SHA256_HEADER, d.sha256());
      ctx.result(d.content());
    });
    r.withToken(HandlerType.PUT, JOB + "/result", workers::authenticate, (ctx, w) -> {
      String id = jobId(ctx);
      int attempt = attempt(ctx, w, id);
      Requests.Upload u = requests.upload(ctx);
      ctx.json(workers.upload(w, id, attempt, u.body(), u.expectedSha256()));
    });
    r.withToken(HandlerType.POST, JOB + "/complete", workers::authenticate, (ctx, w) ->
        state(ctx, workers.complete(w, jobId(ctx), report(ctx, w))));
    r.withToken(HandlerType.POST, JOB + "/fail", workers::authenticate, (ctx, w) ->
        state(ctx, workers.fail(w, jobId(ctx), report(ctx, w))));
    r.withToken(HandlerType.POST, JOB + "/cancel", workers::authenticate, (ctx, w) ->
        state(ctx, workers.cancelled(w, jobId(ctx), report(ctx, w))));
    r.withToken(HandlerType.POST, JOB + "/release", workers::authenticate, (ctx, w) -> {
      workers.release(w, jobId(ctx), report(ctx, w));
      ctx.status(204);
    });
  }

  /**
   * The path's job id. Every {@link WorkerService} method a job route calls first checks that the
   * worker serves the job (404 otherwise, before the job is read any further or a body stored), so
   * the route does not check it a second time; what a route parses before (the attempt, the
   * report's JSON) does not depend on the job, so its 400 tells nothing about the job either.
   */
  private static String jobId(Context ctx) {
    return ctx.pathParam("id");
  }

  /**
   * The report in the body. A malformed one is refused with 400 only after the job's visibility
   * is checked (as for {@link #attempt}), so that another's job answers 404 whatever the body.
   */
  private WorkerReport report(Context ctx, WorkerService.Authed w) throws IOException {
    try {
      WorkerReport r = requests.json(ctx, WorkerReport.class);
      if (r == null) {
        throw ServiceException.badRequest("a body {attempt, ...} is required");
      }
      return r;
    } catch (ServiceException e) {
      workers.visible(w, jobId(ctx));
      throw e;
    }
  }

  /**
   * The claim's attempt of {@code ?attempt=N}. A request without a valid one is refused with 400
   * only after the job's visibility is checked, so that a job the worker may not see answers 404
   * whatever the query (on the usual path the service checks visibility itself, once).
   */
  private int attempt(Context ctx, WorkerService.Authed w, String jobId) {
    try {
      if (ctx.queryParam("attempt") == null) {
        throw ServiceException.badRequest("the claim's attempt is required: ?attempt=N");
      }
      return (int) Requests.queryLong(ctx, "attempt", 1, 1, Integer.MAX_VALUE);
    } catch (ServiceException e) {
      workers.visible(w, jobId);
      throw e;
    }
  }

  private static void state(Context ctx, Job j) {
    ctx.json(Map.of("id", j.id(), "state", j.state().name()));
  }
}
