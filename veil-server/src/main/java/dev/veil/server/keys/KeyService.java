package dev.veil.server.keys;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.veil.api.CreateKeySetRequest;
import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Parameters;
import dev.veil.server.audit.AuditLog;
import dev.veil.server.blob.BlobStore.BlobRef;
import dev.veil.server.blob.BlobStore;
import dev.veil.server.blob.CheckedUpload;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Page;
import dev.veil.server.core.Principal;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.he.ParameterLimits;
import dev.veil.server.he.VeilObjects;
import dev.veil.server.keys.KeyApi.KeySetView;

/**
 * Key sets: parameters, public keys and evaluation keys uploaded by their owner.
 *
 * <p>Guarantees: only the owner sees or uses a key set (others get 404, as for a missing one); a
 * file in the secret-key format is refused from its header, before any byte of it is stored; every
 * file is parsed in full by veil-he's hardened readers while it streams to the blob store, and must
 * be made under the key set's parameters, with no trailing bytes, or nothing is stored; evaluation
 * keys are checked one row at a time without building a key (VeilIO#checkEvaluationKeys), so
 * memory stays at one row (N longs) per upload whatever the set's size;
 * parameters below 128-bit security are refused unless the server allows them. A key set's public
 * key and evaluation keys are each set once (a different upload is a 409; the same bytes again are
 * accepted, for retries).
 */
public final class KeyService {
  private static final int MAX_NAME = 200;
  /** params.bin is a few hundred bytes; anything near this is not one. */
  private static final int MAX_PARAMS_BYTES = 16 * 1024;

  /**
   * @param maxUploadBytes the largest public key or evaluation-key file
   * @param allowInsecureParameters whether parameters made with {@code securityOff} are accepted
   * @param parameterLimits the bound on the work one params.bin may cause (ring degree, primes)
   */
  public record Policy(long maxUploadBytes, boolean allowInsecureParameters,
      ParameterLimits parameterLimits) {
    public Policy {
      java.util.Objects.requireNonNull(parameterLimits, "parameterLimits");
    }

    /** With {@link ParameterLimits#defaults()}. */
    public Policy(long maxUploadBytes, boolean allowInsecureParameters) {
      this(maxUploadBytes, allowInsecureParameters, ParameterLimits.defaults());
    }
  }

  private final KeySetRepository repo;
  private final BlobStore blobs;
  private final CheckedUpload uploads;
  private final KeyCache cache;
  private final AuditLog audit;
  private final Clock clock;
  private final Policy policy;

  /**
   * @param cache where key sets' parameters are kept (parsing regenerates the primes) and the
   *     contexts uploads are checked under are leased from: the server's one cache
   */
  public KeyService(KeySetRepository repo, BlobStore blobs, KeyCache cache, AuditLog audit,
      Clock clock, Policy policy) {
    this.repo = Objects.requireNonNull(repo, "repo");
    this.blobs = Objects.requireNonNull(blobs, "blobs");
    this.uploads = new CheckedUpload(blobs);
    this.cache = Objects.requireNonNull(cache, "cache");
    this.audit = Objects.requireNonNull(audit, "audit");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** Creates a key set from its parameters (the public and evaluation keys follow). */
  public KeySetView create(Principal p, CreateKeySetRequest req) throws IOException {
    if (req == null) {
      throw ServiceException.badRequest("a body {name, params} is required");
    }
    String name = name(req.name());
    if (req.params() == null || req.params().isEmpty()) {
      throw ServiceException.badRequest("params is required: params.bin of the key directory,"
          + " base64");
    }
    if (req.params().length() > MAX_PARAMS_BYTES * 4 / 3 + 4) {
      throw ServiceException.badRequest("params is too long for a params.bin");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(req.params().strip());
    } catch (IllegalArgumentException e) {
      throw ServiceException.badRequest("params is not valid base64: " + e.getMessage());
    }
    Parameters prm = parse(bytes);
    policy.parameterLimits().check(prm, "params");
    if (prm.securityOff() && !policy.allowInsecureParameters()) {
      throw ServiceException.badRequest("params: parameters below 128-bit security (made with"
          + " securityOff) are refused by this server; make keys with veil keygen");
    }
    BlobRef ref = blobs.put(new ByteArrayInputStream(bytes), MAX_PARAMS_BYTES, null);
    KeySet k = new KeySet(Ids.next("ks"), p.userId(), name, ref.sha256(), ref.size(),
        prm.digestHex(), prm.logN(), prm.maxLevel(), prm.slots(), prm.securityOff(), null, null,
        null, null, null, null, null, clock.instant().truncatedTo(ChronoUnit.MILLIS));
    repo.insert(k);
    audit.record(p.userId(), "keys.create", k.id(), Map.of("paramsDigest", k.paramsDigest(),
        "logN", k.logN(), "insecure", k.insecure()));
    return KeySetView.of(k);
  }

  /**
   * Stores the public key of the caller's key set.
   *
   * @param body the file's bytes (read to the end)
   * @param expectedSha256 the digest the client announced, or null
   */
  public KeySetView uploadPublicKey(Principal p, String id, InputStream body,
      String expectedSha256) throws IOException {
    KeySet k = owned(p, id);
    if (k.publicKeySha256() != null) {
      return alreadySet(k, "public key", k.publicKeySha256(), expectedSha256);
    }
    InputStream in = VeilObjects.expect(body, VeilObjects.Type.PUBLIC_KEY, "public key");
    // checked into one reused row: no key built, no seed expanded, no context made
    Parameters params = parameters(k);
    BlobRef ref = uploads.store(in, "public key", policy.maxUploadBytes(), expectedSha256,
        t -> VeilIO.checkPublicKey(t, params)).blob();
    String keyId = ref.sha256().substring(0, 16);
    if (!repo.setPublicKey(k.id(), ref, keyId)) {
      KeySet now = repo.byId(k.id()).orElseThrow();
      return alreadySet(now, "public key", now.publicKeySha256(), ref.sha256());
    }
    audit.record(p.userId(), "keys.upload_public", k.id(), Map.of("sha256", ref.sha256(),
        "size", ref.size(), "keyId", keyId));
    return KeySetView.of(repo.byId(k.id()).orElseThrow());
  }

  /** Stores the evaluation keys of the caller's key set; see {@link #uploadPublicKey}. */
  public KeySetView uploadEvaluationKeys(Principal p, String id, InputStream body,
      String expectedSha256) throws IOException {
    KeySet k = owned(p, id);
    if (k.evaluationKeysSha256() != null) {
      return alreadySet(k, "evaluation keys", k.evaluationKeysSha256(), expectedSha256);
    }
    InputStream in = VeilObjects.expect(body, VeilObjects.Type.EVALUATION_KEYS,
        "evaluation keys");
    // checked key by key into one reused row: no key is built, no seed expanded, no context made
    Parameters params = parameters(k);
    CheckedUpload.Stored<VeilIO.EvaluationKeysShape> stored = uploads.store(in,
        "evaluation keys", policy.maxUploadBytes(), expectedSha256,
        t -> VeilIO.checkEvaluationKeys(t, params));
    BlobRef ref = stored.blob();
    List<Long> elements = new ArrayList<>(stored.checked().galoisElements());
    boolean[] relin = {stored.checked().relinearization()};
    if (!repo.setEvaluationKeys(k.id(), ref, relin[0], elements)) {
      KeySet now = repo.byId(k.id()).orElseThrow();
      return alreadySet(now, "evaluation keys", now.evaluationKeysSha256(), ref.sha256());
    }
    audit.record(p.userId(), "keys.upload_evaluation", k.id(), Map.of("sha256", ref.sha256(),
        "size", ref.size(), "relinearization", relin[0], "galoisKeys", elements.size()));
    return KeySetView.of(repo.byId(k.id()).orElseThrow());
  }

  /**
   * Deletes the caller's key set once nothing uses it (its blobs go with the next collection of
   * unreferenced blobs).
   *
   * @throws ServiceException 404 for a missing key set or another user's; 409 {@code in_use}
   *     naming what uses it: a data set made under it, an input checked against it, a job not
   *     ended that computes under it, a hand-over waiting to deliver to it
   */
  public void delete(Principal p, String id) {
    KeySet k = owned(p, id);
    List<String> uses = repo.uses(k);
    if (uses.isEmpty() && repo.delete(k)) {
      Map<String, Object> details = new java.util.LinkedHashMap<>();
      details.put("name", k.name());
      details.put("paramsDigest", k.paramsDigest());
      if (k.keyId() != null) {
        details.put("keyId", k.keyId());
      }
      audit.record(p.userId(), "keys.delete", k.id(), details);
      return;
    }
    if (repo.byId(k.id()).isEmpty()) {
      throw ServiceException.notFound("key set", id);
    }
    List<String> now = uses.isEmpty() ? repo.uses(k) : uses;
    throw new ServiceException(409, "in_use", "key set " + id + " is in use by "
        + (now.isEmpty() ? "an object made under it just now" : String.join("; ", now))
        + ": delete those first (or wait for the jobs to end)");
  }

  /** The caller's key sets. */
  public List<KeySetView> list(Principal p) {
    return repo.byOwner(p.userId()).stream().map(KeySetView::of).toList();
  }

  /** One page of the caller's key sets, oldest first. */
  public Page.Slice<KeySetView> list(Principal p, Page page) {
    return page.of(repo.byOwner(p.userId(), page), k -> new Page.Position(k.createdAt(),
        k.id()), KeySetView::of);
  }

  /** One of the caller's key sets. */
  public KeySetView get(Principal p, String id) {
    return KeySetView.of(owned(p, id));
  }

  /** The caller's key set; 404 for a missing one or another user's. */
  public KeySet owned(Principal p, String id) {
    if (!Ids.looksLike("ks", id)) {
      throw ServiceException.notFound("key set", String.valueOf(id));
    }
    return repo.byId(id).filter(k -> k.ownerId().equals(p.userId()))
        .orElseThrow(() -> ServiceException.notFound("key set", id));
  }

  /** The caller's newest key set made for the parameters with this digest, if any. */
  public java.util.Optional<KeySet> ownedWithParameters(Principal p, String paramsDigest) {
    return repo.byOwner(p.userId()).stream()
        .filter(k -> k.paramsDigest().equalsIgnoreCase(paramsDigest)).findFirst();
  }

  /** The parameters of a key set, read from its {@code params.bin} blob. */
  public Parameters parameters(KeySet k) throws IOException {
    return cache.parameters(k.paramsSha256(), blobs::open);
  }

  private KeySetView alreadySet(KeySet k, String what, String stored, String offered) {
    if (offered != null && offered.equalsIgnoreCase(stored)) {
      return KeySetView.of(k); // a retry of the same upload
    }
    throw ServiceException.conflict("key set " + k.id() + " already has its " + what
        + " (sha256 " + stored + "); create a new key set for other keys");
  }

  private static Parameters parse(byte[] bytes) throws IOException {
    InputStream in = VeilObjects.expect(new ByteArrayInputStream(bytes),
        VeilObjects.Type.PARAMETERS, "params");
    try {
      Parameters prm = VeilIO.readParameters(in);
      requireEnd(in, "params");
      return prm;
    } catch (FormatException e) {
      throw ServiceException.badRequest("params: " + e.getMessage());
    }
  }

  /** Refuses bytes after the object: a file is exactly one object. */
  static void requireEnd(InputStream in, String what) throws IOException {
    if (in.read() >= 0) {
      throw ServiceException.badRequest(what + ": trailing bytes after the object (nothing was"
          + " stored)");
    }
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
}
