package dev.veil.server.dataset;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored encrypted data set.
 *
 * @param id {@code ds_...}
 * @param ownerId the data owner
 * @param ownerName the owner's username (shown in listings)
 * @param keySetId the owner's key set the data is encrypted under
 * @param name a label
 * @param description free text
 * @param meta the public description, as stored JSON
 * @param rows training rows
 * @param features feature columns
 * @param partsExpected ciphertext parts
 * @param paramsDigest the parameters' digest
 * @param pricePerTraining price of one training job, in integer minor units
 * @param listed whether others may find it (and, with the jobs, pay to train on it) once READY
 * @param state {@link State}
 * @param createdAt when it was created
 * @param completedAt when its upload completed, or null
 * @param handoverHours hours the owner has to hand a paid training over (then it is refunded)
 */
public record Dataset(String id, String ownerId, String ownerName, String keySetId, String name,
    String description, String meta, long rows, int features, int partsExpected,
    String paramsDigest, long pricePerTraining, boolean listed, State state, Instant createdAt,
    Instant completedAt, int handoverHours) {
  /** Hours a data owner has for a hand-over unless the listing says otherwise. */
  public static final int DEFAULT_HANDOVER_HOURS = 72;

  /** A data set with the default hand-over time. */
  public Dataset(String id, String ownerId, String ownerName, String keySetId, String name,
      String description, String meta, long rows, int features, int partsExpected,
      String paramsDigest, long pricePerTraining, boolean listed, State state, Instant createdAt,
      Instant completedAt) {
    this(id, ownerId, ownerName, keySetId, name, description, meta, rows, features,
        partsExpected, paramsDigest, pricePerTraining, listed, state, createdAt, completedAt,
        DEFAULT_HANDOVER_HOURS);
  }

  /** The life of a data set. */
  public enum State {
    /** Parts are being uploaded; invisible to others. */
    UPLOADING,
    /** Every part is there; a listed one is visible to others. */
    READY
  }

  public Dataset {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(state, "state");
  }

  /** Whether users other than the owner may see it. */
  public boolean visibleToOthers() {
    return listed && state == State.READY;
  }
}
