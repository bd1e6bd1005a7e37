package dev.veil.server.catalog;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.veil.server.dataset.Dataset;
import dev.veil.server.dataset.DatasetPart;
import dev.veil.server.dataset.DatasetRepository;
import dev.veil.server.keys.KeySetRepository;

/** The {@link Catalog} over the key-set and data-set repositories. */
public final class RepositoryCatalog implements Catalog {
  private final KeySetRepository keySets;
  private final DatasetRepository datasets;

  public RepositoryCatalog(KeySetRepository keySets, DatasetRepository datasets) {
    this.keySets = Objects.requireNonNull(keySets, "keySets");
    this.datasets = Objects.requireNonNull(datasets, "datasets");
  }

  @Override
  public Optional<KeySetRef> keySet(String id) {
    return keySets.byId(id).map(k -> new KeySetRef(k.id(), k.ownerId(), k.paramsSha256(),
        k.publicKeySha256(), k.evaluationKeysSha256()));
  }

  @Override
  public Optional<DatasetRef> dataset(String id) {
    return datasets.byId(id).map(d -> {
      List<String> parts = datasets.parts(d.id()).stream()
          .sorted(Comparator.comparingInt(DatasetPart::index))
          .map(DatasetPart::sha256)
          .toList();
      return new DatasetRef(d.id(), d.ownerId(), d.keySetId(), d.listed(),
          d.state() == Dataset.State.READY, d.pricePerTraining(), d.meta(), parts,
          d.handoverHours());
    });
  }
}
