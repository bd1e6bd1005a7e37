package dev.veil.server.testing;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.catalog.KeySetRef;

/** Key sets and data sets in memory, for service tests. */
public final class MemoryCatalog implements Catalog {
  private final Map<String, KeySetRef> keySets = new ConcurrentHashMap<>();
  private final Map<String, DatasetRef> datasets = new ConcurrentHashMap<>();

  public KeySetRef add(KeySetRef k) {
    keySets.put(k.id(), k);
    return k;
  }

  public DatasetRef add(DatasetRef d) {
    datasets.put(d.id(), d);
    return d;
  }

  @Override
  public Optional<KeySetRef> keySet(String id) {
    return Optional.ofNullable(keySets.get(id));
  }

  @Override
  public Optional<DatasetRef> dataset(String id) {
    return Optional.ofNullable(datasets.get(id));
  }
}
