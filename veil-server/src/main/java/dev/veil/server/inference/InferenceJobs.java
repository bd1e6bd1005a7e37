package dev.veil.server.inference;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.catalog.Catalog;
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
import dev.veil.server.ledger.Ledger;
import dev.veil.server.model.ModelListing;
import dev.veil.server.model.ModelService;

/**
 * Submission of inference jobs: a buyer's encrypted rows through a published model.
 *
 * <h2>Money and budget</h2>
 *
 * The buyer pays {@code rows x pricePerPrediction}: held when the job is queued, paid to the
 * seller minus the platform fee when it succeeds, released if it fails or is cancelled. In the
 * same database transaction the rows and one query are counted against the buyer's budget on the
 * model and against the model's total (all buyers together): over either, the request is refused
 * with a 429 and nothing is charged; without funds, a 402 and no budget is used. A superseded
 * model version takes no new job (409 naming the version to use). A retried request with the
 * same idempotency key returns the first job and is charged once. A seller running their own
 * model pays nothing and uses no budget.
 *
 * <h2>Who runs it</h2>
 *
 * A hosted listing's jobs are run by the server's own workers (which open its sealed weights); a
 * listing that is not hosted places its jobs on the model ({@code Admission#placement}): only a
 * worker of its seller serving that model claims them, the weights never being on the server.
 *
 * <h2>Checks before the charge</h2>
 *
 * The model is listed (or the caller's), the key set and the upload are the caller's, the
 * parameters have the levels the packing, the output and the sanitiser need, and the flooding
 * would leave at least the minimum precision for a model of zero weights (the runner checks again
 * with the real weights, which only it opens).
 */
public final class InferenceJobs {
  private final JobService jobs;
  private final ModelService models;
  private final InferenceInputs inputs;
  private final Catalog catalog;
  private final BlobStore blobs;
  private final InferenceSettings settings;
  private final ObjectMapper json;
  private final KeyCache keys;

  /** @param keys where key sets' parameters are kept between requests (shared with the runner) */
  public InferenceJobs(JobService jobs, ModelService models, InferenceInputs inputs,
      Catalog catalog, BlobStore blobs, InferenceSettings settings, ObjectMapper json,
      KeyCache keys) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.models = Objects.requireNonNull(models, "models");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.catalog = Objects.requireNonNull(catalog, "catalog");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.json = Objects.requireNonNull(json, "json");
  }

  /**
   * Queues an inference job.
   *
   * @throws ServiceException 404 for a model, key set or input the caller may not use, 403
   *     without the BUYER role, 400 for a request that cannot run, 429 over budget, 402 without
   *     funds, 409 for an idempotency key reused with another request
   */
  public Job submit(Principal p, InferenceRequest req, String idempotencyKey) {
    if (req == null) {
      throw ServiceException.badRequest("missing body");
    }
    return jobs.submit(p, idempotencyKey, Digests.sha256Hex("inference\n" + write(req)),
        () -> admit(p, req));
  }

  private Admission admit(Principal p, InferenceRequest req) {
    if (req.modelId() == null || req.keySetId() == null || req.inputId() == null
        || req.rows() == null) {
      throw ServiceException.badRequest("an inference job needs modelId, keySetId, inputId and"
          + " rows");
    }
    ModelListing m = models.forNewJob(p, req.modelId());
    boolean own = m.sellerId().equals(p.userId());
    if (!own && !p.has(Role.BUYER)) {
      throw ServiceException.forbidden("buying predictions needs the BUYER role");
    }
    long rows = req.rows();
    if (rows < 1 || rows > settings.maxRows()) {
      throw ServiceException.badRequest("rows must be 1 to " + settings.maxRows() + ", got "
          + rows);
    }
    String packing = InferenceShape.packing(req.packing());
    String output = InferenceShape.output(req.output(), m.task());
    KeySetRef ks = catalog.keySet(req.keySetId())
        .filter(k -> k.ownerId().equals(p.userId()))
        .orElseThrow(() -> ServiceException.notFound("key set", req.keySetId()));
    if (ks.publicKeySha256() == null || ks.evaluationKeysSha256() == null) {
      throw ServiceException.conflict("key set " + ks.id() + " needs both its public key (the"
          + " result is sanitised under it) and its evaluation keys");
    }
    JobInput input = inputs.get(p, req.inputId());
    Parameters params = parameters(ks);
    int needed = InferenceShape.levelsNeeded(packing, output, settings);
    if (params.maxLevel() < needed) {
      throw ServiceException.badRequest(output + " with " + packing + " packing need rows with "
          + needed + " levels (the computation and one for sanitising the result); the key"
          + " set's parameters have " + params.maxLevel());
    }
    if (packing.equals(InferenceShape.ROW_MAJOR) && m.features() > params.slots()) {
      throw ServiceException.badRequest("the model's " + m.features() + " features do not fit"
          + " the " + params.slots() + " slots of the key set's parameters");
    }
    // sized by the listing's total, fixed at publication: colluding buyers pool their results
    long floodingResults = own ? Math.max(1, rows) : m.floodingRows();
    FloodingPolicy best = InferenceShape.policy(params, settings, packing, output,
        params.maxLevel(), new double[m.features() + 1], floodingResults);
    double bits = InferenceShape.precisionBits(params, best);
    if (bits < settings.minPrecisionBits()) {
      throw ServiceException.badRequest(String.format(java.util.Locale.ROOT,
          "the flooding that protects the model (sized for the %d results of its budget, all"
              + " buyers together) would leave"
              + " %.1f bits of precision at the key set's scale 2^%.0f, below the %.1f required:"
              + " use parameters with a larger scale", floodingResults, bits,
          params.logDefaultScale(), settings.minPrecisionBits()));
    }
    long price;
    try {
      price = own ? 0 : Math.multiplyExact(rows, m.pricePerPrediction());
    } catch (ArithmeticException e) {
      price = Long.MAX_VALUE;
    }
    if (price > Ledger.MAX_AMOUNT) {
      throw ServiceException.badRequest("rows x price per prediction is over the largest"
          + " charge (" + Ledger.MAX_AMOUNT + ")");
    }
    InferenceParameters ip = new InferenceParameters(m.id(), ks.id(), input.id(),
        input.sha256(), rows, m.features(), packing, output, floodingResults);
    return new Admission(JobKind.INFERENCE, write(ip), m.sellerId(), price,
        price > 0 ? m.sellerId() : null,
        own ? null : new Admission.BudgetCharge(m.id(), rows, m.budget()),
        Map.of("modelId", m.id(), "rows", rows, "output", output),
        m.hosted() ? null : m.id());
  }

  private Parameters parameters(KeySetRef ks) {
    try {
      return keys.parameters(ks.paramsSha256(), blobs::open);
    } catch (IOException e) {
      throw ServiceException.conflict("key set " + ks.id() + ": unreadable parameters");
    }
  }

  private String write(Object o) {
    try {
      return json.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
