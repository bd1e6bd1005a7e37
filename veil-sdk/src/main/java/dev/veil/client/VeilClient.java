package dev.veil.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse.BodySubscribers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.AuditPage;
import dev.veil.api.AuditVerification;
import dev.veil.api.Balance;
import dev.veil.api.CreateDatasetRequest;
import dev.veil.api.CreateKeySetRequest;
import dev.veil.api.CreateTokenRequest;
import dev.veil.api.Dataset;
import dev.veil.api.DepositRequest;
import dev.veil.api.Input;
import dev.veil.api.Job;
import dev.veil.api.JobEvent;
import dev.veil.api.JobState;
import dev.veil.api.KeySet;
import dev.veil.api.LedgerTransaction;
import dev.veil.api.LedgerVerification;
import dev.veil.api.LoginRequest;
import dev.veil.api.LoginResponse;
import dev.veil.api.Model;
import dev.veil.api.NewToken;
import dev.veil.api.Part;
import dev.veil.api.PartList;
import dev.veil.api.PublishModelRequest;
import dev.veil.api.RegisterRequest;
import dev.veil.api.SubmitJobRequest;
import dev.veil.api.TokenInfo;
import dev.veil.api.UpdateDatasetRequest;
import dev.veil.api.UpdateModelRequest;
import dev.veil.api.User;

/**
 * A client of the Veil REST API over {@link java.net.http.HttpClient}: one method per operation of
 * the server's {@code openapi.yaml}, with the records of {@link dev.veil.api} as bodies, and
 * helpers that upload what the {@code veil} command line writes ({@link #uploadKeySet}, {@link
 * #uploadDataset}, {@link #uploadRows}) and follow a job to its end ({@link #waitForJob}).
 *
 * <pre>{@code
 * VeilClient anonymous = VeilClient.builder("http://127.0.0.1:8080").build();
 * VeilClient client = anonymous.withToken(anonymous.login("alice", password).token());
 * KeySet keys = client.uploadKeySet(Path.of("keys"), "clinic keys");
 * Dataset data = client.uploadDataset(Path.of("data.veil"), "clinic", "2025 visits",
 *     keys.id(), 500, true);
 * Job job = client.submitJob(SubmitJobRequest.training(data.id()));
 * job = client.waitForJob(job.id(), e -> System.out.println(e.stage() + " " + e.progress()));
 * client.downloadResult(job.id(), Path.of("weights.ct"));
 * }</pre>
 *
 * <h2>Failures</h2>
 *
 * A refusal by the server is a {@link VeilApiException} (status, error code, the server's
 * message); a server that cannot be reached a {@link VeilConnectionException}; both are unchecked.
 * Methods that read or write local files also throw {@link IOException} for those files, and
 * {@link IllegalArgumentException} for a directory that is not what they read.
 *
 * <h2>Retries and idempotency</h2>
 *
 * After a connection failure (refused, reset, timed out) a call is retried, with a growing pause,
 * only when repeating it cannot do anything twice: {@code GET}, {@code PUT} (an upload replaces
 * what the same request stored), {@code DELETE}, and the charging {@code POST}s that carry an
 * {@code Idempotency-Key} ({@link #submitJob}, {@link #deposit}): the key is generated once per
 * call and reused by its retries, so the server charges once. Other {@code POST}s (register,
 * login, creating a key set or a data set, uploading rows) are sent once.
 *
 * <h2>Timeouts</h2>
 *
 * A connect timeout, a timeout for the answer to a JSON call, and a longer one for uploads and the
 * start of downloads (the server answers an upload after the whole body has arrived). Waiting for
 * a job has no timeout unless one is given.
 *
 * <p>Instances are immutable and thread-safe; {@link #withToken} makes a client for another token
 * sharing the same connections.
 */
public final class VeilClient {
  /** The header that carries an upload's or a download's SHA-256. */
  public static final String SHA256_HEADER = "X-Content-SHA256";
  /** The header that makes a charging request idempotent. */
  public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

  private static final String JSON = "application/json";
  private static final String OCTETS = "application/octet-stream";
  private static final Object STREAM_ENDED = new Object();
  private static final int MAX_ERROR_BODY = 64 * 1024;

  private final URI base;
  private final String token;
  private final HttpClient http;
  private final Settings settings;

  private record Settings(Duration connectTimeout, Duration requestTimeout,
      Duration transferTimeout, int retries, Duration retryDelay, Duration pollInterval,
      Duration eventsCheckInterval, boolean serverSentEvents, String userAgent) {}

  private VeilClient(URI base, String token, HttpClient http, Settings settings) {
    this.base = base;
    this.token = token;
    this.http = http;
    this.settings = settings;
  }

  /**
   * A builder for a client of the server at {@code baseUrl}, e.g. {@code http://127.0.0.1:8080}
   * (a path prefix in front of {@code /api/} is kept).
   *
   * @throws IllegalArgumentException if it is not an http or https URL
   */
  public static Builder builder(String baseUrl) {
    return new Builder(baseUrl(baseUrl));
  }

  /** A client with the default settings for the server at {@code baseUrl} and this token. */
  public static VeilClient connect(String baseUrl, String token) {
    return builder(baseUrl).token(token).build();
  }

  /** Settings of a {@link VeilClient}. */
  public static final class Builder {
    private final URI base;
    private String token;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Duration transferTimeout = Duration.ofMinutes(30);
    private int retries = 2;
    private Duration retryDelay = Duration.ofMillis(250);
    private Duration pollInterval = Duration.ofSeconds(1);
    private Duration eventsCheckInterval = Duration.ofSeconds(10);
    private boolean serverSentEvents = true;
    private String userAgent = "veil-sdk" + version();

    private Builder(URI base) {
      this.base = base;
    }

    /** The API token ({@code veil_...}) sent as {@code Authorization: Bearer}; null for none. */
    public Builder token(String token) {
      this.token = checkToken(token);
      return this;
    }

    /** How long to wait for a connection (default 10 s). */
    public Builder connectTimeout(Duration d) {
      this.connectTimeout = positive(d, "connectTimeout");
      return this;
    }

    /** How long to wait for the answer to a JSON call (default 60 s). */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = positive(d, "requestTimeout");
      return this;
    }

    /**
     * How long an upload may take until the server's answer, and a download until its first
     * bytes (default 30 min).
     */
    public Builder transferTimeout(Duration d) {
      this.transferTimeout = positive(d, "transferTimeout");
      return this;
    }

    /** Retries of an idempotent call after a connection failure (default 2; 0 for none). */
    public Builder retries(int retries) {
      if (retries < 0) {
        throw new IllegalArgumentException("retries must be 0 or more, got " + retries);
      }
      this.retries = retries;
      return this;
    }

    /** The pause before the first retry, doubled for each next one (default 250 ms). */
    public Builder retryDelay(Duration d) {
      this.retryDelay = Objects.requireNonNull(d, "retryDelay");
      if (d.isNegative()) {
        throw new IllegalArgumentException("retryDelay must not be negative");
      }
      return this;
    }

    /**
     * How often {@link #waitForJob} polls when server-sent events are not available (default
     * 1 s).
     */
    public Builder pollInterval(Duration d) {
      this.pollInterval = positive(d, "pollInterval");
      return this;
    }

    /**
     * How long {@link #waitForJob} waits for an event before it checks the job by polling once
     * (default 10 s): a server whose job ran in another process sends no events.
     */
    public Builder eventsCheckInterval(Duration d) {
      this.eventsCheckInterval = positive(d, "eventsCheckInterval");
      return this;
    }

    /** Whether {@link #waitForJob} follows server-sent events (default) or only polls. */
    public Builder serverSentEvents(boolean use) {
      this.serverSentEvents = use;
      return this;
    }

    /** The {@code User-Agent} header (default {@code veil-sdk/VERSION}). */
    public Builder userAgent(String userAgent) {
      this.userAgent = Objects.requireNonNull(userAgent, "userAgent");
      return this;
    }

    public VeilClient build() {
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(connectTimeout)
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();
      return new VeilClient(base, token, http, new Settings(connectTimeout, requestTimeout,
          transferTimeout, retries, retryDelay, pollInterval, eventsCheckInterval,
          serverSentEvents, userAgent));
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }
  }

  /** A client with the same settings and connections for another token (null: none). */
  public VeilClient withToken(String token) {
    return new VeilClient(base, checkToken(token), http, settings);
  }

  /** The server's base URL. */
  public URI baseUrl() {
    return base;
  }

  /** Whether requests carry a token. */
  public boolean hasToken() {
    return token != null;
  }

  // ====================================================================== accounts

  /** {@code GET /api/health}: whether the server answers; throws if it cannot be reached. */
  public boolean health() {
    JsonNode n = call("GET", "/api/health", null, JsonNode.class, true, Map.of());
    return n != null && "ok".equals(n.path("status").asText());
  }

  /** {@code POST /api/register}: a new account (no token needed). */
  public User register(RegisterRequest request) {
    return call("POST", "/api/register", request, User.class, false, Map.of());
  }

  /**
   * {@code POST /api/login}: a new token for the account, shown once. Use it with {@link
   * #withToken}.
   */
  public LoginResponse login(String username, String password) {
    return login(new LoginRequest(username, password, null));
  }

  /** {@code POST /api/login} with a token name. */
  public LoginResponse login(LoginRequest request) {
    return call("POST", "/api/login", request, LoginResponse.class, false, Map.of());
  }

  /** {@code POST /api/logout}: revokes this client's token. */
  public void logout() {
    call("POST", "/api/logout", null, Void.class, false, Map.of());
  }

  /** {@code GET /api/me}: the token's account. */
  public User me() {
    return call("GET", "/api/me", null, User.class, true, Map.of());
  }

  /** {@code POST /api/users} (operators): an account with any roles. */
  public User createUser(RegisterRequest request) {
    return call("POST", "/api/users", request, User.class, false, Map.of());
  }

  /** {@code GET /api/tokens}: the caller's active tokens, newest first. */
  public List<TokenInfo> listTokens() {
    return call("GET", "/api/tokens", null, TokenList.class, true, Map.of()).tokens();
  }

  /** {@code POST /api/tokens}: a new API token, shown once. */
  public NewToken createToken(CreateTokenRequest request) {
    return call("POST", "/api/tokens", request, NewToken.class, false, Map.of());
  }

  /** {@code DELETE /api/tokens/{id}}. */
  public void revokeToken(String tokenId) {
    call("DELETE", "/api/tokens/" + seg(tokenId), null, Void.class, true, Map.of());
  }

  // ====================================================================== key sets

  /** {@code POST /api/keys}: a key set from its parameters ({@code params.bin}), still keyless. */
  public KeySet createKeySet(String name, byte[] params) {
    return call("POST", "/api/keys", new CreateKeySetRequest(name,
        Base64.getEncoder().encodeToString(params)), KeySet.class, false, Map.of());
  }

  /** {@code GET /api/keys}: the caller's key sets. */
  public List<KeySet> listKeySets() {
    return call("GET", "/api/keys", null, KeySetList.class, true, Map.of()).keySets();
  }

  /** {@code GET /api/keys/{id}}. */
  public KeySet getKeySet(String keySetId) {
    return call("GET", "/api/keys/" + seg(keySetId), null, KeySet.class, true, Map.of());
  }

  /** The caller's complete key set of this key id ({@link VeilFiles#keyId}), if any. */
  public Optional<KeySet> findKeySet(String keyId) {
    return listKeySets().stream().filter(k -> k.complete() && keyId.equals(k.keyId()))
        .findFirst();
  }

  /** {@code PUT /api/keys/{id}/public}: the public key ({@code public.key}), streamed. */
  public KeySet uploadPublicKey(String keySetId, Upload body, TransferListener listener)
      throws IOException {
    return upload("PUT", "/api/keys/" + seg(keySetId) + "/public", body, KeySet.class, true,
        listener, 0, body.length(), k -> k.publicKey() == null ? null : k.publicKey().sha256());
  }

  /** {@code PUT /api/keys/{id}/evaluation}: the evaluation keys, streamed. */
  public KeySet uploadEvaluationKeys(String keySetId, Upload body, TransferListener listener)
      throws IOException {
    return upload("PUT", "/api/keys/" + seg(keySetId) + "/evaluation", body, KeySet.class, true,
        listener, 0, body.length(),
        k -> k.evaluationKeys() == null ? null : k.evaluationKeys().sha256());
  }

  /**
   * Uploads the public files of a {@code veil keygen} key directory as a new key set: {@code
   * params.bin}, {@code public.key} and {@code evaluation.keys}. Never reads {@code secret.key}.
   *
   * @param listener bytes of the two keys sent so far
   * @return the complete key set
   * @throws IllegalArgumentException if a file is missing
   */
  public KeySet uploadKeySet(Path keyDir, String name, TransferListener listener)
      throws IOException {
    Path params = requireFile(keyDir, VeilFiles.PARAMS, "a key directory from veil keygen");
    Path pk = requireFile(keyDir, VeilFiles.PUBLIC_KEY, "a key directory from veil keygen");
    Path evk = requireFile(keyDir, VeilFiles.EVALUATION_KEYS, "a key directory from veil keygen");
    if (Files.size(params) > 1 << 20) {
      throw new IllegalArgumentException(params + " is too large for parameters");
    }
    Upload pkBody = Upload.of(pk);
    Upload evkBody = Upload.of(evk);
    long total = pkBody.length() + evkBody.length();
    KeySet ks = createKeySet(name, Files.readAllBytes(params));
    upload("PUT", "/api/keys/" + seg(ks.id()) + "/public", pkBody, KeySet.class, true, listener,
        0, total, k -> k.publicKey() == null ? null : k.publicKey().sha256());
    return upload("PUT", "/api/keys/" + seg(ks.id()) + "/evaluation", evkBody, KeySet.class,
        true, listener, pkBody.length(), total,
        k -> k.evaluationKeys() == null ? null : k.evaluationKeys().sha256());
  }

  /** {@link #uploadKeySet(Path, String, TransferListener)} without progress. */
  public KeySet uploadKeySet(Path keyDir, String name) throws IOException {
    return uploadKeySet(keyDir, name, TransferListener.NONE);
  }

  // ====================================================================== data sets

  /** {@code POST /api/datasets} (data owners): a data set whose parts are uploaded next. */
  public Dataset createDataset(CreateDatasetRequest request) {
    return call("POST", "/api/datasets", request, Dataset.class, false, Map.of());
  }

  /** {@code GET /api/datasets}: the caller's data sets and the listed READY ones of others. */
  public List<Dataset> listDatasets() {
    return call("GET", "/api/datasets", null, DatasetList.class, true, Map.of()).datasets();
  }

  /** {@code GET /api/datasets/{id}}. */
  public Dataset getDataset(String datasetId) {
    return call("GET", "/api/datasets/" + seg(datasetId), null, Dataset.class, true, Map.of());
  }

  /** {@code PATCH /api/datasets/{id}}: changes the listing. */
  public Dataset updateDataset(String datasetId, UpdateDatasetRequest request) {
    return call("PATCH", "/api/datasets/" + seg(datasetId), request, Dataset.class, false,
        Map.of());
  }

  /** {@code DELETE /api/datasets/{id}}. */
  public void deleteDataset(String datasetId) {
    call("DELETE", "/api/datasets/" + seg(datasetId), null, Void.class, true, Map.of());
  }

  /** {@code GET /api/datasets/{id}/parts}: the parts received and the missing ones. */
  public PartList listParts(String datasetId) {
    return call("GET", "/api/datasets/" + seg(datasetId) + "/parts", null, PartList.class, true,
        Map.of());
  }

  /** {@code PUT /api/datasets/{id}/parts/{index}}: one ciphertext, streamed. */
  public Part uploadPart(String datasetId, int index, Upload body, TransferListener listener)
      throws IOException {
    return upload("PUT", "/api/datasets/" + seg(datasetId) + "/parts/" + index, body,
        Part.class, true, listener, 0, body.length(), Part::sha256);
  }

  /** {@code POST /api/datasets/{id}/complete}: READY once every part is there. */
  public Dataset completeDataset(String datasetId) {
    return call("POST", "/api/datasets/" + seg(datasetId) + "/complete", null, Dataset.class,
        false, Map.of());
  }

  /**
   * Uploads a {@code veil encrypt} directory as a new data set: its {@code meta.json} as the
   * public metadata, then every ciphertext {@code z-NNNNN.ct} as a part (each with its
   * SHA-256), then marks it READY. If an upload breaks off, {@link #resumeDatasetUpload} sends
   * what is missing.
   *
   * @param description free text, or null
   * @param keySetId the caller's complete key set the data is encrypted under
   * @param pricePerTraining minor units another user pays per training job (0: free)
   * @param listed whether others may find it
   * @param listener bytes of the parts sent so far, of their total
   * @throws IllegalArgumentException if the directory is not a logistic data set of {@code veil
   *     encrypt} (the parts layout the API takes) or a ciphertext is missing
   */
  public Dataset uploadDataset(Path dataDir, String name, String description, String keySetId,
      long pricePerTraining, boolean listed, TransferListener listener) throws IOException {
    DataDir d = dataDir(dataDir);
    Dataset ds = createDataset(new CreateDatasetRequest(name, description, keySetId, d.meta(),
        pricePerTraining, listed));
    return uploadParts(ds.id(), d, null, listener);
  }

  /** {@link #uploadDataset(Path, String, String, String, long, boolean, TransferListener)}. */
  public Dataset uploadDataset(Path dataDir, String name, String description, String keySetId,
      long pricePerTraining, boolean listed) throws IOException {
    return uploadDataset(dataDir, name, description, keySetId, pricePerTraining, listed,
        TransferListener.NONE);
  }

  /**
   * Finishes an interrupted {@link #uploadDataset}: uploads the parts the server is missing from
   * the same directory and marks the data set READY.
   */
  public Dataset resumeDatasetUpload(String datasetId, Path dataDir, TransferListener listener)
      throws IOException {
    DataDir d = dataDir(dataDir);
    List<Integer> missing = new ArrayList<>();
    PartList parts = listParts(datasetId);
    if (parts.missingCount() > parts.missing().size()) {
      // more than the server lists at once: send them all again (uploads replace parts)
      missing = null;
    } else {
      missing.addAll(parts.missing());
    }
    return uploadParts(datasetId, d, missing, listener);
  }

  private record DataDir(JsonNode meta, List<Path> parts) {}

  private static DataDir dataDir(Path dir) throws IOException {
    String what = "an encrypted data set from veil encrypt";
    Path metaFile = requireFile(dir, VeilFiles.META, what);
    JsonNode meta = readJson(metaFile);
    if (!VeilFiles.DATA_FORMAT.equals(meta.path("format").asText())) {
      throw new IllegalArgumentException(metaFile + ": format '" + meta.path("format").asText()
          + "', expected '" + VeilFiles.DATA_FORMAT + "' (" + what + ")");
    }
    String model = meta.path("model").asText("logistic");
    if (!model.equals("logistic")) {
      throw new IllegalArgumentException(dir + " was encrypted for a '" + model + "' model; the"
          + " server takes logistic data sets (parts z-NNNNN.ct): encrypt with keys made by veil"
          + " keygen --model logistic");
    }
    int n = meta.path("ciphertexts").asInt(0);
    if (n < 1) {
      throw new IllegalArgumentException(metaFile + ": 'ciphertexts' must be 1 or more");
    }
    List<Path> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      parts.add(requireFile(dir, VeilFiles.datasetPart(i), what));
    }
    return new DataDir(meta, parts);
  }

  /** Uploads the parts (all, or the listed indices), then completes. */
  private Dataset uploadParts(String datasetId, DataDir d, List<Integer> indices,
      TransferListener listener) throws IOException {
    List<Integer> todo = new ArrayList<>();
    if (indices == null) {
      for (int i = 0; i < d.parts().size(); i++) {
        todo.add(i);
      }
    } else {
      todo.addAll(indices);
    }
    long total = 0;
    for (int i : todo) {
      if (i < 0 || i >= d.parts().size()) {
        throw new IllegalArgumentException("the server expects part " + i + ", the directory"
            + " holds " + d.parts().size());
      }
      total += Files.size(d.parts().get(i));
    }
    long done = 0;
    for (int i : todo) {
      Upload body = Upload.of(d.parts().get(i));
      upload("PUT", "/api/datasets/" + seg(datasetId) + "/parts/" + i, body, Part.class, true,
          listener, done, total, Part::sha256);
      done += body.length();
    }
    return completeDataset(datasetId);
  }

  // ====================================================================== models

  /** {@code POST /api/models} (model sellers): publishes a model with its listing. */
  public Model publishModel(PublishModelRequest request) {
    return call("POST", "/api/models", request, Model.class, false, Map.of());
  }

  /**
   * {@code GET /api/models}: listed models and the caller's own, newest first.
   *
   * @param mine only the caller's own
   * @param limit 1 to 500
   */
  public List<Model> listModels(boolean mine, int limit) {
    return call("GET", "/api/models?mine=" + mine + "&limit=" + limit, null, ModelList.class,
        true, Map.of()).models();
  }

  /** {@code GET /api/models}: up to 100 of the listed models and the caller's own. */
  public List<Model> listModels() {
    return listModels(false, 100);
  }

  /** {@code GET /api/models/{id}}, with the caller's use of its budget. */
  public Model getModel(String modelId) {
    return call("GET", "/api/models/" + seg(modelId), null, Model.class, true, Map.of());
  }

  /** {@code PATCH /api/models/{id}} (its seller). */
  public Model updateModel(String modelId, UpdateModelRequest request) {
    return call("PATCH", "/api/models/" + seg(modelId), request, Model.class, false, Map.of());
  }

  // ====================================================================== inference inputs

  /** {@code POST /api/inputs}: encrypted rows for inference, streamed (sent once). */
  public Input uploadInput(Upload body, TransferListener listener) throws IOException {
    return upload("POST", "/api/inputs", body, Input.class, false, listener, 0, body.length(),
        Input::sha256);
  }

  /**
   * Uploads a rows directory of {@code veil encrypt --schema} as one input: its ciphertexts
   * {@code x-BBBBB-JJJJ.ct}, batch after batch, feature after feature (the feature-major order of
   * the API).
   *
   * @throws IllegalArgumentException if the directory is not rows encrypted for inference
   */
  public Input uploadRows(Path rowsDir, TransferListener listener) throws IOException {
    String what = "rows encrypted for inference by veil encrypt --schema";
    Path metaFile = requireFile(rowsDir, VeilFiles.META, what);
    JsonNode meta = readJson(metaFile);
    if (!VeilFiles.ROWS_FORMAT.equals(meta.path("format").asText())) {
      throw new IllegalArgumentException(metaFile + ": format '" + meta.path("format").asText()
          + "', expected '" + VeilFiles.ROWS_FORMAT + "' (" + what + ")");
    }
    int batches = meta.path("batches").asInt(0);
    int features = meta.path("features").asInt(0);
    if (batches < 1 || features < 1) {
      throw new IllegalArgumentException(metaFile + ": 'batches' and 'features' must be 1 or"
          + " more");
    }
    List<Path> files = new ArrayList<>(batches * features);
    for (int b = 0; b < batches; b++) {
      for (int j = 0; j < features; j++) {
        files.add(requireFile(rowsDir, VeilFiles.rowsFile(b, j), what));
      }
    }
    return uploadInput(Upload.ofFiles(files), listener);
  }

  // ====================================================================== jobs

  /**
   * {@code POST /api/jobs} with a fresh {@code Idempotency-Key}, reused if the call is retried:
   * the job is queued (and its price held) once.
   */
  public Job submitJob(SubmitJobRequest request) {
    return submitJob(request, UUID.randomUUID().toString());
  }

  /**
   * {@code POST /api/jobs} with the caller's {@code Idempotency-Key}: the same key again returns
   * the first job and charges nothing more (the same key with another request is a 409).
   */
  public Job submitJob(SubmitJobRequest request, String idempotencyKey) {
    return call("POST", "/api/jobs", request, Job.class, true,
        Map.of(IDEMPOTENCY_KEY_HEADER, checkKey(idempotencyKey)));
  }

  /**
   * {@code GET /api/jobs}: the caller's jobs and training jobs on the caller's data sets, newest
   * first.
   *
   * @param state only jobs in this state, or null
   * @param all every job (operators only)
   * @param limit 1 to 500
   */
  public List<Job> listJobs(JobState state, boolean all, int limit) {
    String q = "?all=" + all + "&limit=" + limit + (state == null ? "" : "&state=" + state);
    return call("GET", "/api/jobs" + q, null, JobList.class, true, Map.of()).jobs();
  }

  /** {@code GET /api/jobs}: up to 100 of the caller's jobs, newest first. */
  public List<Job> listJobs() {
    return listJobs(null, false, 100);
  }

  /** {@code GET /api/jobs/{id}}. */
  public Job getJob(String jobId) {
    return call("GET", "/api/jobs/" + seg(jobId), null, Job.class, true, Map.of());
  }

  /** {@code POST /api/jobs/{id}/cancel}: the job after the request. */
  public Job cancelJob(String jobId) {
    return call("POST", "/api/jobs/" + seg(jobId) + "/cancel", null, Job.class, true, Map.of());
  }

  /**
   * {@code GET /api/jobs/{id}/result}: streams a SUCCEEDED job's result to {@code target}: into a
   * temporary file beside it, checked against the size and SHA-256 the server sends, then moved
   * into place (replacing {@code target}). A failed download leaves {@code target} as it was.
   *
   * @param listener bytes received so far
   * @throws VeilException if the bytes do not match the server's digest or size
   */
  public Download downloadResult(String jobId, Path target, TransferListener listener)
      throws IOException {
    return download("/api/jobs/" + seg(jobId) + "/result", target, listener);
  }

  /** {@link #downloadResult(String, Path, TransferListener)} without progress. */
  public Download downloadResult(String jobId, Path target) throws IOException {
    return downloadResult(jobId, target, TransferListener.NONE);
  }

  /** {@link #waitForJob(String, JobListener, Duration)} without a time limit. */
  public Job waitForJob(String jobId, JobListener listener) {
    return waitForJob(jobId, listener, null);
  }

  /**
   * Waits until the job ends (SUCCEEDED, FAILED or CANCELLED) and returns it as it ended, telling
   * {@code listener} every change on the way.
   *
   * <p>Follows the job's server-sent events ({@code GET /api/jobs/{id}/events}, {@code
   * text/event-stream}); when the stream is refused or breaks off, polls {@code GET
   * /api/jobs/{id}} instead, and while the stream is silent it polls now and then too (events come
   * only from the server process whose worker runs the job).
   *
   * @param timeout how long to wait at most, or null for no limit
   * @throws VeilException if the time runs out or the thread is interrupted
   */
  public Job waitForJob(String jobId, JobListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener");
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Notifier notifier = new Notifier(listener);
    Job job = getJob(jobId);
    notifier.tell(job.toEvent());
    if (job.state().isTerminal()) {
      return job;
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    EventStream stream = settings.serverSentEvents() ? follow(jobId, queue) : null;
    boolean streaming = stream != null;
    try {
      while (true) {
        long wait = (streaming ? settings.eventsCheckInterval() : settings.pollInterval())
            .toNanos();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new VeilException("job " + jobId + " did not end within " + timeout
              + " (it is " + job.state() + ": " + job.stage() + ")");
        }
        Object o = queue.poll(Math.min(wait, left), TimeUnit.NANOSECONDS);
        if (o instanceof JobEvent e) {
          notifier.tell(e);
          if (e.state().isTerminal()) {
            break;
          }
          continue;
        }
        if (o == STREAM_ENDED) {
          streaming = false; // and check at once
        }
        job = getJob(jobId);
        notifier.tell(job.toEvent());
        if (job.state().isTerminal()) {
          return job;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VeilException("interrupted while waiting for job " + jobId, e);
    } finally {
      if (stream != null) {
        stream.cancel();
      }
    }
    return getJob(jobId);
  }

  /** Tells a listener each distinct (state, stage, progress, error) once. */
  private static final class Notifier {
    private final JobListener listener;
    private List<Object> last;

    Notifier(JobListener listener) {
      this.listener = listener;
    }

    void tell(JobEvent e) {
      List<Object> key = java.util.Arrays.asList(e.state(), e.stage(), e.progress(), e.error());
      if (!key.equals(last)) {
        last = key;
        listener.onEvent(e);
      }
    }
  }

  /** A followed event stream. */
  private interface EventStream {
    void cancel();
  }

  /** Starts following the job's events into {@code queue}; {@link #STREAM_ENDED} at the end. */
  private EventStream follow(String jobId, BlockingQueue<Object> queue) {
    String path = "/api/jobs/" + seg(jobId) + "/events";
    HttpRequest req = request(path, settings.requestTimeout())
        .header("Accept", "text/event-stream").GET().build();
    EventStreamParser parser = new EventStreamParser(ev -> {
      if (ev.event().equals("job")) {
        try {
          queue.add(Json.MAPPER.readValue(ev.data(), JobEvent.class));
        } catch (JacksonException ignored) {
          // an event this client does not understand: polling tells the truth
        }
      }
    });
    LineSubscriber lines = new LineSubscriber(parser, queue);
    CompletableFuture<HttpResponse<Void>> f = http.sendAsync(req, info -> {
      String ct = info.headers().firstValue("Content-Type").orElse("");
      if (info.statusCode() == 200 && ct.startsWith("text/event-stream")) {
        return BodySubscribers.fromLineSubscriber(lines);
      }
      queue.add(STREAM_ENDED); // refused (an older server, a proxy): poll instead
      return BodySubscribers.replacing(null);
    });
    f.whenComplete((r, t) -> {
      if (t != null) {
        queue.add(STREAM_ENDED);
      }
    });
    return () -> {
      lines.cancel();
      f.cancel(true);
    };
  }

  /** Feeds the lines of an event stream to a parser. */
  private static final class LineSubscriber implements Flow.Subscriber<String> {
    private final EventStreamParser parser;
    private final BlockingQueue<Object> queue;
    private volatile Flow.Subscription subscription;
    private volatile boolean cancelled;

    LineSubscriber(EventStreamParser parser, BlockingQueue<Object> queue) {
      this.parser = parser;
      this.queue = queue;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelled) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      parser.line(line);
    }

    @Override
    public void onError(Throwable t) {
      queue.add(STREAM_ENDED);
    }

    @Override
    public void onComplete() {
      parser.end();
      queue.add(STREAM_ENDED);
    }

    void cancel() {
      cancelled = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }

  // ====================================================================== ledger and audit

  /**
   * {@code GET /api/balance}: the caller's balances and latest transactions.
   *
   * @param transactions how many of the latest transactions, 1 to 500
   */
  public Balance balance(int transactions) {
    return call("GET", "/api/balance?transactions=" + transactions, null, Balance.class, true,
        Map.of());
  }

  /** {@code GET /api/balance} with the 20 latest transactions. */
  public Balance balance() {
    return balance(20);
  }

  /**
   * {@code POST /api/deposits} (operators) with a fresh {@code Idempotency-Key}, reused if the
   * call is retried: credited once.
   */
  public LedgerTransaction deposit(DepositRequest request) {
    return deposit(request, UUID.randomUUID().toString());
  }

  /** {@code POST /api/deposits} with the caller's {@code Idempotency-Key} (e.g. a payment id). */
  public LedgerTransaction deposit(DepositRequest request, String idempotencyKey) {
    return call("POST", "/api/deposits", request, LedgerTransaction.class, true,
        Map.of(IDEMPOTENCY_KEY_HEADER, checkKey(idempotencyKey)));
  }

  /** {@code GET /api/ledger/verify} (operators). */
  public LedgerVerification verifyLedger() {
    return call("GET", "/api/ledger/verify", null, LedgerVerification.class, true, Map.of());
  }

  /**
   * {@code GET /api/audit} (operators): records after a sequence number.
   *
   * @param after 0 for the first page, then the page's {@code next}
   * @param limit 1 to 1000
   */
  public AuditPage audit(long after, int limit) {
    return call("GET", "/api/audit?after=" + after + "&limit=" + limit, null, AuditPage.class,
        true, Map.of());
  }

  /** {@code GET /api/audit/verify} (operators): recomputes the audit log's hash chain. */
  public AuditVerification verifyAudit() {
    return call("GET", "/api/audit/verify", null, AuditVerification.class, true, Map.of());
  }

  // ====================================================================== list bodies

  private record TokenList(List<TokenInfo> tokens) {}

  private record KeySetList(List<KeySet> keySets) {}

  private record DatasetList(List<Dataset> datasets) {}

  private record ModelList(List<Model> models) {}

  private record JobList(List<Job> jobs) {}

  // ====================================================================== HTTP

  private HttpRequest.Builder request(String path, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(timeout)
        .header("User-Agent", settings.userAgent());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b;
  }

  private URI uri(String path) {
    return URI.create(base.toString() + path);
  }

  /** A JSON call: {@code body} serialised (null for none), the answer read as {@code type}. */
  private <T> T call(String method, String path, Object body, Class<T> type, boolean retryable,
      Map<String, String> headers) {
    byte[] json;
    try {
      json = body == null ? null : Json.MAPPER.writeValueAsBytes(body);
    } catch (JacksonException e) {
      throw new IllegalArgumentException("cannot write the request body: "
          + e.getOriginalMessage(), e);
    }
    Supplier<HttpRequest> req = () -> {
      HttpRequest.Builder b = request(path, settings.requestTimeout());
      headers.forEach(b::header);
      if (json != null) {
        b.header("Content-Type", JSON);
      }
      b.header("Accept", JSON);
      return b.method(method, json == null ? BodyPublishers.noBody()
          : BodyPublishers.ofByteArray(json)).build();
    };
    HttpResponse<byte[]> r = exchange(method, path, req, retryable, null);
    return read(method, path, r.statusCode(), r.headers(), r.body(), type);
  }

  /**
   * Sends a request, retrying after connection failures when {@code retryable}; a local failure
   * recorded by {@code local} (reading an upload's file) is not retried.
   */
  private HttpResponse<byte[]> exchange(String method, String path, Supplier<HttpRequest> req,
      boolean retryable, LocalFailure local) {
    for (int attempt = 0; ; attempt++) {
      try {
        return http.send(req.get(), BodyHandlers.ofByteArray());
      } catch (IOException e) {
        if (local != null && local.failure != null) {
          throw new UncheckedIOException(local.failure);
        }
        if (!retryable || attempt >= settings.retries()) {
          throw connectionFailure(method, path, e, attempt + 1);
        }
        pause(attempt, method, path);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VeilException("interrupted during " + method + " " + path, e);
      }
    }
  }

  /** The first local I/O failure while reading an upload's body. */
  private static final class LocalFailure {
    volatile IOException failure;
  }

  private <T> T upload(String method, String path, Upload body, Class<T> type,
      boolean retryable, TransferListener listener, long done, long total,
      Function<T, String> storedSha256) throws IOException {
    Objects.requireNonNull(body, "body");
    TransferListener l = listener == null ? TransferListener.NONE : listener;
    LocalFailure local = new LocalFailure();
    Digests.Hashing[] sent = new Digests.Hashing[1];
    Supplier<HttpRequest> req = () -> {
      local.failure = null;
      BodyPublisher p = BodyPublishers.ofInputStream(() -> {
        try {
          Digests.Hashing h = new Digests.Hashing(new LocalReads(body.open(), local), l, done,
              total);
          sent[0] = h;
          return h;
        } catch (IOException e) {
          local.failure = e;
          throw new UncheckedIOException(e);
        }
      });
      if (body.length() == 0) {
        p = BodyPublishers.noBody();
      } else if (body.length() > 0) {
        p = BodyPublishers.fromPublisher(p, body.length());
      }
      HttpRequest.Builder b = request(path, settings.transferTimeout())
          .header("Content-Type", OCTETS).header("Accept", JSON);
      body.sha256().ifPresent(s -> b.header(SHA256_HEADER, s));
      return b.method(method, p).build();
    };
    HttpResponse<byte[]> r;
    try {
      r = exchange(method, path, req, retryable && body.isRepeatable(), local);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    T value = read(method, path, r.statusCode(), r.headers(), r.body(), type);
    if (body.sha256().isEmpty() && sent[0] != null && storedSha256 != null) {
      String mine = sent[0].sha256();
      String theirs = storedSha256.apply(value);
      if (theirs != null && !theirs.equalsIgnoreCase(mine)) {
        throw new VeilException(method + " " + path + ": the server stored bytes of SHA-256 "
            + theirs + ", the body sent has " + mine);
      }
    }
    return value;
  }

  /** Records the first read failure of an upload's source (a local file, not the network). */
  private static final class LocalReads extends java.io.FilterInputStream {
    private final LocalFailure local;

    LocalReads(InputStream in, LocalFailure local) {
      super(in);
      this.local = local;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        local.failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        local.failure = e;
        throw e;
      }
    }
  }

  private Download download(String path, Path target, TransferListener listener)
      throws IOException {
    TransferListener l = listener == null ? TransferListener.NONE : listener;
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new IllegalArgumentException("cannot write '" + target + "': no such directory "
          + dir);
    }
    if (Files.isDirectory(abs)) {
      throw new IllegalArgumentException("cannot write '" + target + "': it is a directory");
    }
    for (int attempt = 0; ; attempt++) {
      HttpResponse<InputStream> r;
      try {
        r = http.send(request(path, settings.transferTimeout()).GET().build(),
            BodyHandlers.ofInputStream());
      } catch (IOException e) {
        if (attempt >= settings.retries()) {
          throw connectionFailure("GET", path, e, attempt + 1);
        }
        pause(attempt, "GET", path);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new VeilException("interrupted during GET " + path, e);
      }
      try (InputStream in = r.body()) {
        if (r.statusCode() != 200) {
          byte[] err = in.readNBytes(MAX_ERROR_BODY);
          throw apiError("GET", path, r.statusCode(), r.headers(), err);
        }
        String expected = r.headers().firstValue(SHA256_HEADER).map(s -> s.strip()
            .toLowerCase(Locale.ROOT)).orElse(null);
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".part");
        boolean moved = false;
        try {
          Digests.Hashing h = new Digests.Hashing(in, l, 0, length);
          try (OutputStream out = Files.newOutputStream(tmp)) {
            byte[] buf = new byte[1 << 16];
            while (true) {
              int n;
              try {
                n = h.read(buf);
              } catch (IOException e) {
                throw new BrokenDownload(e);
              }
              if (n < 0) {
                break;
              }
              out.write(buf, 0, n);
            }
          }
          String got = h.sha256();
          if (length >= 0 && h.count() != length) {
            throw new BrokenDownload(new IOException("the download ended after " + h.count()
                + " of " + length + " bytes"));
          }
          if (expected != null && !expected.equals(got)) {
            throw new VeilException("GET " + path + ": the bytes received have SHA-256 " + got
                + ", the server announced " + expected);
          }
          move(tmp, abs);
          moved = true;
          return new Download(abs, got, h.count());
        } finally {
          if (!moved) {
            Files.deleteIfExists(tmp);
          }
        }
      } catch (BrokenDownload e) {
        if (attempt >= settings.retries()) {
          throw connectionFailure("GET", path, e.io, attempt + 1);
        }
        pause(attempt, "GET", path);
      }
    }
  }

  /** The network broke during a download's body (not a local write). */
  private static final class BrokenDownload extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final IOException io;

    BrokenDownload(IOException io) {
      super(io);
      this.io = io;
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private <T> T read(String method, String path, int status, HttpHeaders headers, byte[] body,
      Class<T> type) {
    if (status < 200 || status > 299) {
      throw apiError(method, path, status, headers, body);
    }
    if (type == Void.class || body == null || body.length == 0) {
      return null;
    }
    try {
      return Json.MAPPER.readValue(body, type);
    } catch (IOException e) {
      throw new VeilException(method + " " + path + ": the server's answer is not the expected "
          + type.getSimpleName() + " (" + e.getMessage().lines().findFirst().orElse("") + ")",
          e);
    }
  }

  private static VeilApiException apiError(String method, String path, int status,
      HttpHeaders headers, byte[] body) {
    String text = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    boolean json = headers.firstValue("Content-Type").orElse("").contains("json");
    if (json || text.startsWith("{")) {
      try {
        Map<String, Object> m = Json.MAPPER.readValue(text, new TypeReference<LinkedHashMap<
            String, Object>>() {});
        Object error = m.get("error");
        Object message = m.get("message");
        if (error instanceof String e && message instanceof String msg) {
          return new VeilApiException(status, e, msg, method, path);
        }
      } catch (IOException ignored) {
        // not the API's error body: described below
      }
    }
    String oneLine = text.replaceAll("<[^>]*>", " ").replaceAll("\\s+", " ").strip();
    if (oneLine.length() > 200) {
      oneLine = oneLine.substring(0, 200) + "...";
    }
    String message = method + " " + path + " answered HTTP " + status
        + (oneLine.isEmpty() ? "" : ": " + oneLine);
    return new VeilApiException(status, "http_" + status, message, method, path);
  }

  private VeilConnectionException connectionFailure(String method, String path, IOException e,
      int attempts) {
    String why;
    if (e instanceof HttpConnectTimeoutException) {
      why = "no connection within " + settings.connectTimeout().toSeconds() + " s";
    } else if (e instanceof HttpTimeoutException) {
      why = "no answer in time";
    } else if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
      why = hasCause(e, UnresolvedAddressException.class) ? "unknown host"
          : "connection refused";
    } else {
      why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
          : e.getMessage();
    }
    return new VeilConnectionException(base, "cannot reach the Veil server at " + base + " ("
        + why + (attempts > 1 ? ", " + attempts + " attempts" : "") + ") during " + method + " "
        + path, e);
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }

  private void pause(int attempt, String method, String path) {
    long millis = settings.retryDelay().toMillis() << Math.min(attempt, 10);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new VeilException("interrupted during " + method + " " + path, e);
    }
  }

  // ====================================================================== small checks

  private static URI baseUrl(String url) {
    Objects.requireNonNull(url, "baseUrl");
    String u = url.strip();
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URL: '" + url + "'", e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new IllegalArgumentException("the server URL must be http://HOST[:PORT] or"
          + " https://..., got '" + url + "'");
    }
    if (uri.getQuery() != null || uri.getFragment() != null) {
      throw new IllegalArgumentException("the server URL must not have a query or fragment: '"
          + url + "'");
    }
    return uri;
  }

  private static String checkToken(String token) {
    if (token == null) {
      return null;
    }
    String t = token.strip();
    if (t.isEmpty() || !t.chars().allMatch(c -> c > 32 && c < 127)) {
      throw new IllegalArgumentException("an API token is printable ASCII without spaces");
    }
    return t;
  }

  private static String checkKey(String key) {
    if (key == null || key.isEmpty() || key.length() > 200
        || !key.chars().allMatch(c -> c >= 32 && c < 127)) {
      throw new IllegalArgumentException("an idempotency key is 1 to 200 printable ASCII"
          + " characters");
    }
    return key;
  }

  /** A path segment: everything but unreserved characters percent-encoded. */
  private static String seg(String id) {
    Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("an empty id");
    }
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static Path requireFile(Path dir, String name, String what) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(Files.exists(dir) ? "'" + dir + "' is not a directory"
          + " (expected " + what + ")" : "no such directory: " + dir + " (expected " + what
          + ")");
    }
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f)) {
      throw new IllegalArgumentException("no " + name + " in " + dir + " (expected " + what
          + ")");
    }
    return f;
  }

  private static JsonNode readJson(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      JsonNode n = Json.MAPPER.readTree(in);
      if (n == null || !n.isObject()) {
        throw new IllegalArgumentException(file + ": not a JSON object");
      }
      return n;
    } catch (JacksonException e) {
      throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage()
          + ")", e);
    }
  }

  private static String version() {
    String v = VeilClient.class.getPackage() == null ? null
        : VeilClient.class.getPackage().getImplementationVersion();
    return v == null ? "" : "/" + v;
  }
}
