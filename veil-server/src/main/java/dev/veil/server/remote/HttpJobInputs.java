package dev.veil.server.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.ModelFile;
import dev.veil.api.WorkerClaim;
import dev.veil.client.Upload;
import dev.veil.client.WorkerClient;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobInputs;
import dev.veil.server.model.ModelWeights;

/**
 * The inputs of a job claimed by a remote worker: the key set and data set its claim describes,
 * the blobs the claim names downloaded over HTTP into the run's scratch directory (their digests
 * checked), the weights from the seller's local model file (checked against the listing's model
 * card), and the result uploaded under the claim.
 */
final class HttpJobInputs implements JobInputs {
  private final WorkerClaim claim;
  private final WorkerClient client;
  private final Path dir;
  private final Map<String, ModelFile> models;
  private final ObjectMapper json;
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

  private final Set<String> blobs = new LinkedHashSet<>();

  /**
   * @param dir where downloads and the result are kept (the run's scratch directory)
   * @param models the model files this worker holds, by model id
   */
  HttpJobInputs(WorkerClaim claim, WorkerClient client, Path dir, Map<String, ModelFile> models,
      ObjectMapper json) {
    this.claim = Objects.requireNonNull(claim, "claim");
    this.client = Objects.requireNonNull(client, "client");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.models = Map.copyOf(models);
    this.json = Objects.requireNonNull(json, "json");
    WorkerClaim.KeySetRef ks = claim.keySet();
    add(ks.paramsSha256());
    add(ks.publicKeySha256());
    add(ks.evaluationKeysSha256());
    if (claim.dataset() != null) {
      claim.dataset().partSha256s().forEach(this::add);
    }
    add(claim.parameters().path("inputSha256").asText(null));
  }

  private void add(String sha256) {
    if (sha256 != null) {
      if (!HEX64.matcher(sha256).matches()) {
        throw new JobFailedException("the claim names an input that is not a SHA-256: '"
            + sha256 + "'");
      }
      blobs.add(sha256);
    }
  }

  @Override
  public Optional<KeySetRef> keySet(String id) {
    WorkerClaim.KeySetRef k = claim.keySet();
    return Optional.of(new KeySetRef(k.id(), k.ownerId(), k.paramsSha256(),
        k.publicKeySha256(), k.evaluationKeysSha256())).filter(r -> r.id().equals(id));
  }

  @Override
  public Optional<DatasetRef> dataset(String id) {
    WorkerClaim.DatasetRef d = claim.dataset();
    if (d == null || !d.id().equals(id)) {
      return Optional.empty();
    }
    String meta;
    try {
      meta = json.writeValueAsString(d.metadata());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    // a claimed data set is ready; its price and listing are not the worker's business
    return Optional.of(new DatasetRef(d.id(), d.ownerId(), d.keySetId(), false, true, 0, meta,
        d.partSha256s()));
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    if (!blobs.contains(sha256)) {
      throw new JobFailedException("blob " + sha256 + " is not an input of this job");
    }
    Path file = dir.resolve("input-" + sha256);
    if (!Files.exists(file)) {
      client.downloadInput(claim.jobId(), claim.attempt(), sha256, file);
    }
    return Files.newInputStream(file);
  }

  @Override
  public ModelWeights weights(String modelId) {
    WorkerClaim.ModelCard card = claim.model();
    ModelFile f = models.get(modelId);
    if (card == null || !card.id().equals(modelId) || f == null) {
      throw new JobFailedException("this worker holds no model file for " + modelId);
    }
    if (!card.task().equals(f.model()) || !List.copyOf(card.featureNames())
        .equals(f.featureNames())) {
      throw new JobFailedException("the worker's model file for " + modelId + " does not match"
          + " the listing (task " + f.model() + " on " + f.featureNames().size() + " features;"
          + " the listing: " + card.task() + " on " + card.featureNames().size() + ")");
    }
    return new ModelWeights(f.model(), f.weights().clone());
  }

  @Override
  public BlobRef storeResult(InputStream result, long maxBytes) throws IOException {
    Path file = Files.createTempFile(dir, "result-", ".ct");
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    long size = 0;
    try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), md)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = result.read(buf)) >= 0; ) {
        size += n;
        if (size > maxBytes) {
          throw new JobFailedException("the result is over " + maxBytes + " bytes");
        }
        out.write(buf, 0, n);
      }
    }
    String sha = HexFormat.of().formatHex(md.digest());
    var stored = client.uploadResult(claim.jobId(), claim.attempt(),
        Upload.of(file).withSha256(sha), null);
    return new BlobRef(stored.sha256(), stored.size());
  }
}
