package dev.veil.client;

import static dev.veil.client.Transport.segment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.api.CreateDatasetRequest;
import dev.veil.api.Dataset;
import dev.veil.api.Part;
import dev.veil.api.PartList;
import dev.veil.api.UpdateDatasetRequest;

/**
 * The data-set routes of {@link VeilClient}, and the upload (or resumed upload) of a {@code veil
 * encrypt} directory as a data set's parts.
 */
final class Datasets {
  private final Transport transport;
  private final Uploads uploads;

  Datasets(Transport transport, Uploads uploads) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.uploads = Objects.requireNonNull(uploads, "uploads");
  }

  Dataset create(CreateDatasetRequest request) {
    return transport.post("/api/datasets", request, Dataset.class);
  }

  List<Dataset> list() {
    return Pages.all(transport, "/api/datasets", DatasetList.class, DatasetList::datasets,
        DatasetList::nextCursor);
  }

  Dataset get(String datasetId) {
    return transport.get(path(datasetId), Dataset.class);
  }

  Dataset update(String datasetId, UpdateDatasetRequest request) {
    return transport.patch(path(datasetId), request, Dataset.class);
  }

  void delete(String datasetId) {
    transport.delete(path(datasetId));
  }

  /** Every part (all the pages) and what is missing. */
  PartList listParts(String datasetId) {
    List<PartPage> pages = new ArrayList<>();
    List<Part> parts = Pages.all(transport, path(datasetId) + "/parts",
        PartPage.class, pg -> {
          pages.add(pg);
          return pg.parts();
        }, PartPage::nextCursor);
    PartPage first = pages.get(0);
    return new PartList(parts, first.missing() == null ? List.of() : first.missing(),
        first.missingCount());
  }

  Part uploadPart(String datasetId, int index, Upload body, TransferListener listener,
      long done, long total) throws IOException {
    return uploads.send("PUT", path(datasetId) + "/parts/" + index, body, Part.class, true,
        listener, done, total, Part::sha256);
  }

  Dataset complete(String datasetId) {
    return transport.post(path(datasetId) + "/complete", null, Dataset.class);
  }

  /** A new data set from the directory, every part uploaded, READY. */
  Dataset upload(Path dataDir, String name, String description, String keySetId,
      long pricePerTraining, boolean listed, Integer handoverHours, TransferListener listener)
      throws IOException {
    LocalDirs.DataDir d = LocalDirs.dataDir(dataDir);
    Dataset ds = create(new CreateDatasetRequest(name, description, keySetId, d.meta(),
        pricePerTraining, listed, handoverHours));
    return uploadParts(ds.id(), d, null, listener);
  }

  /** The parts the server is missing uploaded from the directory, then READY. */
  Dataset resume(String datasetId, Path dataDir, TransferListener listener) throws IOException {
    LocalDirs.DataDir d = LocalDirs.dataDir(dataDir);
    PartList parts = listParts(datasetId);
    // more missing than the server lists at once: send them all again (uploads replace parts)
    List<Integer> missing = parts.missingCount() > parts.missing().size() ? null
        : new ArrayList<>(parts.missing());
    return uploadParts(datasetId, d, missing, listener);
  }

  /** Uploads the parts (all, or the listed indices), then completes. */
  private Dataset uploadParts(String datasetId, LocalDirs.DataDir d, List<Integer> indices,
      TransferListener listener) throws IOException {
    List<Integer> todo = new ArrayList<>();
    if (indices == null) {
      for (int i = 0; i < d.parts().size(); i++) {
        todo.add(i);
      }
    } else {
      todo.addAll(indices);
    }
    long total = 0;
    for (int i : todo) {
      if (i < 0 || i >= d.parts().size()) {
        throw new IllegalArgumentException("the server expects part " + i + ", the directory"
            + " holds " + d.parts().size());
      }
      total += Files.size(d.parts().get(i));
    }
    long done = 0;
    for (int i : todo) {
      Upload body = Upload.of(d.parts().get(i));
      uploadPart(datasetId, i, body, listener, done, total);
      done += body.length();
    }
    return complete(datasetId);
  }

  private static String path(String datasetId) {
    return "/api/datasets/" + segment(datasetId);
  }

  private record DatasetList(List<Dataset> datasets, String nextCursor) {}

  /** One page of parts as the server sends it. */
  private record PartPage(List<Part> parts, List<Integer> missing,
      int missingCount, String nextCursor) {}
}
