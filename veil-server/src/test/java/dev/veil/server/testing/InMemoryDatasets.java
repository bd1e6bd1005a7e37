package dev.veil.server.testing;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import dev.veil.server.dataset.Dataset;
import dev.veil.server.dataset.DatasetPart;
import dev.veil.server.dataset.DatasetRepository;

/** An in-memory data-set repository for service tests. */
public final class InMemoryDatasets implements DatasetRepository {
  private final Map<String, Dataset> byId = new LinkedHashMap<>();
  private final Map<String, TreeMap<Integer, DatasetPart>> parts = new LinkedHashMap<>();

  @Override
  public synchronized void insert(Dataset d) {
    byId.put(d.id(), d);
    parts.put(d.id(), new TreeMap<>());
  }

  @Override
  public synchronized Optional<Dataset> byId(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  @Override
  public synchronized List<Dataset> visibleTo(String userId) {
    return byId.values().stream()
        .filter(d -> d.ownerId().equals(userId) || d.visibleToOthers())
        .sorted(Comparator.comparing(Dataset::createdAt).reversed())
        .toList();
  }

  @Override
  public synchronized boolean putPart(DatasetPart p) {
    Dataset d = byId.get(p.datasetId());
    if (d == null || d.state() != Dataset.State.UPLOADING) {
      return false;
    }
    parts.get(p.datasetId()).put(p.index(), p);
    return true;
  }

  @Override
  public synchronized List<DatasetPart> parts(String datasetId) {
    return List.copyOf(parts.getOrDefault(datasetId, new TreeMap<>()).values());
  }

  @Override
  public synchronized boolean complete(String id, Instant at) {
    Dataset d = byId.get(id);
    if (d.state() != Dataset.State.UPLOADING || parts.get(id).size() != d.partsExpected()) {
      return false;
    }
    byId.put(id, with(d, d.name(), d.description(), d.pricePerTraining(), d.listed(),
        Dataset.State.READY, at));
    return true;
  }

  @Override
  public synchronized void updateListing(String id, String name, String description,
      long price, boolean listed) {
    Dataset d = byId.get(id);
    byId.put(id, with(d, name, description, price, listed, d.state(), d.completedAt()));
  }

  @Override
  public synchronized boolean delete(String id) {
    parts.remove(id);
    return byId.remove(id) != null;
  }

  /** No jobs live here. */
  @Override
  public synchronized List<String> unendedJobs(String id) {
    return List.of();
  }

  private static Dataset with(Dataset d, String name, String description, long price,
      boolean listed, Dataset.State state, Instant completedAt) {
    return new Dataset(d.id(), d.ownerId(), d.ownerName(), d.keySetId(), name, description,
        d.meta(), d.rows(), d.features(), d.partsExpected(), d.paramsDigest(), price, listed,
        state, d.createdAt(), completedAt, d.handoverHours());
  }
}
