package dev.veil.server.keys;

import java.util.List;
import java.util.Optional;

import dev.veil.server.blob.BlobStore.BlobRef;

/** Storage of key sets. */
public interface KeySetRepository {
  void insert(KeySet keySet);

  Optional<KeySet> byId(String id);

  /** A user's key sets, oldest first. */
  List<KeySet> byOwner(String ownerId);

  /**
   * Records the public key of a key set that has none yet.
   *
   * @return false if it already had one (a concurrent upload)
   */
  boolean setPublicKey(String id, BlobRef blob, String keyId);

  /**
   * Records the evaluation keys of a key set that has none yet.
   *
   * @return false if it already had some
   */
  boolean setEvaluationKeys(String id, BlobRef blob, boolean relinearization,
      List<Long> galoisElements);
}
