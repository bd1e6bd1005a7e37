package dev.veil.server.testing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.keys.KeySet;
import dev.veil.server.keys.KeySetRepository;

/** An in-memory key-set repository for service tests. */
public final class InMemoryKeySets implements KeySetRepository {
  private final Map<String, KeySet> byId = new LinkedHashMap<>();

  @Override
  public synchronized void insert(KeySet k) {
    byId.put(k.id(), k);
  }

  @Override
  public synchronized Optional<KeySet> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized List<KeySet> byOwner(String ownerId) {
    return byId.values().stream().filter(k -> k.ownerId().equals(ownerId)).toList();
  }

  @Override
  public synchronized boolean setPublicKey(String id, BlobRef blob, String keyId) {
    KeySet k = byId.get(id);
    if (k.publicKeySha256() != null) {
      return false;
    }
    byId.put(id, new KeySet(k.id(), k.ownerId(), k.name(), k.paramsSha256(), k.paramsSize(),
        k.paramsDigest(), k.logN(), k.maxLevel(), k.slots(), k.insecure(), blob.sha256(),
        blob.size(), keyId, k.evaluationKeysSha256(), k.evaluationKeysSize(),
        k.relinearization(), k.galoisElements(), k.createdAt()));
    return true;
  }

  @Override
  public synchronized boolean setEvaluationKeys(String id, BlobRef blob, boolean relin,
      List<Long> galois) {
    KeySet k = byId.get(id);
    if (k.evaluationKeysSha256() != null) {
      return false;
    }
    byId.put(id, new KeySet(k.id(), k.ownerId(), k.name(), k.paramsSha256(), k.paramsSize(),
        k.paramsDigest(), k.logN(), k.maxLevel(), k.slots(), k.insecure(), k.publicKeySha256(),
        k.publicKeySize(), k.keyId(), blob.sha256(), blob.size(), relin, galois,
        k.createdAt()));
    return true;
  }

  /** Nothing else lives here: no data set, input or job uses a key set. */
  @Override
  public synchronized List<String> uses(KeySet k) {
    return List.of();
  }

  @Override
  public synchronized boolean delete(KeySet k) {
    return byId.remove(k.id()) != null;
  }
}
