package dev.veil.server.catalog;

import java.util.Optional;

/**
 * Read-only access to the key sets and data sets users uploaded, for the job services and
 * runners. Implemented over the key-set and data-set repositories where the application is
 * wired; tests use an in-memory one. Key sets and data sets are never hard-deleted, so an id a
 * job holds keeps resolving.
 */
public interface Catalog {
  Optional<KeySetRef> keySet(String id);

  Optional<DatasetRef> dataset(String id);
}
