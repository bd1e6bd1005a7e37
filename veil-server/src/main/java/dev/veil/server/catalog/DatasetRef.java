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
 */
public record DatasetRef(String id, String ownerId, String keySetId, boolean listed,
    boolean ready, long trainingPrice, String metadataJson, List<String> partSha256s) {
  public DatasetRef {
    partSha256s = List.copyOf(partSha256s);
  }
}
