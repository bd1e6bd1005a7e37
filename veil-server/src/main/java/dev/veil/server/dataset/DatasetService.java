package dev.veil.server.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DataInfo;
import dev.veil.api.UpdateDatasetRequest;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Parameters;
import dev.veil.server.audit.AuditLog;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.blob.CheckedUpload;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.dataset.DatasetApi.CreateDatasetRequest;
import dev.veil.server.dataset.DatasetApi.DatasetView;
import dev.veil.server.dataset.DatasetApi.PartList;
import dev.veil.server.dataset.DatasetApi.PartView;
import dev.veil.server.he.VeilObjects;
import dev.veil.server.keys.KeyService;
import dev.veil.server.keys.KeySet;

/**
 * Encrypted data sets: created from their public metadata, uploaded part by part (one ciphertext
 * each), completed, listed with a price per training job.
 *
 * <p>Guarantees: only data owners create data sets, under one of their own complete key sets whose
 * parameters and key id the metadata must name; each part is parsed in full as a ciphertext of those
 * parameters while it streams to the blob store (memory of one ciphertext, whatever the data set's
 * size), and nothing is stored for a part that fails; a data set becomes READY only with every
 * part; parts cannot change once READY. Nobody but the owner sees a data set's parts, key set,
 * scaler or upload state; others see only listed READY data sets' public metadata (a listing grants
 * the right to pay for training, never to read). Other users' data sets answer 404, as missing
 * ones do.
 */
public final class DatasetService {
  private static final int MAX_NAME = 200;
  private static final int MAX_DESCRIPTION = 4000;
  private static final int MAX_META_CHARS = 256 * 1024;
  private static final long MAX_PRICE = 1_000_000_000_000_000L;
  private static final int MAX_MISSING_LISTED = 1000;

  /**
   * @param maxPartBytes the largest part
   * @param maxParts the most parts a data set may have
   */
  public record Policy(long maxPartBytes, int maxParts) {}

  private final DatasetRepository repo;
  private final KeyService keys;
  private final BlobStore blobs;
  private final CheckedUpload uploads;
  private final AuditLog audit;
  private final Clock clock;
  private final ObjectMapper json;
  private final Policy policy;

  public DatasetService(DatasetRepository repo, KeyService keys, BlobStore blobs,
      AuditLog audit, Clock clock, ObjectMapper json, Policy policy) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.uploads = new CheckedUpload(blobs);
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.json = Objects.requireNonNull(json, "json");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Creates a data set in state UPLOADING, expecting {@code meta.ciphertexts} parts. */
  public DatasetView create(Principal p, CreateDatasetRequest req) {
    if (!p.has(Role.DATA_OWNER)) {
      throw ServiceException.forbidden("only data owners upload data sets");
    }
    if (req == null) {
      throw ServiceException.badRequest("a body {name, description, keySetId, meta,"
          + " pricePerTraining, listed} is required");
    }
    String name = name(req.name());
    String description = description(req.description());
    long price = price(req.pricePerTraining(), true);
    if (req.keySetId() == null) {
      throw ServiceException.badRequest("keySetId is required");
    }
    KeySet ks = keys.owned(p, req.keySetId());
    if (!ks.complete()) {
      throw ServiceException.conflict("key set " + ks.id() + " lacks its "
          + (ks.publicKeySha256() == null ? "public key" : "evaluation keys")
          + ": upload it before the data set");
    }
    DataInfo meta = checkMeta(req.meta(), ks);
    String metaJson;
    try {
      metaJson = json.writeValueAsString(meta);
    } catch (JsonProcessingException e) {
      throw ServiceException.badRequest("meta cannot be stored: " + e.getOriginalMessage());
    }
    if (metaJson.length() > MAX_META_CHARS) {
      throw ServiceException.tooLarge("meta is over " + MAX_META_CHARS + " characters");
    }
    Dataset d = new Dataset(Ids.next("ds"), p.userId(), p.username(), ks.id(), name, description,
        metaJson, meta.rows(), meta.features(), meta.partCount(), ks.paramsDigest(), price,
        Boolean.TRUE.equals(req.listed()), Dataset.State.UPLOADING, now(), null,
        handoverHours(req.handoverHours()));
    repo.insert(d);
    audit.record(p.userId(), "dataset.create", d.id(), details("name", name, "rows", d.rows(),
        "features", d.features(), "parts", d.partsExpected(), "keySetId", ks.id(),
        "pricePerTraining", price, "listed", d.listed()));
    return view(p, d, 0, 0L);
  }

  /**
   * Stores part {@code index} (a ciphertext of the key set's parameters) of the caller's UPLOADING
   * data set, replacing an earlier upload of the same index.
   */
  public PartView uploadPart(Principal p, String id, String indexParam, InputStream body,
      String expectedSha256) throws IOException {
    Dataset d = owned(p, id);
    int index = index(indexParam, d.partsExpected());
    if (d.state() != Dataset.State.UPLOADING) {
      throw ServiceException.conflict("data set " + id + " is " + d.state()
          + ": its parts can no longer change");
    }
    KeySet ks = keys.owned(p, d.keySetId());
    Parameters params = keys.parameters(ks);
    String what = "part " + index;
    InputStream in = VeilObjects.expect(body, VeilObjects.Type.CIPHERTEXT, what);
    BlobRef ref = uploads.store(in, what, policy.maxPartBytes(), expectedSha256,
        t -> VeilIO.checkCiphertext(t, params)).blob();
    DatasetPart part = new DatasetPart(id, index, ref.sha256(), ref.size(), now());
    if (!repo.putPart(part)) {
      throw ServiceException.conflict("data set " + id + " is no longer UPLOADING: its parts"
          + " can no longer change");
    }
    return PartView.of(part);
  }

  /** Marks the caller's data set READY once every part is there; idempotent. */
  public DatasetView complete(Principal p, String id) {
    Dataset d = owned(p, id);
    List<DatasetPart> parts = repo.parts(id);
    if (d.state() == Dataset.State.READY) {
      return view(p, d, parts.size(), total(parts));
    }
    List<Integer> missing = missing(parts, d.partsExpected());
    if (!missing.isEmpty() || !repo.complete(id, now())) {
      int count = d.partsExpected() - parts.size();
      throw ServiceException.conflict("data set " + id + " lacks " + count + " of its "
          + d.partsExpected() + " parts, e.g. " + missing.subList(0, Math.min(10,
              missing.size())) + "; upload them before completing");
    }
    Dataset done = repo.byId(id).orElseThrow();
    long bytes = total(parts);
    audit.record(p.userId(), "dataset.upload", id, details("parts", parts.size(), "bytes",
        bytes, "listed", done.listed(), "pricePerTraining", done.pricePerTraining()));
    return view(p, done, parts.size(), bytes);
  }

  /** The caller's data sets and the listed READY ones of others, newest first. */
  public List<DatasetView> list(Principal p) {
    return repo.visibleTo(p.userId()).stream().map(d -> view(p, d, null, null)).toList();
  }

  /** One page of {@link #list}, newest first (the page's order is made descending). */
  public Page.Slice<DatasetView> list(Principal p, Page page) {
    Page newest = page.descending();
    return newest.of(repo.visibleTo(p.userId(), newest), d -> new Page.Position(d.createdAt(),
        d.id()), d -> view(p, d, null, null));
  }

  /** A data set the caller owns, or a listed READY one of another user. */
  public DatasetView get(Principal p, String id) {
    Dataset d = visible(p, id);
    if (!d.ownerId().equals(p.userId())) {
      return view(p, d, null, null);
    }
    List<DatasetPart> parts = repo.parts(id);
    return view(p, d, parts.size(), total(parts));
  }

  /** The parts of the caller's data set (all of them on one page). */
  public PartList parts(Principal p, String id) {
    return parts(p, id, null, Integer.MAX_VALUE);
  }

  /** Parts listed per page by default, and at most. */
  public static final int DEFAULT_PARTS_PAGE = 1000;
  public static final int MAX_PARTS_PAGE = 10_000;

  /**
   * One page of the parts of the caller's data set, by index, and what is missing of all of
   * them (the first {@value #MAX_MISSING_LISTED} indices and the count).
   *
   * @param cursor the previous page's {@code nextCursor}, or null for the first page
   * @param limit the most parts on the page
   */
  public PartList parts(Principal p, String id, String cursor, int limit) {
    Dataset d = owned(p, id);
    int after = -1;
    if (cursor != null && !cursor.isBlank()) {
      try {
        after = Integer.parseInt(cursor.strip());
      } catch (NumberFormatException e) {
        after = -2;
      }
      if (after < 0) {
        throw ServiceException.badRequest("query parameter 'cursor' is not a cursor of this"
            + " list: pass the nextCursor of the previous page unchanged");
      }
    }
    List<DatasetPart> parts = repo.parts(id);
    List<Integer> missing = missing(parts, d.partsExpected());
    int count = d.partsExpected() - parts.size();
    int from = after;
    List<DatasetPart> page = parts.stream().filter(x -> x.index() > from)
        .sorted(java.util.Comparator.comparingInt(DatasetPart::index))
        .limit(limit == Integer.MAX_VALUE ? Long.MAX_VALUE : limit + 1L).toList();
    String next = null;
    if (page.size() > limit) {
      page = page.subList(0, limit);
      next = Integer.toString(page.get(page.size() - 1).index());
    }
    return new PartList(page.stream().map(PartView::of).toList(),
        missing.subList(0, Math.min(MAX_MISSING_LISTED, missing.size())), count, next);
  }

  /** Changes the listing fields of the caller's data set. */
  public DatasetView update(Principal p, String id, UpdateDatasetRequest req) {
    Dataset d = owned(p, id);
    if (req == null || (req.name() == null && req.description() == null
        && req.pricePerTraining() == null && req.listed() == null)) {
      throw ServiceException.badRequest("nothing to change: give name, description,"
          + " pricePerTraining and/or listed");
    }
    String name = req.name() == null ? d.name() : name(req.name());
    String description = req.description() == null ? d.description()
        : description(req.description());
    long price = req.pricePerTraining() == null ? d.pricePerTraining()
        : price(req.pricePerTraining(), false);
    boolean listed = req.listed() == null ? d.listed() : req.listed();
    repo.updateListing(id, name, description, price, listed);
    Map<String, Object> changes = new LinkedHashMap<>();
    if (!name.equals(d.name())) {
      changes.put("name", name);
    }
    if (!description.equals(d.description())) {
      changes.put("description", "changed");
    }
    if (price != d.pricePerTraining()) {
      changes.put("pricePerTraining", price);
    }
    if (listed != d.listed()) {
      changes.put("listed", listed);
    }
    audit.record(p.userId(), "dataset.listing", id, changes);
    return get(p, id);
  }

  /**
   * Deletes the caller's data set (its rows; the blobs go with the next collection of
   * unreferenced blobs).
   *
   * @throws ServiceException 409 {@code in_use} naming the training jobs on it that have not
   *     ended (queued, running, waiting for their hand-over: paid jobs whose builders would lose
   *     what they paid for)
   */
  public void delete(Principal p, String id) {
    Dataset d = owned(p, id);
    List<String> jobs = repo.unendedJobs(d.id());
    if (!jobs.isEmpty()) {
      throw new ServiceException(409, "in_use", "data set " + id + " has " + jobs.size()
          + " training job(s) queued, running or waiting for their hand-over: "
          + String.join(", ", jobs.subList(0, Math.min(10, jobs.size())))
          + (jobs.size() > 10 ? " and " + (jobs.size() - 10) + " more" : "")
          + "; it can be deleted once they end (unlist it to take no new ones)");
    }
    if (!repo.delete(d.id())) {
      throw ServiceException.notFound("data set", id);
    }
    audit.record(p.userId(), "dataset.delete", id, details("name", d.name(), "parts",
        d.partsExpected()));
  }

  /** The caller's own data set; 404 for a missing one or another user's. */
  public Dataset owned(Principal p, String id) {
    Dataset d = find(id);
    if (!d.ownerId().equals(p.userId())) {
      throw ServiceException.notFound("data set", id);
    }
    return d;
  }

  /** A data set the caller owns or that is listed and READY; 404 otherwise. */
  public Dataset visible(Principal p, String id) {
    Dataset d = find(id);
    if (!d.ownerId().equals(p.userId()) && !d.visibleToOthers()) {
      throw ServiceException.notFound("data set", id);
    }
    return d;
  }

  private Dataset find(String id) {
    if (!Ids.looksLike("ds", id)) {
      throw ServiceException.notFound("data set", String.valueOf(id));
    }
    return repo.byId(id).orElseThrow(() -> ServiceException.notFound("data set", id));
  }

  private DatasetView view(Principal p, Dataset d, Integer partsUploaded, Long bytes) {
    boolean own = d.ownerId().equals(p.userId());
    DataInfo meta;
    try {
      meta = json.readValue(d.meta(), DataInfo.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored meta of " + d.id() + " is not readable", e);
    }
    return new DatasetView(d.id(), d.name(), d.description(), d.ownerName(), own,
        own ? d.keySetId() : null, own ? meta : meta.withoutScaler(), d.rows(), d.features(),
        d.partsExpected(), own ? partsUploaded : null, own ? bytes : null, d.pricePerTraining(),
        d.listed(), d.state().name(), d.createdAt().toString(),
        d.completedAt() == null ? null : d.completedAt().toString());
  }

  /** Most hours a listing may give its owner for a hand-over (a year). */
  static final int MAX_HANDOVER_HOURS = 24 * 366;

  private static int handoverHours(Integer hours) {
    if (hours == null) {
      return Dataset.DEFAULT_HANDOVER_HOURS;
    }
    if (hours < 1 || hours > MAX_HANDOVER_HOURS) {
      throw ServiceException.badRequest("handoverHours must be 1 to " + MAX_HANDOVER_HOURS
          + ", got " + hours);
    }
    return hours;
  }

  private DataInfo checkMeta(DataInfo m, KeySet ks) {
    if (m == null) {
      throw ServiceException.badRequest("meta is required: the data set's meta.json from veil"
          + " encrypt");
    }
    try {
      m.validate();
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest("meta." + e.getMessage());
    }
    positive(m.rows(), "meta.rows", Integer.MAX_VALUE);
    positive(m.features(), "meta.features", 1 << 20);
    positive(m.ciphertexts(), "meta.ciphertexts", policy.maxParts());
    if (m.partCount() > policy.maxParts()) {
      throw ServiceException.badRequest("meta: " + m.tableNames().size() + " tables of "
          + m.ciphertexts() + " ciphertexts is over the " + policy.maxParts() + " parts a data"
          + " set may have");
    }
    if (m.featureNames() != null) {
      for (String f : m.featureNames()) {
        if (f.length() > MAX_NAME) {
          throw ServiceException.badRequest("meta.featureNames: each name must be present and at"
              + " most " + MAX_NAME + " characters");
        }
      }
    }
    if (!ks.paramsDigest().equals(m.paramsDigest())) {
      throw ServiceException.badRequest("meta.paramsDigest (" + m.paramsDigest() + ") differs"
          + " from the parameters of key set " + ks.id() + " (" + ks.paramsDigest() + ")");
    }
    if (!ks.keyId().equals(m.keyId())) {
      throw ServiceException.badRequest("meta.keyId (" + m.keyId() + ") is not the key id of key"
          + " set " + ks.id() + " (" + ks.keyId() + "): the data was encrypted under another"
          + " public key");
    }
    if (m.slots() != null && m.slots() != ks.slots()) {
      throw ServiceException.badRequest("meta.slots is " + m.slots() + ", the parameters have "
          + ks.slots());
    }
    return m;
  }

  private static void positive(Integer v, String field, int max) {
    if (v == null || v < 1 || v > max) {
      throw ServiceException.badRequest(field + " must be in [1, " + max + "], got " + v);
    }
  }

  private static int index(String raw, int count) {
    int i;
    try {
      i = Integer.parseInt(raw);
    } catch (NumberFormatException e) {
      throw ServiceException.badRequest("part index must be an integer, got '" + raw + "'");
    }
    if (i < 0 || i >= count) {
      throw ServiceException.badRequest("part index must be in [0, " + count + "), got " + i);
    }
    return i;
  }

  private static List<Integer> missing(List<DatasetPart> parts, int expected) {
    BitSet have = new BitSet(expected);
    for (DatasetPart part : parts) {
      have.set(part.index());
    }
    List<Integer> out = new ArrayList<>();
    for (int i = have.nextClearBit(0); i < expected && out.size() < MAX_MISSING_LISTED;
        i = have.nextClearBit(i + 1)) {
      out.add(i);
    }
    return out;
  }

  private static long total(List<DatasetPart> parts) {
    return parts.stream().mapToLong(DatasetPart::size).sum();
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String name(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ServiceException.badRequest("name is required");
    }
    String n = raw.strip();
    if (n.length() > MAX_NAME || n.chars().anyMatch(Character::isISOControl)) {
      throw ServiceException.badRequest("name must be at most " + MAX_NAME
          + " printable characters");
    }
    return n;
  }

  private static String description(String raw) {
    String d = raw == null ? "" : raw.strip();
    if (d.length() > MAX_DESCRIPTION) {
      throw ServiceException.badRequest("description must be at most " + MAX_DESCRIPTION
          + " characters");
    }
    return d;
  }

  private static long price(Long v, boolean required) {
    if (v == null) {
      if (required) {
        throw ServiceException.badRequest("pricePerTraining is required (integer minor units,"
            + " 0 for free)");
      }
      return 0;
    }
    if (v < 0 || v > MAX_PRICE) {
      throw ServiceException.badRequest("pricePerTraining must be in [0, " + MAX_PRICE
          + "], got " + v);
    }
    return v;
  }

  private static Map<String, Object> details(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
