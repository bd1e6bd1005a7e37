package dev.veil.server.dataset;

import java.util.Objects;

import dev.veil.api.UpdateDatasetRequest;
import dev.veil.server.dataset.DatasetApi.CreateDatasetRequest;
import dev.veil.server.dataset.DatasetApi.DatasetList;
import dev.veil.server.core.Page;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests.Upload;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;

/**
 * Data-set routes: {@code POST/GET /api/datasets}, {@code GET/PATCH/DELETE /api/datasets/{id}},
 * {@code PUT /api/datasets/{id}/parts/{index}} (streamed {@code application/octet-stream}, optional
 * {@code X-Content-SHA256}), {@code GET /api/datasets/{id}/parts}, {@code POST
 * /api/datasets/{id}/complete}.
 */
public final class DatasetRoutes implements ApiModule {
  private final DatasetService datasets;
  private final Requests requests;

  public DatasetRoutes(DatasetService datasets, Requests requests) {
    this.datasets = Objects.requireNonNull(datasets, "datasets");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.post("/api/datasets", (ctx, p) ->
        ctx.status(201).json(datasets.create(p, requests.json(ctx, CreateDatasetRequest.class))));
    r.get("/api/datasets", (ctx, p) -> {
      Page.Slice<DatasetApi.DatasetView> page = datasets.list(p, Requests.page(ctx));
      ctx.json(new DatasetList(page.items(), page.nextCursor()));
    });
    r.get("/api/datasets/{id}", (ctx, p) -> ctx.json(datasets.get(p, ctx.pathParam("id"))));
    r.patch("/api/datasets/{id}", (ctx, p) ->
        ctx.json(datasets.update(p, ctx.pathParam("id"), requests.json(ctx,
            UpdateDatasetRequest.class))));
    r.delete("/api/datasets/{id}", (ctx, p) -> {
      datasets.delete(p, ctx.pathParam("id"));
      ctx.status(204);
    });
    r.put("/api/datasets/{id}/parts/{index}", (ctx, p) -> {
      datasets.owned(p, ctx.pathParam("id")); // 404 before reading a byte
      Upload up = requests.upload(ctx);
      ctx.json(datasets.uploadPart(p, ctx.pathParam("id"), ctx.pathParam("index"), up.body(),
          up.expectedSha256()));
    });
    r.get("/api/datasets/{id}/parts", (ctx, p) ->
        ctx.json(datasets.parts(p, ctx.pathParam("id"), ctx.queryParam("cursor"),
            (int) Requests.queryLong(ctx, "limit", DatasetService.DEFAULT_PARTS_PAGE, 1,
                DatasetService.MAX_PARTS_PAGE))));
    r.post("/api/datasets/{id}/complete", (ctx, p) ->
        ctx.json(datasets.complete(p, ctx.pathParam("id"))));
  }
}
