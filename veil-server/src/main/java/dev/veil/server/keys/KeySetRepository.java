package dev.veil.server.keys;

import java.util.List;
import java.util.Optional;

import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.core.Page;

/** Storage of key sets. */
public interface KeySetRepository {
  void insert(KeySet keySet);

  Optional<KeySet> byId(String id);

  /** A user's key sets, oldest first. */
  List<KeySet> byOwner(String ownerId);

  /**
   * The rows of one page of a user's key sets (at most one more than its limit, for {@link
   * Page#of}); by default {@link #byOwner} paged in memory.
   */
  default List<KeySet> byOwner(String ownerId, Page page) {
    return page.window(byOwner(ownerId), k -> new Page.Position(k.createdAt(), k.id()));
  }

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

  /**
   * What uses a key set, each as a phrase naming the objects ("data set ds_...", "queued,
   * running or hand-over job job_..."): data sets made under it, inputs checked against it,
   * jobs not ended that compute under it and hand-overs waiting to deliver to it. Empty when
   * nothing does.
   */
  List<String> uses(KeySet keySet);

  /**
   * Deletes a key set that no data set or input uses (checked in the same statement).
   *
   * @return false if it was gone or is used
   */
  boolean delete(KeySet keySet);
}
