package dev.veil.server.handover;

import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.core.Page;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import dev.veil.server.job.http.JobApi;

/**
 * {@code /api/handovers}: the data owner's pending hand-overs ({@code GET /api/handovers}, {@code
 * GET /api/handovers/{id}}), the masked model ({@code .../masked}), the builder's public key and
 * parameters ({@code .../public-key}, {@code .../params}) and the upload of the switch ({@code
 * POST /api/handovers/{id}}, octet-stream). Only the data set's owner: anyone else gets 404.
 */
public final class HandoverRoutes implements ApiModule {
  /** The list's wire form. */
  /** One page of pending hand-overs, oldest first; {@code nextCursor} null on the last. */
  public record HandoverList(List<HandoverService.View> handovers, String nextCursor) {}

  private final HandoverService handovers;
  private final Requests requests;
  private final ObjectMapper json;

  public HandoverRoutes(HandoverService handovers, Requests requests, ObjectMapper json) {
    this.handovers = Objects.requireNonNull(handovers, "handovers");
    this.requests = Objects.requireNonNull(requests, "requests");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public void register(Routes r) {
    r.get("/api/handovers", (ctx, p) -> {
      Page.Slice<HandoverService.View> page = handovers.list(p, Requests.page(ctx));
      ctx.json(new HandoverList(page.items(), page.nextCursor()));
    });
    r.get("/api/handovers/{id}", (ctx, p) -> ctx.json(handovers.get(p, ctx.pathParam("id"))));
    r.get("/api/handovers/{id}/masked", (ctx, p) -> {
      ctx.contentType("application/octet-stream");
      ctx.result(handovers.masked(p, ctx.pathParam("id")));
    });
    r.get("/api/handovers/{id}/public-key", (ctx, p) -> {
      ctx.contentType("application/octet-stream");
      ctx.result(handovers.builderPublicKey(p, ctx.pathParam("id")));
    });
    r.get("/api/handovers/{id}/params", (ctx, p) -> {
      ctx.contentType("application/octet-stream");
      ctx.result(handovers.builderParameters(p, ctx.pathParam("id")));
    });
    r.post("/api/handovers/{id}", (ctx, p) -> {
      String id = ctx.pathParam("id");
      handovers.get(p, id); // 404 before reading a byte
      ctx.json(JobApi.JobView.of(handovers.deliver(p, id, requests.upload(ctx).body()), json));
    });
  }
}
