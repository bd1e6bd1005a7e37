package dev.veil.server.job;

import java.io.IOException;
import java.io.InputStream;

import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.model.ModelWeights;

/**
 * How a {@link JobRunner} reads the inputs of the job it runs and hands back its result, whichever
 * worker runs it: the server's in-process workers read the blob store, the catalog and the
 * weights vault (hosted listings); a remote worker ({@code veil worker}) downloads over HTTP what
 * its claim lists and holds its seller's weights locally. The runners compute the same way on
 * both.
 *
 * <p>As a {@link Catalog} it resolves the job's own key set and data set only (others are
 * absent). {@link #open} serves only the blobs those name and the job's own uploads.
 */
public interface JobInputs extends Catalog {
  /**
   * Opens one of the job's input blobs by its SHA-256 (key-set parameters, public and evaluation
   * keys, the encrypted rows or data-set parts). The caller closes the stream; a stream read to
   * its end has been checked against the digest.
   *
   * @throws JobFailedException if the blob is not one of this job's inputs
   */
  InputStream open(String sha256) throws IOException;

  /**
   * The weights of the model an inference job runs, in memory for this run only (the caller
   * clears the array after use).
   *
   * @throws JobFailedException if this worker does not hold them (a server worker and a listing
   *     that is not hosted, or a remote worker without the model's file)
   */
  ModelWeights weights(String modelId) throws IOException;

  /**
   * Stores the run's result (read to its end, not closed), at most {@code maxBytes}, and returns
   * its digest and size: what the {@link JobOutcome} names.
   */
  BlobRef storeResult(InputStream result, long maxBytes) throws IOException;

  /** Gives a run its inputs (the server's side: one per claimed job). */
  @FunctionalInterface
  interface Source {
    JobInputs forJob(Job job);
  }
}
