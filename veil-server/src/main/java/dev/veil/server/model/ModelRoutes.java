package dev.veil.server.model;

import java.util.List;
import java.util.Objects;

import dev.veil.api.InputSchema;
import dev.veil.api.UpdateModelRequest;
import dev.veil.server.budget.BudgetUsage;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;

/**
 * Model routes: {@code POST /api/models} (publish), {@code GET /api/models} (listed ones and the
 * caller's; {@code ?mine=true} the caller's only), {@code GET /api/models/{id}} (with the caller's
 * use of its budget), {@code PATCH /api/models/{id}} (the seller changes or unlists it; a widened
 * budget answers 201 with the new version and its {@code Location}). No route returns weights; a
 * listing that is not hosted never received any.
 */
public final class ModelRoutes implements ApiModule {
  /**
   * A model as the API shows it.
   *
   * @param usage what the caller has used of the per-buyer budget ({@code GET /api/models/{id}}
   *     only)
   * @param totalUsage what all buyers together have used ({@code GET /api/models/{id}} only)
   */
  public record ModelView(String id, String sellerId, String name, String description,
      String task, int features, InputSchema inputSchema, long pricePerPrediction,
      long maxQueriesPerBuyer, long maxRowsPerBuyer, boolean listed, String createdAt,
      String updatedAt, BudgetUsage usage, long maxRowsTotal, long floodingRows, int version,
      String previousVersionId, String supersededBy, BudgetUsage totalUsage, boolean hosted) {
    static ModelView of(ModelListing l, BudgetUsage usage, BudgetUsage totalUsage) {
      return new ModelView(l.id(), l.sellerId(), l.name(), l.description(), l.task(),
          l.features(), l.inputSchema(), l.pricePerPrediction(), l.maxQueriesPerBuyer(),
          l.maxRowsPerBuyer(), l.listed(), l.createdAt().toString(), l.updatedAt().toString(),
          usage, l.maxRowsTotal(), l.floodingRows(), l.version(), l.previousVersionId(),
          l.supersededBy(), totalUsage, l.hosted());
    }

    static ModelView of(ModelListing l) {
      return of(l, null, null);
    }
  }

  /** {@code GET /api/models}. */
  /** One page of models, newest first; {@code nextCursor} null on the last. */
  public record ModelList(List<ModelView> models, String nextCursor) {}

  private final ModelService models;
  private final Requests requests;

  public ModelRoutes(ModelService models, Requests requests) {
    this.models = Objects.requireNonNull(models, "models");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.post("/api/models", (ctx, p) -> ctx.status(201).json(ModelView.of(models.publish(p,
        requests.json(ctx, PublishModelRequest.class)))));
    r.get("/api/models", (ctx, p) -> {
      Page.Slice<ModelListing> page = models.page(p, Requests.queryFlag(ctx, "mine"),
          Requests.page(ctx));
      ctx.json(new ModelList(page.items().stream().map(ModelView::of).toList(),
          page.nextCursor()));
    });
    r.get("/api/models/{id}", (ctx, p) -> ctx.json(withUsage(p, models.get(p,
        ctx.pathParam("id")))));
    r.patch("/api/models/{id}", (ctx, p) -> {
      String id = ctx.pathParam("id");
      ModelListing l = models.update(p, id, requests.json(ctx, UpdateModelRequest.class));
      if (!l.id().equals(id)) {
        ctx.status(201).header("Location", "/api/models/" + l.id());
      }
      ctx.json(withUsage(p, l));
    });
  }

  private ModelView withUsage(Principal p, ModelListing l) {
    return ModelView.of(l, models.usage(p, l.id()), models.totalUsage(p, l.id()));
  }
}
