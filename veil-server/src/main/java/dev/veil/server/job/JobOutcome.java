package dev.veil.server.job;

import java.util.Objects;

import dev.veil.server.blob.BlobStore.BlobRef;

/**
 * What a successful run produced: the result blob (already stored) and its public description
 * as JSON (format, shapes, parameters digest: what the entitled party needs to read it).
 */
public record JobOutcome(BlobRef result, String info) {
  public JobOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(info, "info");
  }
}
