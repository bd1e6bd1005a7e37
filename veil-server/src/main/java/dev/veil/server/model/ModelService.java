package dev.veil.server.model;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.InputSchema;
import dev.veil.api.ModelFile;
import dev.veil.api.UpdateModelRequest;
import dev.veil.server.audit.AuditLog;
import dev.veil.server.budget.BudgetLimits;
import dev.veil.server.budget.BudgetUsage;
import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.ledger.Ledger;
import org.jdbi.v3.core.Jdbi;

/**
 * Published models and their listings.
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>By default a listing holds only the public model card (task, feature names, scaler,
 *       label): the weights stay on the seller's worker ({@code veil worker}), which serves the
 *       listing's inference jobs, and a publication that carries weights without asking for a
 *       hosted listing is refused. A <em>hosted</em> listing ({@link PublishModelRequest#hosted})
 *       has its weights sealed ({@link WeightsVault}) before they are stored, run by the server's
 *       own workers: the platform operator, who holds the vault's key, can read them. Weights are
 *       never returned by any method here, to anyone, the seller included; a new version of a
 *       listing keeps whether it is hosted.
 *   <li>Only a model seller publishes; only the model's seller changes or unlists it. A model that
 *       is not listed is visible to its seller only (404 to everyone else, so ids cannot be
 *       probed); an unlisted model accepts no new inference jobs from buyers.
 *   <li>Everything a buyer needs to prepare rows is public in the listing: feature names, scaling,
 *       the label, price, the per-buyer and total budgets, and the number of results its
 *       flooding is sized for.
 *   <li>A listing's flooding is fixed when it is published: a budget is never widened in place
 *       ({@link #update} publishes a new version for that).
 * </ul>
 *
 * Thread-safe.
 */
public final class ModelService {
  public static final int MAX_FEATURES = 4096;
  public static final double MAX_WEIGHT = 1e6;

  private final ModelRepository repo;
  private final WeightsVault vault;
  private final QueryBudgets budgets;
  private final AuditLog audit;
  private final Clock clock;
  private final ObjectMapper json;

  public ModelService(Jdbi jdbi, WeightsVault vault, QueryBudgets budgets, AuditLog audit,
      Clock clock, ObjectMapper json) {
    this.json = Objects.requireNonNull(json, "json");
    this.repo = new ModelRepository(Objects.requireNonNull(jdbi, "jdbi"), json);
    this.vault = Objects.requireNonNull(vault, "vault");
    this.budgets = Objects.requireNonNull(budgets, "budgets");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Publishes a model: validates the model file (the model card only unless hosted) and the
   * listing; for a hosted listing seals the weights; stores the listing.
   *
   * @throws ServiceException 403 without the MODEL_SELLER role, 400 naming what is invalid
   *     (weights sent for a listing that is not hosted, or none for a hosted one)
   */
  public ModelListing publish(Principal p, PublishModelRequest req) {
    if (!p.has(Role.MODEL_SELLER)) {
      throw ServiceException.forbidden("publishing a model needs the MODEL_SELLER role");
    }
    if (req == null) {
      throw ServiceException.badRequest("missing body");
    }
    ModelFile m = req.model();
    boolean hosted = Boolean.TRUE.equals(req.hosted());
    if (hosted) {
      checkModel(m);
      checkSharable(m);
    } else {
      checkCard(m);
    }
    BudgetLimits budget = BudgetLimits.published(
        require(req.maxQueriesPerBuyer(), "maxQueriesPerBuyer"),
        require(req.maxRowsPerBuyer(), "maxRowsPerBuyer"), req.maxRowsTotal());
    String id = Ids.next("mdl");
    Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    ModelListing l = new ModelListing(id, p.userId(), name(req.name()),
        description(req.description()), m.model(), m.featureNames().size(),
        new InputSchema(List.copyOf(m.featureNames()), m.scaler(), m.label()),
        price(req.pricePerPrediction()), budget.maxQueries(), budget.maxRows(),
        req.listed() == null || req.listed(), now, now, budget.maxRowsTotal(),
        budget.maxRowsTotal(), 1, null, null, hosted);
    if (hosted) {
      byte[] secret = bytes(new ModelWeights(m.model(), m.weights().clone()));
      String sealed = vault.seal(id, secret);
      java.util.Arrays.fill(secret, (byte) 0);
      repo.insert(new StoredModel(l, sealed, vault.keyId()));
    } else {
      repo.insert(new StoredModel(l, null, null));
    }
    audit.record(p.userId(), "model.publish", id, Map.of("task", l.task(), "features",
        l.features(), "pricePerPrediction", l.pricePerPrediction(), "listed", l.listed(),
        "maxRowsTotal", l.maxRowsTotal(), "hosted", hosted));
    return l;
  }

  /**
   * Listed models and the caller's own, newest first; only the caller's own with {@code mine}.
   *
   * @param limit 1 to 500
   */
  public List<ModelListing> list(Principal p, boolean mine, int limit) {
    if (limit < 1 || limit > 500) {
      throw ServiceException.badRequest("limit must be 1 to 500, got " + limit);
    }
    return page(p, mine, Page.first(limit)).items();
  }

  /** One page of {@link #list}, newest first (the page's order is made descending). */
  public Page.Slice<ModelListing> page(Principal p, boolean mine, Page page) {
    Page newest = page.descending();
    return newest.of(repo.list(p.userId(), mine, newest),
        l -> new Page.Position(l.createdAt(), l.id()), l -> l);
  }

  /** A listed model, or the caller's own; 404 otherwise. */
  public ModelListing get(Principal p, String id) {
    ModelListing l = find(id);
    if (!l.listed() && !l.sellerId().equals(p.userId())) {
      throw ServiceException.notFound("model", id);
    }
    return l;
  }

  /**
   * Changes the listing (its seller only). Budgets are fixed at publication: a change that raises
   * any limit ({@link BudgetLimits#widenedBy}) publishes a new version instead (a new id, version
   * + 1, its flooding sized for its own total, its own budget counters, its buyers' key sets
   * checked anew at each job against that flooding) and marks this one superseded: it keeps its
   * budget and what its buyers used and received, and takes no new jobs. A change that only
   * lowers limits applies in place and keeps the flooding this version was published with (more
   * noise than the lower budget needs, never less).
   *
   * @return the changed listing, or the new version (its id differs)
   * @throws ServiceException 404 if the caller cannot see it, 403 if they see it but are not its
   *     seller, 400 for invalid values, 409 if a version supersedes it (change that one)
   */
  public ModelListing update(Principal p, String id, UpdateModelRequest req) {
    ModelListing l = get(p, id);
    if (!l.sellerId().equals(p.userId())) {
      throw ServiceException.forbidden("only the model's seller may change its listing");
    }
    if (req == null) {
      throw ServiceException.badRequest("missing body");
    }
    if (l.supersededBy() != null) {
      throw superseded(l);
    }
    BudgetLimits budget = l.budget().changedTo(req.maxQueriesPerBuyer(), req.maxRowsPerBuyer(),
        req.maxRowsTotal());
    ModelListing u = new ModelListing(l.id(), l.sellerId(),
        req.name() == null ? l.name() : name(req.name()),
        req.description() == null ? l.description() : description(req.description()),
        l.task(), l.features(), l.inputSchema(),
        req.pricePerPrediction() == null ? l.pricePerPrediction()
            : price(req.pricePerPrediction()),
        budget.maxQueries(), budget.maxRows(),
        req.listed() == null ? l.listed() : req.listed(), l.createdAt(),
        clock.instant().truncatedTo(ChronoUnit.MILLIS), budget.maxRowsTotal(), l.floodingRows(),
        l.version(), l.previousVersionId(), null, l.hosted());
    if (l.budget().widenedBy(budget)) {
      return newVersion(p, l, u);
    }
    if (!repo.updateListing(u)) {
      throw ServiceException.conflict("model " + id + " changed meanwhile (a new version or"
          + " another budget): read it again");
    }
    audit.record(p.userId(), u.listed() || !l.listed() ? "model.update" : "model.unlist", id,
        Map.of("pricePerPrediction", u.pricePerPrediction(), "listed", u.listed(),
            "maxRowsPerBuyer", u.maxRowsPerBuyer(), "maxRowsTotal", u.maxRowsTotal()));
    return u;
  }

  /** Publishes {@code changed} (the old version's fields, changed) as a new version of it. */
  private ModelListing newVersion(Principal p, ModelListing old, ModelListing changed) {
    String id = Ids.next("mdl");
    Instant now = changed.updatedAt();
    ModelListing v = new ModelListing(id, old.sellerId(), changed.name(), changed.description(),
        old.task(), old.features(), old.inputSchema(), changed.pricePerPrediction(),
        changed.maxQueriesPerBuyer(), changed.maxRowsPerBuyer(), changed.listed(), now, now,
        changed.maxRowsTotal(), changed.maxRowsTotal(), old.version() + 1, old.id(), null,
        old.hosted());
    StoredModel s = stored(old.id());
    String sealed = null;
    if (s.sealedWeights() != null) {
      byte[] plain = vault.open(old.id(), s.sealedWeights());
      sealed = vault.seal(id, plain);
      java.util.Arrays.fill(plain, (byte) 0);
    }
    if (!repo.insertVersion(old.id(), new StoredModel(v, sealed,
        sealed == null ? s.weightsKeyId() : vault.keyId()))) {
      throw superseded(find(old.id()));
    }
    audit.record(p.userId(), "model.version", id, Map.of("previousVersionId", old.id(),
        "version", v.version(), "maxQueriesPerBuyer", v.maxQueriesPerBuyer(),
        "maxRowsPerBuyer", v.maxRowsPerBuyer(), "maxRowsTotal", v.maxRowsTotal()));
    return v;
  }

  private static ServiceException superseded(ModelListing l) {
    return ServiceException.conflict("model " + l.id() + " (version " + l.version() + ") is"
        + " superseded by " + l.supersededBy() + ": use that version");
  }

  /**
   * A model a new inference job may use: one the caller sees ({@link #get}) that no version
   * supersedes.
   *
   * @throws ServiceException 404 as {@link #get}, 409 naming the version to use instead
   */
  public ModelListing forNewJob(Principal p, String id) {
    ModelListing l = get(p, id);
    if (l.supersededBy() != null) {
      throw superseded(l);
    }
    return l;
  }

  /** What all buyers together have used of the model's total budget. */
  public BudgetUsage totalUsage(Principal p, String id) {
    get(p, id);
    return budgets.total(id);
  }

  /** What the caller has used of the model's per-buyer budget. */
  public BudgetUsage usage(Principal p, String id) {
    get(p, id);
    return budgets.usage(p.userId(), id);
  }

  /** A model by id whoever asks (for the services that decide access themselves); 404 if none. */
  public ModelListing find(String id) {
    return stored(id).listing();
  }

  /**
   * A model with its sealed weights (hosted listings), for the server's own workers, the only code
   * that opens them (with the {@link WeightsVault}).
   */
  public StoredModel stored(String id) {
    if (id == null || !Ids.looksLike("mdl", id)) {
      throw ServiceException.notFound("model", String.valueOf(id));
    }
    return repo.find(id).orElseThrow(() -> ServiceException.notFound("model", id));
  }

  // ---------------------------------------------------------------- validation

  /**
   * Checks a model file: its shape ({@link ModelFile#validate()}), then what the server serves:
   * logistic or linear, at most {@code MAX_FEATURES} distinct names, bounded weights, a scaler.
   */
  static void checkModel(ModelFile m) {
    if (m == null) {
      throw ServiceException.badRequest("missing 'model': the model file from veil decrypt");
    }
    if (!ModelFile.FORMAT.equals(m.format())) {
      throw ServiceException.badRequest("model: format must be '" + ModelFile.FORMAT
          + "' (a model file from veil decrypt), got '" + m.format() + "'");
    }
    try {
      m.validate();
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest("model: " + e.getMessage());
    }
    if (!"logistic".equals(m.model()) && !"linear".equals(m.model())) {
      throw ServiceException.badRequest("model: 'model' must be 'logistic' or 'linear', got '"
          + m.model() + "'");
    }
    List<String> names = m.featureNames();
    if (names.size() > MAX_FEATURES) {
      throw ServiceException.badRequest("model: featureNames must list 1 to " + MAX_FEATURES
          + " features");
    }
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (n.isBlank() || n.length() > 200 || !seen.add(n)) {
        throw ServiceException.badRequest("model: feature names must be distinct, non-blank and"
            + " at most 200 characters; got '" + n + "'");
      }
    }
    for (double v : m.weights()) {
      if (Math.abs(v) > MAX_WEIGHT) {
        throw ServiceException.badRequest("model: weights must be finite and at most "
            + MAX_WEIGHT + " in magnitude, got " + v);
      }
    }
    if (m.scaler() == null) {
      throw ServiceException.badRequest("model: a scaler is required (the transform buyers apply"
          + " before encrypting)");
    }
  }

  /**
   * Checks that a hosted listing's weights were decrypted for sharing ({@code veil decrypt
   * --for-sharing}: flooded, charged to the key's budget). An exact decryption of a ciphertext
   * that this platform computed would hand the platform the means to recover the data owner's
   * secret key (Li and Micciancio), so the server refuses it here as {@code veil model publish}
   * does; a file without a decryption record counts as exact. The record is the seller's word:
   * the server cannot tell a forged one, this check catches the honest mistake.
   */
  static void checkSharable(ModelFile m) {
    if (!m.sharable()) {
      throw ServiceException.badRequest("model: the weights of a hosted listing must come from"
          + " a flooded decryption (veil decrypt --for-sharing); this file "
          + (m.decryption() == null ? "has no decryption record" : "was decrypted exactly")
          + ", and an exact decryption must stay with the key holder");
    }
  }

  /**
   * Checks the model card of a listing that is not hosted: a model file without its weights
   * ({@code weights} and {@code classWeights} absent), logistic or linear, with distinct feature
   * names and a scaler of as many features.
   */
  static void checkCard(ModelFile m) {
    if (m == null) {
      throw ServiceException.badRequest("missing 'model': the model card (the model file from"
          + " veil decrypt without its weights)");
    }
    if (m.weights() != null || m.classWeights() != null) {
      throw ServiceException.badRequest("model: weights were sent for a listing that is not"
          + " hosted: send the model card without them (veil model publish does; the weights"
          + " stay on your worker, veil worker --model-file) or ask for a hosted listing"
          + " (hosted: true), whose weights the platform operator can read");
    }
    int d = m.featureNames() == null ? 0 : m.featureNames().size();
    double[] placeholder = new double[d + 1];
    checkModel(new ModelFile(m.format(), m.model(), m.featureNames(), m.label(), m.scaler(),
        placeholder, null, m.training()));
  }

  private static String name(String name) {
    if (name == null || name.isBlank() || name.strip().length() > 200) {
      throw ServiceException.badRequest("name must have 1 to 200 characters");
    }
    return name.strip();
  }

  private static String description(String d) {
    if (d == null) {
      return "";
    }
    if (d.length() > 4000) {
      throw ServiceException.badRequest("description must have at most 4000 characters");
    }
    return d;
  }

  private static long price(Long p) {
    long v = require(p, "pricePerPrediction");
    if (v < 0 || v > Ledger.MAX_AMOUNT) {
      throw ServiceException.badRequest("pricePerPrediction must be 0 to " + Ledger.MAX_AMOUNT
          + " minor units, got " + v);
    }
    return v;
  }

  private static long require(Long v, String field) {
    if (v == null) {
      throw ServiceException.badRequest("missing '" + field + "'");
    }
    return v;
  }

  private byte[] bytes(ModelWeights w) {
    try {
      return json.writeValueAsBytes(w);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens sealed weights (the server's workers' only door to them).
   *
   * @throws ServiceException 409 for a listing that is not hosted (its weights are on its seller's
   *     worker, not here)
   */
  public static ModelWeights open(WeightsVault vault, StoredModel m, ObjectMapper json) {
    if (!m.listing().hosted() || m.sealedWeights() == null) {
      throw ServiceException.conflict("model " + m.listing().id() + " is not hosted: its weights"
          + " are on its seller's worker, which serves its jobs");
    }
    byte[] plain = vault.open(m.listing().id(), m.sealedWeights());
    try {
      return json.readValue(plain, ModelWeights.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("model " + m.listing().id() + ": unreadable weights", e);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
    }
  }
}
