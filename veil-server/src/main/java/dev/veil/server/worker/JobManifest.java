package dev.veil.server.worker;

import java.util.LinkedHashSet;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobKind;

/**
 * What a job reads, resolved from its stored parameters: its key set, its data set (training),
 * its model (inference) and the digests of the blobs it may open (the key set's parameters,
 * public and evaluation keys; the buyer's encrypted rows or the data set's parts). A worker is
 * given exactly these, and may download nothing else.
 *
 * @param keySet the key set the job computes under
 * @param dataset the data set a training job trains on, or null
 * @param modelId the model an inference job runs, or null
 * @param blobs the digests of every blob the job may open
 */
record JobManifest(KeySetRef keySet, DatasetRef dataset, String modelId, Set<String> blobs) {
  JobManifest {
    blobs = Set.copyOf(blobs);
  }

  static JobManifest of(Job job, Catalog catalog, ObjectMapper json) {
    JsonNode p;
    try {
      p = json.readTree(job.parameters());
    } catch (JsonProcessingException e) {
      throw new JobFailedException("job " + job.id() + ": unreadable parameters");
    }
    String keySetId = p.path("keySetId").asText(null);
    KeySetRef ks = keySetId == null ? null : catalog.keySet(keySetId).orElse(null);
    if (ks == null) {
      throw new JobFailedException("key set " + keySetId + " of job " + job.id() + " is gone");
    }
    Set<String> blobs = new LinkedHashSet<>();
    add(blobs, ks.paramsSha256());
    add(blobs, ks.publicKeySha256());
    add(blobs, ks.evaluationKeysSha256());
    DatasetRef ds = null;
    String modelId = null;
    if (job.kind() == JobKind.TRAINING) {
      String dsId = p.path("datasetId").asText(null);
      ds = dsId == null ? null : catalog.dataset(dsId).orElse(null);
      if (ds == null) {
        throw new JobFailedException("data set " + dsId + " of job " + job.id() + " is gone");
      }
      ds.partSha256s().forEach(sha -> add(blobs, sha));
    } else {
      modelId = p.path("modelId").asText(null);
      add(blobs, p.path("inputSha256").asText(null));
    }
    return new JobManifest(ks, ds, modelId, blobs);
  }

  private static void add(Set<String> blobs, String sha256) {
    if (sha256 != null) {
      blobs.add(sha256);
    }
  }
}
