package dev.veil.server.inference;

import java.util.Objects;

import dev.veil.server.http.ApiModule;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Requests.Upload;
import dev.veil.server.http.Routes;

/**
 * {@code POST /api/inputs}: a streamed {@code application/octet-stream} upload of encrypted rows
 * for inference (optional {@code X-Content-SHA256}); answers 201 with the input's id, digest and
 * size.
 */
public final class InputRoutes implements ApiModule {
  /** The input as its owner sees it. */
  public record InputView(String id, String sha256, long size, String createdAt) {}

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
      ctx.status(201).json(new InputView(in.id(), in.sha256(), in.size(),
          in.createdAt().toString()));
    });
  }
}
