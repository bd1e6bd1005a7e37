package dev.veil.server.app;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import dev.veil.server.account.AccountLimits;
import dev.veil.server.account.PasswordHasher;
import dev.veil.server.db.Database;
import dev.veil.server.http.ServerTls;

/**
 * Everything the server is configured with; {@link #builder} gives the defaults. Immutable and
 * validated on construction, so that {@code App.create} never starts on a nonsensical value.
 *
 * @param host the address to listen on (default {@code 127.0.0.1}: serve HTTPS ({@code tls}) or
 *     put a TLS proxy in front before exposing the server)
 * @param port the port, 0 for any free one (default 8080)
 * @param dataDir the data directory: the blob store ({@code blobs/}) and the embedded database
 * @param jdbcUrl the database, or null for the embedded SQLite database {@code dataDir/db/veil.db}
 * @param dbUser the database user, or null
 * @param dbPassword the database password, or null
 * @param dbSchema the database schema the server's tables live in (created if missing), or null
 *     for the connection's default; tests use a fresh one per run
 * @param maxUploadBytes the largest single upload (a key file, one part of a data set)
 * @param maxJsonBytes the largest JSON request body
 * @param workerThreads the most requests served at once (each upload holds one thread)
 * @param openRegistration whether anyone may register as data owner, model seller or buyer;
 *     when false only an operator creates accounts
 * @param allowInsecureParameters whether key sets with parameters below 128-bit security (made
 *     with {@code securityOff}) are accepted; for tests and experiments only
 * @param operatorUsername the operator account created on first start with an empty database
 * @param operatorPassword its password, or null to generate one (reported once by {@code App})
 * @param passwordHashing the Argon2id cost for new password hashes
 * @param loginTokenTtl how long a token from {@code POST /api/login} is valid
 * @param maxDatasetParts the most ciphertext parts one data set may have
 * @param feeBasisPoints the platform's fee on every payment to a data owner or seller, in 1/10000
 *     of the amount (default 1000: 10%)
 * @param jobWorkers jobs run at once (default 2)
 * @param jobThreads threads each job's homomorphic work uses (default: the processors divided
 *     among the workers)
 * @param jobMaxAttempts starts of a job a server restart may interrupt before it ends FAILED
 * @param jobLease how long a worker's claim on a job lasts without a heartbeat; with a shared
 *     PostgreSQL another server takes over a dead one's jobs after it (the embedded database has
 *     one process, which takes over every running job at start)
 * @param serverTraining whether the server's own workers run training jobs (default true); false:
 *     training jobs wait for a remote training worker ({@code veil worker --training})
 * @param accountLimits login throttling, concurrent password hashing and tokens per user
 * @param tls the certificate and key to serve HTTPS with, or null for plain HTTP (default)
 * @param storageLimits inputs per user and their bytes, and the collection of unreferenced blobs
 */
public record ServerConfig(
    String host,
    int port,
    Path dataDir,
    String jdbcUrl,
    String dbUser,
    String dbPassword,
    String dbSchema,
    long maxUploadBytes,
    int maxJsonBytes,
    int workerThreads,
    boolean openRegistration,
    boolean allowInsecureParameters,
    String operatorUsername,
    String operatorPassword,
    PasswordHasher.Params passwordHashing,
    Duration loginTokenTtl,
    int maxDatasetParts,
    int feeBasisPoints,
    int jobWorkers,
    int jobThreads,
    int jobMaxAttempts,
    Duration jobLease,
    boolean serverTraining,
    AccountLimits accountLimits,
    ServerTls tls,
    StorageLimits storageLimits) {

  public ServerConfig {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    }
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath().normalize();
    if (dbSchema != null && !dbSchema.matches(Database.SCHEMA_NAME)) {
      throw new IllegalArgumentException("dbSchema must be a lower-case SQL identifier, got '"
          + dbSchema + "'");
    }
    if (maxUploadBytes < 1024) {
      throw new IllegalArgumentException("maxUploadBytes must be at least 1024, got "
          + maxUploadBytes);
    }
    if (maxJsonBytes < 1024) {
      throw new IllegalArgumentException("maxJsonBytes must be at least 1024, got "
          + maxJsonBytes);
    }
    if (workerThreads < 4) {
      throw new IllegalArgumentException("workerThreads must be at least 4, got "
          + workerThreads);
    }
    Objects.requireNonNull(operatorUsername, "operatorUsername");
    Objects.requireNonNull(passwordHashing, "passwordHashing");
    if (loginTokenTtl == null || loginTokenTtl.isNegative() || loginTokenTtl.isZero()) {
      throw new IllegalArgumentException("loginTokenTtl must be positive, got " + loginTokenTtl);
    }
    if (maxDatasetParts < 1) {
      throw new IllegalArgumentException("maxDatasetParts must be positive, got "
          + maxDatasetParts);
    }
    if (feeBasisPoints < 0 || feeBasisPoints > 10_000) {
      throw new IllegalArgumentException("feeBasisPoints must be in [0, 10000], got "
          + feeBasisPoints);
    }
    if (jobWorkers < 1 || jobThreads < 1 || jobMaxAttempts < 1) {
      throw new IllegalArgumentException("jobWorkers, jobThreads and jobMaxAttempts must be"
          + " positive, got " + jobWorkers + ", " + jobThreads + ", " + jobMaxAttempts);
    }
    if (jobLease == null || jobLease.toSeconds() < 1) {
      throw new IllegalArgumentException("jobLease must be at least a second, got " + jobLease);
    }
    Objects.requireNonNull(accountLimits, "accountLimits");
    Objects.requireNonNull(storageLimits, "storageLimits");
  }

  /**
   * Whether this server is the only one running jobs on its database: true for the embedded
   * database (one process holds its file), false for PostgreSQL (servers may share it).
   */
  public boolean soleJobRunner() {
    return jdbcUrl == null;
  }

  /** The JDBC URL in use: {@link #jdbcUrl}, or the embedded SQLite database's. */
  public String effectiveJdbcUrl() {
    return jdbcUrl != null ? jdbcUrl : "jdbc:sqlite:" + embeddedDatabaseFile();
  }

  /** The embedded database's file (used when {@link #jdbcUrl} is null). */
  public Path embeddedDatabaseFile() {
    return dataDir.resolve("db").resolve("veil.db");
  }

  /**
   * The file an embedded H2 database of an earlier Veil left in the data directory (H2 could
   * lose acknowledged writes on a crash and is no longer read).
   */
  public Path legacyH2File() {
    return dataDir.resolve("db").resolve("veil.mv.db");
  }

  /** The database to open: {@link #effectiveJdbcUrl} with the user, password and schema. */
  public Database.Settings database() {
    return new Database.Settings(effectiveJdbcUrl(), dbUser, dbPassword, dbSchema);
  }

  /** The blob store's directory. */
  public Path blobDir() {
    return dataDir.resolve("blobs");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.host = host;
    b.port = port;
    b.dataDir = dataDir;
    b.jdbcUrl = jdbcUrl;
    b.dbUser = dbUser;
    b.dbPassword = dbPassword;
    b.dbSchema = dbSchema;
    b.maxUploadBytes = maxUploadBytes;
    b.maxJsonBytes = maxJsonBytes;
    b.workerThreads = workerThreads;
    b.openRegistration = openRegistration;
    b.allowInsecureParameters = allowInsecureParameters;
    b.operatorUsername = operatorUsername;
    b.operatorPassword = operatorPassword;
    b.passwordHashing = passwordHashing;
    b.loginTokenTtl = loginTokenTtl;
    b.maxDatasetParts = maxDatasetParts;
    b.feeBasisPoints = feeBasisPoints;
    b.jobWorkers = jobWorkers;
    b.jobThreads = jobThreads;
    b.jobMaxAttempts = jobMaxAttempts;
    b.jobLease = jobLease;
    b.serverTraining = serverTraining;
    b.accountLimits = accountLimits;
    b.tls = tls;
    b.storageLimits = storageLimits;
    return b;
  }

  @Override
  public String toString() {
    // never print the passwords
    return "ServerConfig[host=" + host + ", port=" + port + ", dataDir=" + dataDir + ", jdbcUrl="
        + effectiveJdbcUrl() + ", dbUser=" + dbUser + ", dbSchema=" + dbSchema
        + ", maxUploadBytes=" + maxUploadBytes + ", maxJsonBytes=" + maxJsonBytes
        + ", workerThreads=" + workerThreads + ", openRegistration=" + openRegistration
        + ", allowInsecureParameters=" + allowInsecureParameters + ", feeBasisPoints="
        + feeBasisPoints + ", jobWorkers=" + jobWorkers + ", jobThreads=" + jobThreads + "]";
  }

  /** A builder starting from the defaults; only {@link #dataDir} has none. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private Path dataDir;
    private String jdbcUrl;
    private String dbUser;
    private String dbPassword;
    private String dbSchema;
    private long maxUploadBytes = 4L << 30;
    private int maxJsonBytes = 1 << 20;
    private int workerThreads = 32;
    private boolean openRegistration = true;
    private boolean allowInsecureParameters;
    private String operatorUsername = "operator";
    private String operatorPassword;
    private PasswordHasher.Params passwordHashing = PasswordHasher.Params.DEFAULT;
    private Duration loginTokenTtl = Duration.ofDays(7);
    private int maxDatasetParts = 100_000;
    private int feeBasisPoints = 1000;
    private int jobWorkers = 2;
    private int jobThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
    private int jobMaxAttempts = 3;
    private Duration jobLease = Duration.ofSeconds(60);
    private boolean serverTraining = true;
    private AccountLimits accountLimits = AccountLimits.defaults();
    private ServerTls tls;
    private StorageLimits storageLimits = StorageLimits.defaults();

    private Builder() {}

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder port(int v) {
      port = v;
      return this;
    }

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder jdbcUrl(String v) {
      jdbcUrl = v;
      return this;
    }

    public Builder dbUser(String v) {
      dbUser = v;
      return this;
    }

    public Builder dbPassword(String v) {
      dbPassword = v;
      return this;
    }

    public Builder dbSchema(String v) {
      dbSchema = v;
      return this;
    }

    public Builder maxUploadBytes(long v) {
      maxUploadBytes = v;
      return this;
    }

    public Builder maxJsonBytes(int v) {
      maxJsonBytes = v;
      return this;
    }

    public Builder workerThreads(int v) {
      workerThreads = v;
      return this;
    }

    public Builder openRegistration(boolean v) {
      openRegistration = v;
      return this;
    }

    public Builder allowInsecureParameters(boolean v) {
      allowInsecureParameters = v;
      return this;
    }

    public Builder operatorUsername(String v) {
      operatorUsername = v;
      return this;
    }

    public Builder operatorPassword(String v) {
      operatorPassword = v;
      return this;
    }

    public Builder passwordHashing(PasswordHasher.Params v) {
      passwordHashing = v;
      return this;
    }

    public Builder loginTokenTtl(Duration v) {
      loginTokenTtl = v;
      return this;
    }

    public Builder maxDatasetParts(int v) {
      maxDatasetParts = v;
      return this;
    }

    public Builder feeBasisPoints(int v) {
      feeBasisPoints = v;
      return this;
    }

    /** Jobs run at once; the threads per job follow (the processors divided among them). */
    public Builder jobWorkers(int v) {
      jobWorkers = v;
      jobThreads = Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, v));
      return this;
    }

    public Builder jobThreads(int v) {
      jobThreads = v;
      return this;
    }

    public Builder jobMaxAttempts(int v) {
      jobMaxAttempts = v;
      return this;
    }

    public Builder jobLease(Duration v) {
      jobLease = v;
      return this;
    }

    /** Whether the server's own workers run training jobs (false: remote workers only). */
    public Builder serverTraining(boolean v) {
      serverTraining = v;
      return this;
    }

    /** Login throttling, concurrent password hashing and tokens per user. */
    public Builder accountLimits(AccountLimits v) {
      accountLimits = v;
      return this;
    }

    /** Serve HTTPS with this certificate and key (null: plain HTTP). */
    public Builder tls(ServerTls v) {
      tls = v;
      return this;
    }

    /** Inputs per user and their bytes, and the collection of unreferenced blobs. */
    public Builder storageLimits(StorageLimits v) {
      storageLimits = v;
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(host, port, dataDir, jdbcUrl, dbUser, dbPassword, dbSchema,
          maxUploadBytes, maxJsonBytes, workerThreads, openRegistration, allowInsecureParameters,
          operatorUsername, operatorPassword, passwordHashing, loginTokenTtl, maxDatasetParts,
          feeBasisPoints, jobWorkers, jobThreads, jobMaxAttempts, jobLease, serverTraining,
          accountLimits, tls, storageLimits);
    }
  }
}
