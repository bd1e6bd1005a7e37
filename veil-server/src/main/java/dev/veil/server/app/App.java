package dev.veil.server.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.server.account.AccountRoutes;
import dev.veil.server.account.AccountService;
import dev.veil.server.account.HashingSlots;
import dev.veil.server.account.JdbiTokenRepository;
import dev.veil.server.account.JdbiUserRepository;
import dev.veil.server.account.PasswordHasher;
import dev.veil.server.audit.AuditCheckpoints;
import dev.veil.server.audit.AuditRoutes;
import dev.veil.server.audit.AuditSigner;
import dev.veil.server.audit.JdbiAuditLog;
import dev.veil.server.blob.FileBlobStore;
import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.catalog.Catalog;
import dev.veil.server.catalog.RepositoryCatalog;
import dev.veil.server.core.ServiceException;
import dev.veil.server.dataset.DatasetRoutes;
import dev.veil.server.dataset.DatasetService;
import dev.veil.server.dataset.JdbiDatasetRepository;
import dev.veil.server.db.Database;
import dev.veil.server.handover.HandoverRoutes;
import dev.veil.server.handover.HandoverService;
import dev.veil.server.he.KeyCache;
import dev.veil.server.http.ApiErrors;
import dev.veil.server.http.ApiModule;
import dev.veil.server.http.DocsRoutes;
import dev.veil.server.http.Json;
import dev.veil.server.http.JsonErrorHandler;
import dev.veil.server.http.Requests;
import dev.veil.server.http.Routes;
import dev.veil.server.inference.InferenceInputs;
import dev.veil.server.inference.InferenceJobs;
import dev.veil.server.inference.InferenceRunner;
import dev.veil.server.inference.InferenceSettings;
import dev.veil.server.inference.InputRoutes;
import dev.veil.server.job.JobEvents;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobService;
import dev.veil.server.job.JobSignal;
import dev.veil.server.job.RemoteClaims;
import dev.veil.server.job.WorkerPool;
import dev.veil.server.job.http.JobRoutes;
import dev.veil.server.keys.JdbiKeySetRepository;
import dev.veil.server.keys.KeyRoutes;
import dev.veil.server.keys.KeyService;
import dev.veil.server.ledger.Ledger;
import dev.veil.server.ledger.LedgerRoutes;
import dev.veil.server.model.ModelRoutes;
import dev.veil.server.model.ModelService;
import dev.veil.server.model.WeightsVault;
import dev.veil.server.training.TrainingJobs;
import dev.veil.server.training.TrainingRunner;
import dev.veil.server.worker.HostedJobInputs;
import dev.veil.server.worker.WorkerRoutes;
import dev.veil.server.worker.WorkerService;
import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Veil server, wired in one place: {@link #create} builds the database, the blob store and the
 * audit log, then the repositories, the services on them, and the HTTP modules on the services,
 * each taking what it needs in its constructor. Nothing is static; two apps in one JVM (tests) do
 * not share state.
 *
 * <p>HTTP: every route lies under {@code /api/} and needs {@code Authorization: Bearer <token>}
 * except registration, login, health and the docs ({@link Routes}); every failure is a JSON {@code
 * {"error", "message"}} body with its status ({@link ApiErrors}); uploads stream from the request
 * body to the blob store, never held in memory (Javalin's {@code maxRequestSize} limits only bodies
 * read whole, and this server reads JSON through its own limit).
 *
 * <p>Jobs run on a {@link WorkerPool} that {@link #start} starts (first recovering the jobs a
 * previous process left running) and {@link #close} stops (running jobs go back to the queue).
 * Models' weights are sealed under the master key {@code dataDir/model-weights.key}; the audit
 * log's head is signed into checkpoints with {@code dataDir/audit-signing.key} every minute, every
 * 1000 records and at {@link #close} ({@link AuditCheckpoints}). Key
 * uploads, jobs' admission and the job runners share one {@link KeyCache}: key sets' parameters
 * and keys are parsed once, and contexts kept between uploads and jobs.
 *
 * <p>Blobs no row references any more (a part uploaded again, a deleted input, data set or key
 * set) are deleted at start and every {@link StorageLimits#blobCollectionInterval} once older than
 * {@link StorageLimits#blobGrace} ({@link BlobCollector}); scratch directories of jobs killed with
 * a previous process are removed by {@link WorkerPool#start}.
 *
 * <p>On first start with an empty database an operator account is created ({@link
 * ServerConfig#operatorUsername}); its password is the configured one or a generated one, which
 * {@link #bootstrapPassword} returns (once per process: it is stored only as a hash).
 */
public final class App implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(App.class);

  private final ServerConfig config;
  private final Database database;
  private final Javalin javalin;
  private final String bootstrapPassword;
  private final List<AutoCloseable> closeables;
  private final WorkerPool workers;
  private final AuditCheckpoints checkpoints;
  private final BlobCollector blobCollector;
  private boolean started;

  private App(ServerConfig config, Database database, Javalin javalin, String bootstrapPassword,
      List<AutoCloseable> closeables, WorkerPool workers, AuditCheckpoints checkpoints,
      BlobCollector blobCollector) {
    this.config = config;
    this.database = database;
    this.javalin = javalin;
    this.bootstrapPassword = bootstrapPassword;
    this.closeables = closeables;
    this.workers = workers;
    this.checkpoints = checkpoints;
    this.blobCollector = blobCollector;
  }

  /**
   * Builds the server (and migrates the database) without starting it.
   *
   * @throws IllegalStateException if the database cannot be reached or migrated
   * @throws IllegalArgumentException if the configured operator account is invalid (e.g. a
   *     password too short)
   * @throws UncheckedIOException if the data directory cannot be created
   */
  public static App create(ServerConfig config) {
    return create(config, List.of());
  }

  /** {@link #create(ServerConfig)} with more route modules (tests). */
  static App create(ServerConfig config, List<ApiModule> extraModules) {
    return create(config, extraModules, Clock.systemUTC());
  }

  /** {@link #create(ServerConfig)} with the clock of every service (tests: deadlines). */
  public static App create(ServerConfig config, Clock clock) {
    return create(config, List.of(), clock);
  }

  private static App create(ServerConfig config, List<ApiModule> extraModules, Clock clock) {
    Objects.requireNonNull(config, "config");
    List<AutoCloseable> closeables = new ArrayList<>();
    Database db = null;
    try {
      Files.createDirectories(config.dataDir());
      if (config.jdbcUrl() == null) {
        openableEmbedded(config);
      }
      db = Database.open(config.database(), Math.min(config.workerThreads(), 16));
      closeables.add(db);
      SecureRandom random = new SecureRandom();
      ObjectMapper mapper = Json.mapper();

      // storage
      FileBlobStore blobs = new FileBlobStore(config.blobDir());
      // file times are the wall clock's, whatever clock the services read
      BlobCollector blobCollector = new BlobCollector(db.jdbi(), blobs,
          config.storageLimits().blobGrace(), config.storageLimits().blobCollectionInterval(),
          Clock.systemUTC());
      closeables.add(blobCollector);
      AuditCheckpoints checkpoints = new AuditCheckpoints(db.jdbi(),
          AuditSigner.openOrCreate(config.dataDir()), clock, AuditCheckpoints.Policy.defaults());
      closeables.add(checkpoints);
      JdbiAuditLog audit = new JdbiAuditLog(db.jdbi(), clock, checkpoints::appended);
      KeyCache keyCache = new KeyCache(KeyCache.Limits.defaults());
      closeables.add(keyCache);

      // services
      JdbiUserRepository users = new JdbiUserRepository(db.jdbi());
      JdbiKeySetRepository keySets = new JdbiKeySetRepository(db.jdbi());
      JdbiDatasetRepository datasetRepo = new JdbiDatasetRepository(db.jdbi());
      AccountService accounts = new AccountService(users,
          new JdbiTokenRepository(db.jdbi()),
          new PasswordHasher(config.passwordHashing(), random,
              new HashingSlots(config.accountLimits().hashingSlots(),
                  config.accountLimits().hashingWait())), audit, clock, random,
          new AccountService.Policy(config.openRegistration(), config.loginTokenTtl(),
              config.accountLimits().loginThrottle(), config.accountLimits().maxTokensPerUser()));
      KeyService keys = new KeyService(keySets, blobs, keyCache,
          audit, clock, new KeyService.Policy(config.maxUploadBytes(),
              config.allowInsecureParameters()));
      DatasetService datasets = new DatasetService(datasetRepo, keys,
          blobs, audit, clock, mapper,
          new DatasetService.Policy(config.maxUploadBytes(), config.maxDatasetParts()));

      // the ledger, models and jobs
      Ledger ledger = new Ledger(db.jdbi(), clock, config.feeBasisPoints());
      QueryBudgets budgets = new QueryBudgets(db.jdbi(), clock);
      WeightsVault vault = WeightsVault.openOrCreate(config.dataDir());
      ModelService models = new ModelService(db.jdbi(), vault, budgets, audit, clock, mapper);
      Catalog catalog = new RepositoryCatalog(keySets, datasetRepo);
      JobSignal signal = new JobSignal();
      JobService jobs = new JobService(db.jdbi(), ledger, budgets, blobs, audit,
          new JobEvents(), signal, clock, config.jobMaxAttempts());
      InferenceInputs inputs = new InferenceInputs(db.jdbi(), blobs, (p, digest) -> {
        var ks = keys.ownedWithParameters(p, digest);
        return ks.isEmpty() ? java.util.Optional.empty()
            : java.util.Optional.of(new InferenceInputs.KeyMatch(ks.get().id(),
                keys.parameters(ks.get())));
      }, audit, clock, config.maxUploadBytes(),
          new InferenceInputs.Quota(config.storageLimits().maxInputsPerUser(),
              config.storageLimits().maxInputBytesPerUser()));
      InferenceSettings inferenceSettings = InferenceSettings.defaults();
      TrainingJobs training = new TrainingJobs(jobs, catalog, blobs, keyCache, mapper);
      InferenceJobs inference = new InferenceJobs(jobs, models, inputs, catalog, blobs,
          inferenceSettings, mapper, keyCache);
      WorkerPool workers = new WorkerPool(jobs, signal, List.of(
          new TrainingRunner(keyCache, mapper),
          new InferenceRunner(inferenceSettings, mapper, keyCache)),
          config.serverTraining() ? EnumSet.allOf(JobKind.class) : EnumSet.of(JobKind.INFERENCE),
          new HostedJobInputs(catalog, blobs,
              id -> ModelService.open(vault, models.stored(id), mapper), mapper),
          new WorkerPool.Settings(config.jobWorkers(), config.jobThreads(),
              Duration.ofSeconds(1), config.jobLease(), config.dataDir().resolve("work"),
              config.soleJobRunner(), Duration.ofSeconds(30)));
      closeables.add(workers);

      AccountService.Bootstrap bootstrap;
      try {
        bootstrap = accounts.bootstrapOperator(config.operatorUsername(),
            config.operatorPassword());
      } catch (ServiceException e) {
        throw new IllegalArgumentException("cannot create the operator account '"
            + config.operatorUsername() + "': " + e.getMessage(), e);
      }
      String generated = bootstrap.generatedPassword();
      if (bootstrap.created()) {
        LOG.info("created the operator account '{}'", config.operatorUsername());
      }

      Path handoverScratch = config.dataDir().resolve("handovers");
      HandoverService handovers = new HandoverService(jobs, catalog, blobs, keyCache,
          handoverScratch);
      int leftovers = HandoverService.removeLeftovers(handoverScratch, config.soleJobRunner(),
          Duration.ofHours(6));
      if (leftovers > 0) {
        LOG.info("removed {} file(s) left by hand-over deliveries a previous process ran",
            leftovers);
      }

      // HTTP
      Requests requests = new Requests(mapper, config.maxJsonBytes(), config.maxUploadBytes());
      WorkerService remoteWorkers = new WorkerService(db.jdbi(), users, models, catalog, blobs,
          new RemoteClaims(jobs, db.jdbi(), signal, clock, config.jobLease()), audit, clock,
          random, mapper, config.maxUploadBytes());
      JobRoutes jobRoutes = new JobRoutes(jobs, training, inference, requests, mapper);
      closeables.add(jobRoutes);
      List<ApiModule> modules = new ArrayList<>(List.of(
          new AccountRoutes(accounts, requests),
          new AuditRoutes(audit, audit, checkpoints, mapper),
          new KeyRoutes(keys, requests),
          new DatasetRoutes(datasets, requests),
          new ModelRoutes(models, requests),
          new InputRoutes(inputs, requests),
          jobRoutes,
          new WorkerRoutes(remoteWorkers, requests),
          new HandoverRoutes(handovers, requests, mapper),
          new LedgerRoutes(ledger, users, audit, requests),
          new DocsRoutes()));
      modules.addAll(extraModules);
      Javalin javalin = Javalin.create(cfg -> {
        cfg.startup.showJavalinBanner = false;
        cfg.startup.showOldJavalinVersionWarning = false;
        cfg.jsonMapper(new JavalinJackson(mapper, false));
        // applies to bodies read whole (ctx.body()); uploads stream and have their own limit
        cfg.http.maxRequestSize = config.maxJsonBytes();
        cfg.http.defaultContentType = "application/json";
        cfg.jetty.host = config.host();
        cfg.jetty.port = config.port();
        QueuedThreadPool pool = new QueuedThreadPool(config.workerThreads(), 4, 60_000);
        pool.setName("veil-http");
        cfg.jetty.threadPool = pool;
        if (config.tls() != null) {
          // the only connector: Javalin adds its plain HTTP one only when there is none
          cfg.jetty.addConnector((server, http) -> config.tls().connector(server, http,
              config.host(), config.port()));
        }
        // what Jetty refuses before routing answers in the API's JSON error shape too
        cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(mapper)));
        cfg.requestLogger.http((ctx, ms) -> LOG.debug("{} {} -> {} in {} ms", ctx.method(),
            ctx.path(), ctx.statusCode(), Math.round(ms)));
        cfg.routes.before(ctx -> {
          ctx.header("Cache-Control", "no-store");
          ctx.header("X-Content-Type-Options", "nosniff");
        });
        ApiErrors.install(cfg.routes, mapper);
        Routes routes = new Routes(cfg.routes, accounts::authenticate);
        modules.forEach(m -> m.register(routes));
      });
      return new App(config, db, javalin, generated, closeables, workers, checkpoints,
          blobCollector);
    } catch (IOException e) {
      closeQuietly(closeables);
      throw new UncheckedIOException("cannot set up the data directory " + config.dataDir(), e);
    } catch (RuntimeException e) {
      closeQuietly(closeables);
      throw e;
    }
  }

  /** Starts listening; {@link #port} then tells where. */
  public synchronized App start() {
    if (!started) {
      workers.start();
      checkpoints.start();
      blobCollector.start();
      javalin.start();
      started = true;
      LOG.info("Veil server listening on {} (data in {})", url(), config.dataDir());
    }
    return this;
  }

  /** The port listened on (the actual one when configured with 0). */
  public int port() {
    return javalin.port();
  }

  /** The base URL, e.g. {@code http://127.0.0.1:8080} ({@code https://} with TLS). */
  public String url() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::")) {
      host = "127.0.0.1";
    } else if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return (config.tls() != null ? "https://" : "http://") + host + ":" + port();
  }

  /**
   * The generated password of the operator account created by this start, or empty (the account
   * existed, or its password was configured).
   */
  public Optional<String> bootstrapPassword() {
    return Optional.ofNullable(bootstrapPassword);
  }

  public ServerConfig config() {
    return config;
  }

  /** The database (for tests and tools). */
  public Database database() {
    return database;
  }

  /** Javalin (for tests that inspect the registered routes). */
  public Javalin javalin() {
    return javalin;
  }

  /** Stops serving (waiting for requests under way) and closes the database. */
  @Override
  public synchronized void close() {
    try {
      javalin.stop();
    } finally {
      closeQuietly(closeables);
    }
    if (started) {
      started = false;
      LOG.info("Veil server stopped");
    }
  }

  /**
   * Refuses a data directory that holds an H2 database of an earlier Veil and no SQLite one:
   * starting would show an empty platform beside the old data.
   */
  private static void openableEmbedded(ServerConfig config) {
    Path file = config.embeddedDatabaseFile();
    if (!Files.exists(file) && Files.exists(config.legacyH2File())) {
      throw new IllegalStateException("the data directory " + config.dataDir() + " holds an H2"
          + " database (" + config.legacyH2File() + ") of an earlier Veil, which could lose"
          + " acknowledged writes on a crash and is no longer read; the embedded database is now"
          + " SQLite (" + file + "). Start with a new --data directory, or keep this one for"
          + " the earlier version");
    }
  }

  private static void closeQuietly(List<AutoCloseable> closeables) {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      try {
        closeables.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", closeables.get(i), e);
      }
    }
    closeables.clear();
  }
}
