package dev.veil.server.inference;

import java.util.List;
import java.util.Objects;

import dev.veil.server.core.Page;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Requests.Upload;
import dev.veil.server.http.Routes;

/**
 * {@code POST /api/inputs}: a streamed {@code application/octet-stream} upload of encrypted rows
 * for inference (optional {@code X-Content-SHA256}); answers 201 with the input's id, digest and
 * size. {@code GET /api/inputs} lists the caller's inputs (cursor pages), {@code DELETE
 * /api/inputs/{id}} deletes one no queued or running job reads.
 */
public final class InputRoutes implements ApiModule {
  /** The input as its owner sees it. */
  public record InputView(String id, String sha256, long size, String createdAt) {
    static InputView of(JobInput in) {
      return new InputView(in.id(), in.sha256(), in.size(), in.createdAt().toString());
    }
  }

  /** One page of the caller's inputs, oldest first; {@code nextCursor} null on the last. */
  public record InputList(List<InputView> inputs, String nextCursor) {}

  private final InferenceInputs inputs;
  private final Requests requests;

  public InputRoutes(InferenceInputs inputs, Requests requests) {
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.requests = Objects.requireNonNull(requests, "requests");
  }

  @Override
  public void register(Routes r) {
    r.post("/api/inputs", (ctx, p) -> {
      Upload up = requests.upload(ctx);
      JobInput in = inputs.upload(p, up.body(), up.expectedSha256());
      ctx.status(201).json(InputView.of(in));
    });
    r.get("/api/inputs", (ctx, p) -> {
      Page.Slice<JobInput> page = inputs.list(p, Requests.page(ctx));
      ctx.json(new InputList(page.items().stream().map(InputView::of).toList(),
          page.nextCursor()));
    });
    r.delete("/api/inputs/{id}", (ctx, p) -> {
      inputs.delete(p, ctx.pathParam("id"));
      ctx.status(204);
    });
  }
}
