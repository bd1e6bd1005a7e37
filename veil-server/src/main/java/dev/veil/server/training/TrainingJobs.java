package dev.veil.server.training;

import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DataInfo;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.train.ModelTraining;
import dev.veil.ml.train.TrainingKind;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.catalog.KeySetRef;
import dev.veil.server.core.Digests;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.Admission;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobService;

/**
 * Submission of training jobs.
 *
 * <h2>Who trains on what, and who gets the model</h2>
 *
 * <ul>
 *   <li><b>A data owner on their own data set</b>: free. The result is the encrypted weights under
 *       the owner's key; the owner downloads it and decrypts it with {@code veil decrypt}.
 *   <li><b>A buyer on a data set listed by someone else</b>: the buyer pays the listing's price
 *       per training job (held when the job is queued, paid to the data owner minus the platform
 *       fee when it succeeds, released if it fails or is cancelled). The data never leaves its
 *       encryption and the weights are computed encrypted under the <em>data owner's</em> key:
 *       the platform cannot decrypt them and neither can the buyer. With the buyer's own key
 *       set ({@code keySetId}, of the data set's parameters) the model is handed over: the
 *       server's workers train, mask the result with a uniform ring mask ({@code RingMask}) and
 *       the job waits HANDOVER_PENDING, the price held, until the data owner uploads its flooded
 *       public key switch of the masked model to the buyer's key ({@code veil dataset
 *       handover}); the mask removed, the job SUCCEEDED with the model under the buyer's key and
 *       the price is paid; past the listing's hand-over hours the job FAILED and the buyer is
 *       refunded.
 * </ul>
 *
 * Every check that can be made before any homomorphic work (data set, key set, parameters,
 * levels for the iterations and degree) is made here, before the buyer is charged.
 */
public final class TrainingJobs {
  public static final int MAX_ITERATIONS = 100;

  private final JobService jobs;
  private final Catalog catalog;
  private final BlobStore blobs;
  private final KeyCache keys;
  private final ObjectMapper json;

  /** @param keys where key sets' parameters are kept (the server's one cache) */
  public TrainingJobs(JobService jobs, Catalog catalog, BlobStore blobs, KeyCache keys,
      ObjectMapper json) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Queues a training job (see the class comment for who may and what it costs).
   *
   * @param idempotencyKey the client's key, or null
   * @throws ServiceException 404 for a data set the caller may not see, 403 without the BUYER
   *     role on someone else's, 400 for parameters that cannot run, 402 without funds, 409 for a
   *     key reused with another request
   */
  public Job submit(Principal p, TrainingRequest req, String idempotencyKey) {
    if (req == null) {
      throw ServiceException.badRequest("missing body");
    }
    return jobs.submit(p, idempotencyKey, Digests.sha256Hex("training\n" + write(req)),
        () -> admit(p, req));
  }

  private Admission admit(Principal p, TrainingRequest req) {
    DatasetRef ds = TrainingSetup.dataset(catalog, req.datasetId());
    boolean own = ds.ownerId().equals(p.userId());
    if (!own && !(ds.listed() && ds.ready())) {
      throw ServiceException.notFound("data set", ds.id());
    }
    if (!own && !p.has(Role.BUYER)) {
      throw ServiceException.forbidden("training on someone else's data set needs the BUYER"
          + " role");
    }
    DataInfo meta = TrainingSetup.metadata(json, ds);
    TrainingKind kind = TrainingSetup.kind(meta);
    if (req.model() != null && !req.model().equals(kind.id())) {
      throw ServiceException.badRequest("data set " + ds.id() + " was encrypted for "
          + kind.description() + " ('" + kind.id() + "'), not '" + req.model() + "'");
    }
    int iterations = req.iterations() == null ? orZero(meta.iterations()) : req.iterations();
    int degree = !kind.hasSigmoid() ? 0
        : req.degree() == null ? orZero(meta.degree()) : req.degree();
    double l2 = req.l2() == null ? 0 : req.l2();
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw ServiceException.badRequest("iterations must be 1 to " + MAX_ITERATIONS + ", got "
          + iterations);
    }
    if (!kind.hasSigmoid() && req.degree() != null) {
      throw ServiceException.badRequest("degree applies to logistic and ovr models only (linear"
          + " regression has no sigmoid)");
    }
    if (kind.hasSigmoid() && degree != 3 && degree != 5 && degree != 7) {
      throw ServiceException.badRequest("degree must be 3, 5 or 7 (Kim et al.'s sigmoid"
          + " approximations), got " + degree);
    }
    if (kind.hasSigmoid() && req.learningRate() != null) {
      throw ServiceException.badRequest("learningRate applies to linear regression only");
    }
    double rate = req.learningRate() == null ? ModelTraining.LINEAR_LEARNING_RATE
        : req.learningRate();
    if (!(rate > 0) || rate > 100) {
      throw ServiceException.badRequest("learningRate must be in (0, 100], got " + rate);
    }
    if (!Double.isFinite(l2) || l2 < 0 || l2 > 1e3) {
      throw ServiceException.badRequest("l2 must be finite, 0 to 1000, got " + l2);
    }
    TrainingSetup.Resolved r = TrainingSetup.resolve(catalog, blobs::open, keys, json, ds,
        iterations, degree, l2, rate);
    String handoverKeySet = null;
    if (req.keySetId() != null) {
      if (own) {
        throw ServiceException.badRequest("keySetId: a hand-over is for training on someone"
            + " else's data set; on your own the model is already under your key");
      }
      KeySetRef builder = catalog.keySet(req.keySetId()).filter(k ->
          k.ownerId().equals(p.userId())).orElseThrow(() -> ServiceException.notFound(
              "key set", req.keySetId()));
      Parameters bp = TrainingSetup.parameters(keys, blobs::open, builder.paramsSha256());
      if (!bp.equals(r.params())) {
        throw ServiceException.badRequest("keySetId: key set " + builder.id() + " is of other"
            + " parameters (" + bp.shortId() + ") than the data set's (" + r.params().shortId()
            + "): make the key pair with the data set's parameters (veil keygen with the"
            + " data owner's options)");
      }
      handoverKeySet = builder.id();
    }
    long price = own ? 0 : ds.trainingPrice();
    if (price < 0) {
      throw ServiceException.conflict("data set " + ds.id() + " has a negative price");
    }
    TrainingParameters tp = new TrainingParameters(ds.id(), r.keySet().id(), iterations, degree,
        l2, kind.id(), kind.hasSigmoid() ? null : rate, handoverKeySet,
        handoverKeySet != null ? ds.handoverHours() : 0);
    Map<String, Object> audit = new java.util.HashMap<>(Map.of("datasetId", ds.id(),
        "iterations", iterations, "degree", degree, "model", kind.id()));
    if (handoverKeySet != null) {
      audit.put("handoverKeySetId", handoverKeySet);
    }
    // a hand-over's trained ciphertext is masked by the platform before its data owner sees it:
    // only the server's own workers run it, never the data owner's
    return new Admission(JobKind.TRAINING, write(tp), own ? null : ds.ownerId(), price,
        price > 0 ? ds.ownerId() : null, null, audit,
        handoverKeySet != null ? Admission.PLATFORM : null);
  }

  private static int orZero(Integer v) {
    return v == null ? 0 : v;
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
