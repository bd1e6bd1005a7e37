package dev.veil.api;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A job claimed by a remote worker ({@code POST /api/worker/claim}): what it needs to run it. The
 * worker downloads the blobs named here ({@code GET /api/worker/jobs/{id}/blobs/{sha256}}) and no
 * others, and passes {@link #attempt} with every later call: with the worker's id it fences them
 * (a worker whose lease expired is answered 409).
 *
 * @param jobId the job
 * @param kind training or inference
 * @param parameters the job's validated parameters, as the server's runners read them
 * @param attempt this claim's attempt number
 * @param leaseMillis how long the claim lasts without a heartbeat
 * @param keySet the key set the job computes under
 * @param dataset the data set of a training job, else null
 * @param model the model card of an inference job, else null
 */
public record WorkerClaim(String jobId, JobKind kind, JsonNode parameters, int attempt,
    long leaseMillis, KeySetRef keySet, DatasetRef dataset, ModelCard model) {
  /**
   * The blobs of a key set.
   *
   * @param id the key set
   * @param ownerId its holder
   * @param paramsSha256 the parameters
   * @param publicKeySha256 the public key
   * @param evaluationKeysSha256 the evaluation keys
   */
  public record KeySetRef(String id, String ownerId, String paramsSha256,
      String publicKeySha256, String evaluationKeysSha256) {}

  /**
   * A data set as a training run reads it.
   *
   * @param id the data set
   * @param ownerId the data owner
   * @param keySetId the key set it is encrypted under
   * @param metadata its {@code meta.json} ({@code veil-data/1})
   * @param partSha256s its ciphertexts, in order
   */
  public record DatasetRef(String id, String ownerId, String keySetId, JsonNode metadata,
      List<String> partSha256s) {}

  /**
   * What the worker checks its local model file against.
   *
   * @param id the model
   * @param task logistic or linear
   * @param featureNames its inputs, in order
   */
  public record ModelCard(String id, String task, List<String> featureNames) {}
}
