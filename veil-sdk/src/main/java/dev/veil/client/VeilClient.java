package dev.veil.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import dev.veil.api.AuditChain;
import dev.veil.api.AuditCheckpoint;
import dev.veil.api.AuditCheckpointPage;
import dev.veil.api.AuditPage;
import dev.veil.api.AuditReport;
import dev.veil.api.AuditSigningKey;
import dev.veil.api.AuditVerification;
import dev.veil.api.Balance;
import dev.veil.api.CreateDatasetRequest;
import dev.veil.api.CreateTokenRequest;
import dev.veil.api.Dataset;
import dev.veil.api.DepositRequest;
import dev.veil.api.Input;
import dev.veil.api.Handover;
import dev.veil.api.Job;
import dev.veil.api.JobState;
import dev.veil.api.KeySet;
import dev.veil.api.LedgerTransaction;
import dev.veil.api.LedgerVerification;
import dev.veil.api.LoginRequest;
import dev.veil.api.LoginResponse;
import dev.veil.api.Model;
import dev.veil.api.NewToken;
import dev.veil.api.NewWorker;
import dev.veil.api.Part;
import dev.veil.api.PartList;
import dev.veil.api.PublishModelRequest;
import dev.veil.api.RegisterRequest;
import dev.veil.api.RegisterWorkerRequest;
import dev.veil.api.SubmitJobRequest;
import dev.veil.api.TokenInfo;
import dev.veil.api.UpdateDatasetRequest;
import dev.veil.api.UpdateModelRequest;
import dev.veil.api.User;
import dev.veil.api.WorkerInfo;

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

  private final Transport transport;
  private final Accounts accounts;
  private final KeySets keySets;
  private final Datasets datasets;
  private final Models models;
  private final Inputs inputs;
  private final Jobs jobs;
  private final JobWaiter waiter;
  private final Ledger ledger;

  private final Handovers handovers;

  private VeilClient(Transport transport) {
    this.transport = transport;
    Uploads uploads = new Uploads(transport);
    this.accounts = new Accounts(transport);
    this.keySets = new KeySets(transport, uploads);
    this.datasets = new Datasets(transport, uploads);
    this.models = new Models(transport);
    this.inputs = new Inputs(transport, uploads);
    this.jobs = new Jobs(transport, new Downloads(transport));
    this.handovers = new Handovers(transport, uploads, new Downloads(transport));
    Settings s = transport.settings();
    this.waiter = new JobWaiter(jobs::get, s.serverSentEvents() ? new JobEventStream(transport)
        : null, s.pollInterval(), s.eventsCheckInterval());
    this.ledger = new Ledger(transport);
  }

  /**
   * A builder for a client of the server at {@code baseUrl}, e.g. {@code http://127.0.0.1:8080}
   * (a path prefix in front of {@code /api/} is kept).
   *
   * @throws IllegalArgumentException if it is not an http or https URL
   */
  public static Builder builder(String baseUrl) {
    return new Builder(Transport.baseUrl(baseUrl));
  }

  /** A client with the default settings for the server at {@code baseUrl} and this token. */
  public static VeilClient connect(String baseUrl, String token) {
    return builder(baseUrl).token(token).build();
  }

  /**
   * A client with the default settings for the server at {@code baseUrl} and this token, trusting
   * the certificates {@code tls} names (e.g. {@link TlsOptions#trusting} a private CA).
   */
  public static VeilClient connect(String baseUrl, String token, TlsOptions tls) {
    return builder(baseUrl).token(token).tls(tls).build();
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
    private TlsOptions tls = TlsOptions.systemDefault();

    private Builder(URI base) {
      this.base = base;
    }

    /** The API token ({@code veil_...}) sent as {@code Authorization: Bearer}; null for none. */
    public Builder token(String token) {
      this.token = Transport.checkToken(token);
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

    /**
     * The certificates an {@code https://} server's must chain to (default {@link
     * TlsOptions#systemDefault}: the JDK's trust store). The certificate and its host name are
     * always verified.
     */
    public Builder tls(TlsOptions tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** A client with these settings, over its own connections. */
    public VeilClient build() {
      return new VeilClient(Transport.create(base, token, new Settings(connectTimeout,
          requestTimeout, transferTimeout, retries, retryDelay, pollInterval,
          eventsCheckInterval, serverSentEvents, userAgent, tls)));
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isZero() || d.isNegative()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
      return d;
    }

    private static String version() {
      Package p = VeilClient.class.getPackage();
      String v = p == null ? null : p.getImplementationVersion();
      return v == null ? "" : "/" + v;
    }
  }

  /** A client with the same settings and connections for another token (null: none). */
  public VeilClient withToken(String token) {
    return new VeilClient(transport.withToken(token));
  }

  /** The server's base URL. */
  public URI baseUrl() {
    return transport.base();
  }

  /** Whether requests carry a token. */
  public boolean hasToken() {
    return transport.hasToken();
  }

  // ====================================================================== accounts

  /** {@code GET /api/health}: whether the server answers; throws if it cannot be reached. */
  public boolean health() {
    return accounts.health();
  }

  /** {@code POST /api/register}: a new account (no token needed). */
  public User register(RegisterRequest request) {
    return accounts.register(request);
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
    return accounts.login(request);
  }

  /** {@code POST /api/logout}: revokes this client's token. */
  public void logout() {
    accounts.logout();
  }

  /** {@code GET /api/me}: the token's account. */
  public User me() {
    return accounts.me();
  }

  /** {@code POST /api/users} (operators): an account with any roles. */
  public User createUser(RegisterRequest request) {
    return accounts.createUser(request);
  }

  /** {@code GET /api/tokens}: the caller's active tokens, newest first. */
  public List<TokenInfo> listTokens() {
    return accounts.listTokens();
  }

  /** {@code POST /api/tokens}: a new API token, shown once. */
  public NewToken createToken(CreateTokenRequest request) {
    return accounts.createToken(request);
  }

  /** {@code DELETE /api/tokens/{id}}. */
  public void revokeToken(String tokenId) {
    accounts.revokeToken(tokenId);
  }

  /**
   * {@code POST /api/me/password}: changes the password (the current one is required); the
   * caller's other tokens are revoked, this client's is kept.
   *
   * @return how many tokens were revoked
   */
  public int changePassword(String currentPassword, String newPassword) {
    return accounts.changePassword(currentPassword, newPassword);
  }

  /**
   * {@code POST /api/users/{user}/disable} (operators): the account's tokens are revoked at once
   * and its logins refused until {@link #enableUser}.
   *
   * @param user a username or {@code usr_...} id
   */
  public User disableUser(String user) {
    return accounts.setDisabled(user, true);
  }

  /** {@code POST /api/users/{user}/enable} (operators). */
  public User enableUser(String user) {
    return accounts.setDisabled(user, false);
  }

  // ====================================================================== key sets

  /** {@code POST /api/keys}: a key set from its parameters ({@code params.bin}), still keyless. */
  public KeySet createKeySet(String name, byte[] params) {
    return keySets.create(name, params);
  }

  /** {@code GET /api/keys}: the caller's key sets. */
  public List<KeySet> listKeySets() {
    return keySets.list();
  }

  /** {@code GET /api/keys/{id}}. */
  public KeySet getKeySet(String keySetId) {
    return keySets.get(keySetId);
  }

  /**
   * {@code DELETE /api/keys/{id}}: deletes a key set nothing uses.
   *
   * @throws VeilApiException 409 ({@code in_use}, the message naming them) while a data set,
   *     an input, a job that has not ended or a pending hand-over uses it
   */
  public void deleteKeySet(String keySetId) {
    keySets.delete(keySetId);
  }

  /** The caller's complete key set of this key id ({@link VeilFiles#keyId}), if any. */
  public Optional<KeySet> findKeySet(String keyId) {
    return keySets.find(keyId);
  }

  /** {@code PUT /api/keys/{id}/public}: the public key ({@code public.key}), streamed. */
  public KeySet uploadPublicKey(String keySetId, Upload body, TransferListener listener)
      throws IOException {
    return keySets.uploadPublicKey(keySetId, body, listener, 0, body.length());
  }

  /** {@code PUT /api/keys/{id}/evaluation}: the evaluation keys, streamed. */
  public KeySet uploadEvaluationKeys(String keySetId, Upload body, TransferListener listener)
      throws IOException {
    return keySets.uploadEvaluationKeys(keySetId, body, listener, 0, body.length());
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
    return keySets.upload(keyDir, name, listener);
  }

  /** {@link #uploadKeySet(Path, String, TransferListener)} without progress. */
  public KeySet uploadKeySet(Path keyDir, String name) throws IOException {
    return uploadKeySet(keyDir, name, TransferListener.NONE);
  }

  // ====================================================================== data sets

  /** {@code POST /api/datasets} (data owners): a data set whose parts are uploaded next. */
  public Dataset createDataset(CreateDatasetRequest request) {
    return datasets.create(request);
  }

  /** {@code GET /api/datasets}: the caller's data sets and the listed READY ones of others. */
  public List<Dataset> listDatasets() {
    return datasets.list();
  }

  /** {@code GET /api/datasets/{id}}. */
  public Dataset getDataset(String datasetId) {
    return datasets.get(datasetId);
  }

  /** {@code PATCH /api/datasets/{id}}: changes the listing. */
  public Dataset updateDataset(String datasetId, UpdateDatasetRequest request) {
    return datasets.update(datasetId, request);
  }

  /** {@code DELETE /api/datasets/{id}}. */
  public void deleteDataset(String datasetId) {
    datasets.delete(datasetId);
  }

  /** {@code GET /api/datasets/{id}/parts}: the parts received and the missing ones. */
  public PartList listParts(String datasetId) {
    return datasets.listParts(datasetId);
  }

  /** {@code PUT /api/datasets/{id}/parts/{index}}: one ciphertext, streamed. */
  public Part uploadPart(String datasetId, int index, Upload body, TransferListener listener)
      throws IOException {
    return datasets.uploadPart(datasetId, index, body, listener, 0, body.length());
  }

  /** {@code POST /api/datasets/{id}/complete}: READY once every part is there. */
  public Dataset completeDataset(String datasetId) {
    return datasets.complete(datasetId);
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
    return datasets.upload(dataDir, name, description, keySetId, pricePerTraining, listed, null,
        listener);
  }

  /**
   * {@link #uploadDataset(Path, String, String, String, long, boolean, TransferListener)} with
   * the hours the owner gives itself to hand a paid training over (null: the server's default,
   * 72) before the builder is refunded.
   */
  public Dataset uploadDataset(Path dataDir, String name, String description, String keySetId,
      long pricePerTraining, boolean listed, Integer handoverHours, TransferListener listener)
      throws IOException {
    return datasets.upload(dataDir, name, description, keySetId, pricePerTraining, listed,
        handoverHours, listener);
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
    return datasets.resume(datasetId, dataDir, listener);
  }

  // ====================================================================== models

  /** {@code POST /api/models} (model sellers): publishes a model with its listing. */
  public Model publishModel(PublishModelRequest request) {
    return models.publish(request);
  }

  /**
   * {@code GET /api/models}: listed models and the caller's own, newest first.
   *
   * @param mine only the caller's own
   * @param limit the most models (the server's pages are followed as far as needed)
   */
  public List<Model> listModels(boolean mine, int limit) {
    return models.list(mine, limit);
  }

  /** {@code GET /api/models}: up to 100 of the listed models and the caller's own. */
  public List<Model> listModels() {
    return listModels(false, 100);
  }

  /** {@code GET /api/models/{id}}, with the caller's use of its budget. */
  public Model getModel(String modelId) {
    return models.get(modelId);
  }

  /** {@code PATCH /api/models/{id}} (its seller). */
  public Model updateModel(String modelId, UpdateModelRequest request) {
    return models.update(modelId, request);
  }

  // ====================================================================== inference inputs

  /** {@code POST /api/inputs}: encrypted rows for inference, streamed (sent once). */
  public Input uploadInput(Upload body, TransferListener listener) throws IOException {
    return inputs.upload(body, listener);
  }

  /** {@code GET /api/inputs}: every input of the caller, oldest first (all the pages). */
  public List<Input> listInputs() {
    return inputs.list();
  }

  /**
   * {@code DELETE /api/inputs/{id}}.
   *
   * @throws VeilApiException 409 while a queued or running job reads it
   */
  public void deleteInput(String inputId) {
    inputs.delete(inputId);
  }

  /**
   * Uploads a rows directory of {@code veil encrypt --schema} as one input: its ciphertexts
   * {@code x-BBBBB-JJJJ.ct}, batch after batch, feature after feature (the feature-major order of
   * the API).
   *
   * @throws IllegalArgumentException if the directory is not rows encrypted for inference
   */
  public Input uploadRows(Path rowsDir, TransferListener listener) throws IOException {
    return inputs.uploadRows(rowsDir, listener);
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
    return jobs.submit(request, idempotencyKey);
  }

  /**
   * {@code GET /api/jobs}: the caller's jobs and training jobs on the caller's data sets, newest
   * first.
   *
   * @param state only jobs in this state, or null
   * @param all every job (operators only)
   * @param limit the most jobs (the server's pages are followed as far as needed)
   */
  public List<Job> listJobs(JobState state, boolean all, int limit) {
    return jobs.list(state, all, limit);
  }

  /** {@code GET /api/jobs}: up to 100 of the caller's jobs, newest first. */
  public List<Job> listJobs() {
    return listJobs(null, false, 100);
  }

  /** {@code GET /api/jobs/{id}}. */
  public Job getJob(String jobId) {
    return jobs.get(jobId);
  }

  /** {@code POST /api/jobs/{id}/cancel}: the job after the request. */
  public Job cancelJob(String jobId) {
    return jobs.cancel(jobId);
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
    return jobs.downloadResult(jobId, target, listener);
  }

  // ---------------------------------------------------------------- hand-overs (data owner)

  /** The caller's pending hand-overs: paid trainings on its data sets waiting for its switch. */
  public List<Handover> listHandovers() {
    return handovers.list();
  }

  /** One pending hand-over (the data set's owner only; 404 for anyone else). */
  public Handover getHandover(String jobId) {
    return handovers.get(jobId);
  }

  /** Downloads the masked model to switch (ciphertexts in the VeilIO format, in order). */
  public Download downloadMaskedModel(String jobId, Path target) throws IOException {
    return handovers.masked(jobId, target);
  }

  /** Downloads the builder's public key, the target of the switch. */
  public Download downloadHandoverPublicKey(String jobId, Path target) throws IOException {
    return handovers.publicKey(jobId, target);
  }

  /** Downloads the parameters of the builder's key set (the data set's). */
  public Download downloadHandoverParameters(String jobId, Path target) throws IOException {
    return handovers.parameters(jobId, target);
  }

  /**
   * Uploads the flooded public key switch of the masked model ({@code
   * dev.veil.he.multiparty.PublicKeySwitch}): the platform unmasks it and delivers the model to
   * the builder; the job after.
   */
  public Job deliverHandover(String jobId, Path switched) throws IOException {
    return handovers.deliver(jobId, switched);
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
    return waiter.waitFor(jobId, listener, timeout);
  }

  // ====================================================================== workers

  /**
   * {@code POST /api/workers}: registers a remote worker of the caller's (serving the caller's
   * listings that are not hosted, and/or running training jobs) and issues its token, shown once.
   */
  public NewWorker registerWorker(RegisterWorkerRequest request) {
    return transport.post("/api/workers", request, NewWorker.class);
  }

  /** {@code GET /api/workers}: the caller's workers, newest first. */
  public List<WorkerInfo> listWorkers() {
    return Pages.all(transport, "/api/workers", WorkerList.class, WorkerList::workers,
        WorkerList::nextCursor);
  }

  /** {@code DELETE /api/workers/{id}}: revokes a worker's token. */
  public void revokeWorker(String workerId) {
    transport.delete("/api/workers/" + Transport.segment(workerId));
  }

  /**
   * The worker routes with a worker token ({@link NewWorker#token}), sharing this client's
   * settings and connections.
   */
  public WorkerClient asWorker(String workerToken) {
    return new WorkerClient(transport.withToken(Transport.checkToken(workerToken)));
  }

  private record WorkerList(List<WorkerInfo> workers, String nextCursor) {}

  // ====================================================================== ledger and audit

  /**
   * {@code GET /api/balance}: the caller's balances and latest transactions.
   *
   * @param transactions how many of the latest transactions, 1 to 500
   */
  public Balance balance(int transactions) {
    return ledger.balance(transactions);
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
    return ledger.deposit(request, idempotencyKey);
  }

  /** {@code GET /api/ledger/verify} (operators). */
  public LedgerVerification verifyLedger() {
    return ledger.verifyLedger();
  }

  /**
   * {@code GET /api/audit} (operators): records after a sequence number.
   *
   * @param after 0 for the first page, then the page's {@code next}
   * @param limit 1 to 1000
   */
  public AuditPage audit(long after, int limit) {
    return ledger.audit(after, limit);
  }

  /** {@code GET /api/audit/verify} (operators): recomputes the audit log's hash chain. */
  public AuditVerification verifyAudit() {
    return ledger.verifyAudit();
  }

  /**
   * {@code GET /api/audit/checkpoints} (operators): signed checkpoints of the audit log's head.
   *
   * @param after 0 for the first page, then the page's {@code next}
   * @param limit 1 to 1000
   */
  public AuditCheckpointPage auditCheckpoints(long after, int limit) {
    return ledger.auditCheckpoints(after, limit);
  }

  /** {@code POST /api/audit/checkpoints} (operators): signs the head now (if not yet covered). */
  public AuditCheckpoint createAuditCheckpoint() {
    return ledger.createAuditCheckpoint();
  }

  /**
   * {@code GET /api/audit/public-key} (no token needed): the key that signs the checkpoints. Pin
   * it once (compare its fingerprint with the operator's): verifying against a key fetched from
   * the server being checked proves nothing against whoever controls that server.
   */
  public AuditSigningKey auditPublicKey() {
    return ledger.auditPublicKey();
  }

  /**
   * Downloads the whole audit log and every checkpoint (operators) and checks them here, against
   * a pinned public key: see {@link AuditChain#verify} for what it detects and cannot.
   */
  public AuditReport verifyAuditChain(PublicKey pinned) {
    return verifyAuditChain(pinned, null);
  }

  /**
   * {@link #verifyAuditChain(PublicKey)}, also checking that the newest checkpoint a previous
   * verification accepted is still there, unchanged.
   *
   * @param remembered that checkpoint, or null
   */
  public AuditReport verifyAuditChain(PublicKey pinned, AuditCheckpoint remembered) {
    return ledger.verifyAuditChain(Objects.requireNonNull(pinned, "pinned"), remembered);
  }
}
