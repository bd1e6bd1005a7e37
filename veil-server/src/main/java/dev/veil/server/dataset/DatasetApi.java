package dev.veil.server.dataset;

import java.util.List;

import dev.veil.api.DataInfo;

/** The JSON bodies of the data-set routes. */
public final class DatasetApi {
  private DatasetApi() {}

  /**
   * {@code POST /api/datasets}.
   *
   * @param name a label
   * @param description free text (optional)
   * @param keySetId the caller's complete key set the data is encrypted under
   * @param meta the data set's {@code meta.json} from {@code veil encrypt}
   * @param pricePerTraining price of one training job in integer minor units (0 for free)
   * @param listed whether others may find it once READY (default false)
   * @param handoverHours hours the owner has to hand a paid training over to its builder's key
   *     before the builder is refunded (default 72)
   */
  public record CreateDatasetRequest(String name, String description, String keySetId,
      DataInfo meta, Long pricePerTraining, Boolean listed, Integer handoverHours) {
    /** A request with the default hand-over time. */
    public CreateDatasetRequest(String name, String description, String keySetId, DataInfo meta,
        Long pricePerTraining, Boolean listed) {
      this(name, description, keySetId, meta, pricePerTraining, listed, null);
    }
  }

  /**
   * A data set as the caller may see it. For users other than the owner: only listed READY data
   * sets, and without key set, scaler, upload progress or sizes.
   *
   * @param owner the owner's username
   * @param owned whether the caller owns it
   * @param keySetId the key set (owner only)
   * @param partsUploaded parts received so far (owner only, in {@code GET /api/datasets/{id}})
   * @param sizeBytes total bytes of the parts received (owner only, likewise)
   */
  public record DatasetView(String id, String name, String description, String owner,
      boolean owned, String keySetId, DataInfo meta, long rows, int features,
      int partsExpected, Integer partsUploaded, Long sizeBytes, long pricePerTraining,
      boolean listed, String state, String createdAt, String completedAt) {}

  /** {@code GET /api/datasets}. */
  /** One page of data sets, newest first; {@code nextCursor} null on the last. */
  public record DatasetList(List<DatasetView> datasets, String nextCursor) {}

  /** An uploaded part. */
  public record PartView(int index, String sha256, long size, String uploadedAt) {
    static PartView of(DatasetPart p) {
      return new PartView(p.index(), p.sha256(), p.size(), p.uploadedAt().toString());
    }
  }

  /**
   * {@code GET /api/datasets/{id}/parts}: the parts received and the first missing indices.
   *
   * @param missing up to 1000 indices not yet uploaded, ascending
   * @param missingCount how many are missing in all
   */
  /**
   * One page of a data set's parts by index, with what is missing of the whole data set;
   * {@code nextCursor} null on the last page.
   */
  public record PartList(List<PartView> parts, List<Integer> missing, int missingCount,
      String nextCursor) {}
}
