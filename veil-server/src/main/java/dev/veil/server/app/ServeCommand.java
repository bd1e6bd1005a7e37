package dev.veil.server.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.veil.server.account.AccountLimits;
import dev.veil.server.account.LoginThrottle;
import dev.veil.server.app.App;
import dev.veil.server.app.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code veil serve}: runs the server until Ctrl-C (or SIGTERM), when a shutdown hook stops it
 * cleanly (requests under way finish, the database closes). Added to {@code veil} through {@link
 * ServeCommands}.
 */
@Command(
    name = "serve",
    sortOptions = false,
    description = {
      "Run the Veil server: the REST API under /api/ (docs at /api/docs) with the embedded"
          + " database and the blob store in DIR, or PostgreSQL with --jdbc-url.",
      "On first start with an empty database an operator account is created; its password is"
          + " $VEIL_OPERATOR_PASSWORD or a generated one printed once. The database password, if"
          + " any, is read from $VEIL_DB_PASSWORD."
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped", "1:failure (cannot listen, database unreachable)",
        "2:bad input (unknown option, invalid value)"})
public final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "P",
      description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
      description = "Address to listen on (default: ${DEFAULT-VALUE}; serve HTTPS with"
          + " --tls-cert and --tls-key, or put a TLS proxy in front, before listening on a public"
          + " one).")
  String host;

  @Mixin ServeTlsOptions tls;

  @Option(names = "--data", defaultValue = "veil-data", paramLabel = "DIR",
      description = "Data directory: blobs and the embedded database (default: ./${DEFAULT-VALUE}).")
  Path data;

  @Option(names = "--jdbc-url", paramLabel = "URL",
      description = "Database instead of the embedded one, e.g."
          + " jdbc:postgresql://127.0.0.1:5432/veil")
  String jdbcUrl;

  @Option(names = "--db-user", paramLabel = "USER", description = "Database user.")
  String dbUser;

  @Option(names = "--max-upload-mb", defaultValue = "4096", paramLabel = "MB",
      description = "Largest single upload (a key file, one data-set part) in MiB"
          + " (default: ${DEFAULT-VALUE}).")
  long maxUploadMb;

  @Option(names = "--closed-registration",
      description = "Only operators create accounts (default: anyone may register as data"
          + " owner, model seller or buyer).")
  boolean closedRegistration;

  @Option(names = "--fee-percent", defaultValue = "10", paramLabel = "PCT",
      description = "The platform's fee on every payment to a data owner or seller, in percent,"
          + " two decimals at most (default: ${DEFAULT-VALUE}).")
  java.math.BigDecimal feePercent;

  @Option(names = "--job-workers", defaultValue = "2", paramLabel = "N",
      description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
  int jobWorkers;

  @Option(names = "--job-threads", paramLabel = "T",
      description = "Engine threads per job (default: the processors divided among the"
          + " workers).")
  Integer jobThreads;

  @Option(names = "--no-server-training",
      description = "The server's own workers run no training jobs: they wait for a remote"
          + " training worker (veil worker --training of an operator, or of the data set's"
          + " owner).")
  boolean noServerTraining;

  @Option(names = "--allow-insecure-parameters",
      description = "Accept key sets below 128-bit security (experiments only).")
  boolean allowInsecure;

  @Option(names = "--login-lockout-failures", defaultValue = "10", paramLabel = "N",
      description = "Failed logins that lock an account for --login-lockout-minutes (backoff"
          + " starts at half of them; a client address gets ten times as many; default:"
          + " ${DEFAULT-VALUE}).")
  int loginLockoutFailures;

  @Option(names = "--login-lockout-minutes", defaultValue = "15", paramLabel = "MIN",
      description = "How long a login lockout lasts (default: ${DEFAULT-VALUE}).")
  int loginLockoutMinutes;

  @Option(names = "--password-hashing-slots", paramLabel = "N",
      description = "Password hashes (Argon2) computed at once; more wait up to 2 s, then get"
          + " 503 (default: the processors, 2 to 16).")
  Integer hashingSlots;

  @Option(names = "--max-tokens-per-user", defaultValue = "50", paramLabel = "N",
      description = "Live API tokens one user may hold (default: ${DEFAULT-VALUE}).")
  int maxTokensPerUser;

  @Option(names = "--max-inputs-per-user", defaultValue = "100", paramLabel = "N",
      description = "Inputs (uploads of encrypted rows for inference) one user may hold at once"
          + " (default: ${DEFAULT-VALUE}).")
  int maxInputsPerUser;

  @Option(names = "--max-input-mb-per-user", defaultValue = "16384", paramLabel = "MB",
      description = "MiB all of one user's inputs may hold together (default:"
          + " ${DEFAULT-VALUE}).")
  long maxInputMbPerUser;

  @Option(names = "--blob-grace-minutes", defaultValue = "1440", paramLabel = "MIN",
      description = "How old an unreferenced blob (a replaced part, a deleted input or key set)"
          + " must be before it is deleted; collected at start and every hour (default:"
          + " ${DEFAULT-VALUE}).")
  long blobGraceMinutes;

  /** Counted down when the server has stopped; tests count it down to stop the command. */
  final CountDownLatch stopped = new CountDownLatch(1);
  private volatile App app;

  @Override
  public Integer call() throws Exception {
    if (port < 0 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--port': must"
          + " be in [0, 65535], got " + port);
    }
    if (maxUploadMb < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option"
          + " '--max-upload-mb': must be at least 1, got " + maxUploadMb);
    }
    int feeBasisPoints;
    try {
      feeBasisPoints = feePercent.movePointRight(2).intValueExact();
    } catch (ArithmeticException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--fee-percent':"
          + " at most two decimals, got " + feePercent.toPlainString());
    }
    if (feeBasisPoints < 0 || feeBasisPoints > 10_000) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--fee-percent':"
          + " must be in [0, 100], got " + feePercent.toPlainString());
    }
    if (jobWorkers < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--job-workers':"
          + " must be at least 1, got " + jobWorkers);
    }
    int threads = jobThreads != null ? jobThreads
        : Math.max(1, Runtime.getRuntime().availableProcessors() / jobWorkers);
    if (threads < 1) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '--job-threads':"
          + " must be at least 1, got " + threads);
    }
    AccountLimits limits;
    try {
      AccountLimits d = AccountLimits.defaults();
      int lock = loginLockoutFailures;
      limits = d.withLoginThrottle(new LoginThrottle.Policy(lock / 2, lock, 5 * lock, 10 * lock,
              Duration.ofSeconds(1), Duration.ofMinutes(loginLockoutMinutes),
              d.loginThrottle().maxEntries()))
          .withHashingSlots(hashingSlots != null ? hashingSlots : d.hashingSlots())
          .withMaxTokensPerUser(maxTokensPerUser);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid account limit: "
          + e.getMessage() + " (--login-lockout-failures and --login-lockout-minutes must be at"
          + " least 1, --password-hashing-slots and --max-tokens-per-user at least 1)");
    }
    StorageLimits storage;
    try {
      if (maxInputMbPerUser < 1 || maxInputMbPerUser > Long.MAX_VALUE >> 20) {
        throw new IllegalArgumentException("--max-input-mb-per-user must be at least 1, got "
            + maxInputMbPerUser);
      }
      storage = StorageLimits.defaults().withMaxInputsPerUser(maxInputsPerUser)
          .withMaxInputBytesPerUser(maxInputMbPerUser << 20)
          .withBlobGrace(Duration.ofMinutes(blobGraceMinutes));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid storage limit: "
          + e.getMessage() + " (--max-inputs-per-user, --max-input-mb-per-user and"
          + " --blob-grace-minutes must be at least 1)");
    }
    ServerConfig config = ServerConfig.builder()
        .storageLimits(storage)
        .accountLimits(limits)
        .tls(tls.load(spec))
        .host(host)
        .port(port)
        .dataDir(data)
        .jdbcUrl(jdbcUrl)
        .dbUser(dbUser)
        .dbPassword(System.getenv("VEIL_DB_PASSWORD"))
        .maxUploadBytes(maxUploadMb << 20)
        .openRegistration(!closedRegistration)
        .allowInsecureParameters(allowInsecure)
        .feeBasisPoints(feeBasisPoints)
        .jobWorkers(jobWorkers)
        .jobThreads(threads)
        .serverTraining(!noServerTraining)
        .operatorPassword(blankToNull(System.getenv("VEIL_OPERATOR_PASSWORD")))
        .build();
    try {
      app = App.create(config);
    } catch (IllegalStateException e) {
      throw new IOException(e.getMessage(), e);
    }
    try {
      app.start();
    } catch (RuntimeException e) {
      app.close();
      throw new IOException("cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
    }
    Thread hook = new Thread(this::stop, "veil-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Veil server listening on " + app.url() + " (data in " + config.dataDir() + ")");
    out.println("API docs: " + app.url() + "/api/docs");
    app.bootstrapPassword().ifPresent(pw -> out.println("Created the operator account '"
        + config.operatorUsername() + "' with password " + pw
        + "  (shown only now: store it)"));
    out.println("Press Ctrl-C to stop.");
    out.flush();
    stopped.await();
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting: the hook runs or ran
    }
    return 0;
  }

  /** The running app, once started (tests). */
  App app() {
    return app;
  }

  private synchronized void stop() {
    App a = app;
    if (a != null) {
      app = null;
      a.close();
    }
    stopped.countDown();
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
