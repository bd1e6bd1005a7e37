package dev.veil.server.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobInputs;
import dev.veil.server.model.ModelWeights;

/**
 * The inputs of the server's own workers: the job's key set and data set from the catalog, its
 * blobs from the blob store, the weights of a hosted listing from the weights vault (a listing
 * that is not hosted has none here: its jobs are never claimed by these workers, and asking fails
 * the job), results into the blob store.
 */
public final class HostedJobInputs implements JobInputs.Source {
  /** Opens the sealed weights of a hosted listing. */
  @FunctionalInterface
  public interface HostedWeights {
    /**
     * The weights, in the clear, of a hosted model.
     *
     * @throws RuntimeException naming the problem if the model is not hosted
     */
    ModelWeights open(String modelId);
  }

  private final Catalog catalog;
  private final BlobStore blobs;
  private final HostedWeights weights;
  private final ObjectMapper json;

  public HostedJobInputs(Catalog catalog, BlobStore blobs, HostedWeights weights,
      ObjectMapper json) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.weights = Objects.requireNonNull(weights, "weights");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public JobInputs forJob(Job job) {
    return new Inputs(JobManifest.of(job, catalog, json));
  }

  private final class Inputs implements JobInputs {
    private final JobManifest manifest;

    Inputs(JobManifest manifest) {
      this.manifest = manifest;
    }

    @Override
    public Optional<KeySetRef> keySet(String id) {
      return Optional.of(manifest.keySet()).filter(k -> k.id().equals(id));
    }

    @Override
    public Optional<DatasetRef> dataset(String id) {
      return Optional.ofNullable(manifest.dataset()).filter(d -> d.id().equals(id));
    }

    @Override
    public InputStream open(String sha256) throws IOException {
      if (!manifest.blobs().contains(sha256)) {
        throw new JobFailedException("blob " + sha256 + " is not an input of this job");
      }
      return blobs.open(sha256);
    }

    @Override
    public ModelWeights weights(String modelId) {
      if (!modelId.equals(manifest.modelId())) {
        throw new JobFailedException("model " + modelId + " is not this job's");
      }
      return weights.open(modelId);
    }

    @Override
    public BlobRef storeResult(InputStream result, long maxBytes) throws IOException {
      return blobs.put(result, maxBytes, null);
    }
  }
}
