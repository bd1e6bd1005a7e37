package dev.veil.server.catalog;

import java.util.List;

/**
 * An uploaded encrypted data set as a training job needs it.
 *
 * @param id the data set's id
 * @param ownerId the data owner
 * @param keySetId the owner's key set the data is encrypted under
 * @param listed whether others may buy training on it (once ready)
 * @param ready whether every ciphertext is uploaded
 * @param trainingPrice minor units a buyer pays per training job
 * @param metadataJson its public metadata, the {@code meta.json} of {@code veil encrypt} (format
 *     {@code veil-data/1}: shape, feature names, scaling, planned iterations and degree,
 *     parameters digest, key id)
 * @param partSha256s the ciphertext blobs ({@code z-00000.ct}, ...), in order
 * @param handoverHours hours the owner has to hand a paid training over to its builder's key
 */
public record DatasetRef(String id, String ownerId, String keySetId, boolean listed,
    boolean ready, long trainingPrice, String metadataJson, List<String> partSha256s,
    int handoverHours) {
  /** A data set with the default hand-over time (72 hours). */
  public DatasetRef(String id, String ownerId, String keySetId, boolean listed, boolean ready,
      long trainingPrice, String metadataJson, List<String> partSha256s) {
    this(id, ownerId, keySetId, listed, ready, trainingPrice, metadataJson, partSha256s, 72);
  }

  public DatasetRef {
    partSha256s = List.copyOf(partSha256s);
  }
}
