package dev.veil.server.training;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DataInfo;
import dev.veil.api.TrainingSchedule;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.train.ModelTraining;
import dev.veil.ml.train.TrainingKind;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;

/**
 * Resolves what a training run needs from its parameters, with every check that can be made
 * before the homomorphic work: the data set and its metadata, the data owner's key set, the
 * parameters (their digest against the metadata), the plan (levels for the iterations and
 * degree) and the number of ciphertexts. Used at submission (so that an impossible job is refused
 * before it is charged) and again by the runner.
 */
final class TrainingSetup {
  /** Everything resolved. */
  record Resolved(DatasetRef dataset, KeySetRef keySet, DataInfo meta, Parameters params,
      ModelTraining.Setup setup) {}

  private TrainingSetup() {}

  static DatasetRef dataset(Catalog catalog, String id) {
    if (id == null) {
      throw ServiceException.badRequest("missing 'datasetId'");
    }
    return catalog.dataset(id).orElseThrow(() -> ServiceException.notFound("data set", id));
  }

  static void requireReady(DatasetRef ds) {
    if (!ds.ready()) {
      throw ServiceException.conflict("data set " + ds.id() + " is still uploading: upload every"
          + " part and complete it first");
    }
  }

  static DataInfo metadata(ObjectMapper json, DatasetRef ds) {
    DataInfo meta;
    try {
      meta = json.readValue(ds.metadataJson(), DataInfo.class);
    } catch (JsonProcessingException e) {
      throw ServiceException.conflict("data set " + ds.id() + ": unreadable metadata");
    }
    if (!DataInfo.FORMAT.equals(meta.format())) {
      throw ServiceException.conflict("data set " + ds.id() + " is not an encrypted training"
          + " table from veil encrypt (format " + meta.format() + ")");
    }
    try {
      TrainingKind.of(meta.model());
    } catch (IllegalArgumentException e) {
      throw ServiceException.conflict("data set " + ds.id() + ": " + e.getMessage());
    }
    if (meta.rows() == null || meta.rows() < 1 || meta.features() == null
        || meta.features() < 1) {
      throw ServiceException.conflict("data set " + ds.id() + ": empty shape in its metadata");
    }
    return meta;
  }

  /** The data set's kind and its label classes (ovr). */
  static TrainingKind kind(DataInfo meta) {
    return TrainingKind.of(meta.model());
  }

  static int classes(DataInfo meta) {
    return meta.label() == null || meta.label().classes() == null ? 1
        : meta.label().classes().size();
  }

  /**
   * @param catalog where the key set is found (the server's, or the job's inputs on a worker)
   * @param blobs where the parameters are read on a miss of the key cache
   */
  static Resolved resolve(Catalog catalog, KeyCache.Blobs blobs, KeyCache keys,
      ObjectMapper json, DatasetRef ds, int iterations, int degree, double l2,
      double learningRate) {
    requireReady(ds);
    DataInfo meta = metadata(json, ds);
    KeySetRef ks = catalog.keySet(ds.keySetId()).orElseThrow(() -> ServiceException.conflict(
        "data set " + ds.id() + ": its key set " + ds.keySetId() + " is missing"));
    if (!ks.ownerId().equals(ds.ownerId())) {
      throw ServiceException.conflict("data set " + ds.id() + ": its key set belongs to another"
          + " user");
    }
    Parameters params = parameters(keys, blobs, ks.paramsSha256());
    if (meta.paramsDigest() != null && !meta.paramsDigest().equals(params.digestHex())) {
      throw ServiceException.conflict("data set " + ds.id() + " was encrypted under other"
          + " parameters (" + meta.paramsDigest().substring(0, Math.min(8,
              meta.paramsDigest().length())) + ") than those of its key set ("
          + params.shortId() + ")");
    }
    ModelTraining.Setup setup;
    try {
      setup = ModelTraining.setup(new ModelTraining.Spec(kind(meta), meta.rows(),
          meta.features(), classes(meta), iterations, degree, l2, learningRate,
          schedule(ds, meta, iterations, degree)), params);
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest(e.getMessage());
    }
    int expected = setup.parts();
    if (ds.partSha256s().size() != expected) {
      throw ServiceException.conflict("data set " + ds.id() + " holds "
          + ds.partSha256s().size() + " ciphertexts, its shape of " + meta.rows() + " rows x "
          + meta.features() + " features in " + setup.tables().size() + " tables needs "
          + expected);
    }
    return new Resolved(ds, ks, meta, params, setup);
  }

  /**
   * The run its owner certified when encrypting the data set (the sigmoid, its interval, the step;
   * {@code veil encrypt}), which the training must follow: another number of iterations or
   * another degree could leave the sigmoid's interval unnoticed. Null for a data set without one.
   */
  private static ModelTraining.Schedule schedule(DatasetRef ds, DataInfo meta, int iterations,
      int degree) {
    TrainingSchedule certified = meta.schedule();
    if (certified == null) {
      return null;
    }
    if ((meta.iterations() != null && iterations != meta.iterations())
        || degree != certified.degree()) {
      throw ServiceException.badRequest("data set " + ds.id() + " was certified by its owner for "
          + meta.iterations() + " iterations of a degree-" + certified.degree() + " sigmoid ("
          + certified.sigmoid() + " on [-" + certified.bound() + ", " + certified.bound()
          + "]): submit the training without other iterations or degree");
    }
    return certified.toModelTraining();
  }

  static Parameters parameters(KeyCache keys, KeyCache.Blobs blobs, String sha256) {
    try {
      return keys.parameters(sha256, blobs);
    } catch (IOException e) {
      throw ServiceException.conflict("unreadable parameters " + sha256 + ": " + e.getMessage());
    }
  }
}
