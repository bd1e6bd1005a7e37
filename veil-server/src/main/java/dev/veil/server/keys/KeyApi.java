package dev.veil.server.keys;

import java.util.List;

/** The JSON bodies of the key routes. */
public final class KeyApi {
  private KeyApi() {}

  /** A stored file: digest and size. */
  public record FileView(String sha256, long size) {}

  /** The evaluation keys of a key set. */
  public record EvaluationKeysView(String sha256, long size, boolean relinearization,
      List<Long> galoisElements) {}

  /**
   * A key set as its owner sees it.
   *
   * @param complete whether the public and evaluation keys are both uploaded (a data set needs it)
   */
  public record KeySetView(String id, String name, FileView params, String paramsDigest,
      int logN, int maxLevel, int slots, boolean insecure, FileView publicKey, String keyId,
      EvaluationKeysView evaluationKeys, boolean complete, String createdAt) {
    static KeySetView of(KeySet k) {
      return new KeySetView(k.id(), k.name(), new FileView(k.paramsSha256(), k.paramsSize()),
          k.paramsDigest(), k.logN(), k.maxLevel(), k.slots(), k.insecure(),
          k.publicKeySha256() == null ? null : new FileView(k.publicKeySha256(),
              k.publicKeySize()), k.keyId(),
          k.evaluationKeysSha256() == null ? null : new EvaluationKeysView(
              k.evaluationKeysSha256(), k.evaluationKeysSize(), k.relinearization(),
              k.galoisElements()), k.complete(), k.createdAt().toString());
    }
  }

  /** {@code GET /api/keys}. */
  /** One page of key sets, oldest first; {@code nextCursor} null on the last. */
  public record KeySetList(List<KeySetView> keySets, String nextCursor) {}
}
