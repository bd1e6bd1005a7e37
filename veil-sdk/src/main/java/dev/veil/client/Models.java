package dev.veil.client;

import static dev.veil.client.Transport.segment;

import java.util.List;
import java.util.Objects;

import dev.veil.api.Model;
import dev.veil.api.PublishModelRequest;
import dev.veil.api.UpdateModelRequest;

/** The model routes of {@link VeilClient}: publish, list, get, update. */
final class Models {
  private final Transport transport;

  Models(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
  }

  Model publish(PublishModelRequest request) {
    return transport.post("/api/models", request, Model.class);
  }

  List<Model> list(boolean mine, int limit) {
    return Pages.upTo(transport, "/api/models?mine=" + mine, ModelList.class,
        ModelList::models, ModelList::nextCursor, limit);
  }

  Model get(String modelId) {
    return transport.get("/api/models/" + segment(modelId), Model.class);
  }

  Model update(String modelId, UpdateModelRequest request) {
    return transport.patch("/api/models/" + segment(modelId), request, Model.class);
  }

  private record ModelList(List<Model> models, String nextCursor) {}
}
