package dev.veil.server.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.veil.server.core.Page;

/** Storage of data sets and their parts. */
public interface DatasetRepository {
  void insert(Dataset d);

  Optional<Dataset> byId(String id);

  /** The user's own data sets and the others' listed READY ones, newest first. */
  List<Dataset> visibleTo(String userId);

  /**
   * The rows of one page of {@link #visibleTo} in the page's order (at most one more than its
   * limit, for {@link Page#of}); by default paged in memory.
   */
  default List<Dataset> visibleTo(String userId, Page page) {
    return page.window(visibleTo(userId), d -> new Page.Position(d.createdAt(), d.id()));
  }

  /**
   * Stores a part, replacing one with the same index, if the data set is still UPLOADING (checked
   * in the same statement).
   *
   * @return false if the data set is not UPLOADING (or no longer exists)
   */
  boolean putPart(DatasetPart part);

  /** The parts uploaded so far, by index. */
  List<DatasetPart> parts(String datasetId);

  /**
   * Marks an UPLOADING data set READY if all its {@code partsExpected} parts are there.
   *
   * @return false if it was not UPLOADING or lacks parts
   */
  boolean complete(String id, Instant at);

  /** Updates the listing fields. */
  void updateListing(String id, String name, String description, long pricePerTraining,
      boolean listed);

  /**
   * Deletes a data set and its parts (their blobs stay in the store until the collection of
   * unreferenced blobs).
   *
   * @return false if it did not exist
   */
  boolean delete(String id);

  /**
   * The ids of the training jobs on a data set that have not ended (queued, running or waiting
   * for their hand-over), oldest first.
   */
  List<String> unendedJobs(String id);
}
