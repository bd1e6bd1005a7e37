package dev.veil.server.keys;

import java.util.Objects;

import dev.veil.api.CreateKeySetRequest;
import dev.veil.server.core.Page;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests.Upload;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import dev.veil.server.keys.KeyApi.KeySetList;

/**
 * Key-set routes: {@code POST /api/keys}, {@code GET /api/keys}, {@code GET/DELETE /api/keys/{id}}
 * (a delete is refused while anything uses the key set) and the streamed uploads {@code PUT
 * /api/keys/{id}/public} and {@code PUT /api/keys/{id}/evaluation} ({@code
 * application/octet-stream}, optional {@code X-Content-SHA256}).
 */
public final class KeyRoutes implements ApiModule {
  private final KeyService keys;
  private final Requests requests;

  public KeyRoutes(KeyService keys, Requests requests) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.post("/api/keys", (ctx, p) ->
        ctx.status(201).json(keys.create(p, requests.json(ctx, CreateKeySetRequest.class))));
    r.get("/api/keys", (ctx, p) -> {
      Page.Slice<KeyApi.KeySetView> page = keys.list(p, Requests.page(ctx));
      ctx.json(new KeySetList(page.items(), page.nextCursor()));
    });
    r.get("/api/keys/{id}", (ctx, p) -> ctx.json(keys.get(p, ctx.pathParam("id"))));
    r.delete("/api/keys/{id}", (ctx, p) -> {
      keys.delete(p, ctx.pathParam("id"));
      ctx.status(204);
    });
    r.put("/api/keys/{id}/public", (ctx, p) -> {
      keys.owned(p, ctx.pathParam("id")); // 404 before reading a byte
      Upload up = requests.upload(ctx);
      ctx.json(keys.uploadPublicKey(p, ctx.pathParam("id"), up.body(), up.expectedSha256()));
    });
    r.put("/api/keys/{id}/evaluation", (ctx, p) -> {
      keys.owned(p, ctx.pathParam("id"));
      Upload up = requests.upload(ctx);
      ctx.json(keys.uploadEvaluationKeys(p, ctx.pathParam("id"), up.body(),
          up.expectedSha256()));
    });
  }
}
