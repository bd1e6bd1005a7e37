package dev.veil.server.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.Model;
import dev.veil.api.ModelFile;
import dev.veil.api.NewWorker;
import dev.veil.api.RegisterWorkerRequest;
import dev.veil.cli.core.CaOption;
import dev.veil.cli.core.CliContext;
import dev.veil.cli.core.CliErrors;
import dev.veil.cli.core.VeilVersion;
import dev.veil.cli.credentials.Credentials;
import dev.veil.client.TlsOptions;
import dev.veil.client.VeilClient;
import dev.veil.client.WorkerClient;
import dev.veil.server.he.KeyCache;
import dev.veil.server.http.Json;
import dev.veil.server.remote.RemoteWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code veil worker}: runs jobs of the server's queue on this machine. A seller's worker holds
 * the weights of its listings in local model files and serves their inference jobs: the weights
 * never leave this machine. A training worker runs training jobs. Added to {@code veil} through
 * {@link ServeCommands}.
 */
@Command(
    name = "worker",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    versionProvider = VeilVersion.class,
    description = {
      "Run jobs of a Veil server on this machine: the inference jobs of your listings that are"
          + " not hosted, with their weights from local model files (they never leave this"
          + " machine), and/or training jobs (--training: an operator's worker runs every one, a"
          + " data owner's those on its data sets).",
      "The worker talks to the server over HTTP(S) only. With your login token (veil login, or"
          + " $VEIL_TOKEN) it registers itself for what it serves and revokes its worker token"
          + " when it stops; with $VEIL_WORKER_TOKEN (from POST /api/workers) it uses that"
          + " token's registration. Progress goes to standard error. SIGTERM (Ctrl-C) puts a"
          + " running job back in the queue and exits."
    },
    exitCodeListHeading = CliErrors.EXIT_CODES_HEADING,
    exitCodeList = {"0:stopped (with --once: the job done, or none came)",
        "1:failure (the server unreachable; with --once: the job failed or its claim was lost)",
        "2:bad input (unknown option, invalid value, a model file that does not fit)"})
public final class WorkerCommand implements Callable<Integer> {
  /** The variable holding a worker token issued beforehand. */
  static final String ENV_WORKER_TOKEN = "VEIL_WORKER_TOKEN";

  @Spec CommandSpec spec;

  @Option(names = "--server", paramLabel = "URL",
      description = "The server (default: $VEIL_SERVER, else the one veil login saved).")
  String server;

  @Mixin CaOption ca;

  @Option(names = "--config-dir", paramLabel = "DIR",
      description = "Where veil login keeps credentials.json (default: $VEIL_HOME, else ~/.veil).")
  Path configDir;

  @Option(names = "--model", paramLabel = "ID=FILE",
      description = "A listing this worker serves and its model file (model.json of veil"
          + " decrypt, with the weights). Repeatable.")
  List<String> modelOptions = new ArrayList<>();

  @Option(names = "--model-file", paramLabel = "FILE",
      description = "A model file; serves every listing of yours that is not hosted and has its"
          + " task and feature names. Repeatable.")
  List<Path> modelFiles = new ArrayList<>();

  @Option(names = "--training", description = "Also run training jobs.")
  boolean training;

  @Option(names = "--threads", paramLabel = "T",
      description = "Engine threads per job (default: the processors).")
  Integer threads;

  @Option(names = "--once", description = "Claim at most one job, run it and exit.")
  boolean once;

  @Option(names = "--wait", defaultValue = "20", paramLabel = "SECONDS",
      description = "How long each claim waits for a job, 0 to 30 (default: ${DEFAULT-VALUE}).")
  int waitSeconds;

  @Option(names = "--name", paramLabel = "NAME",
      description = "The worker's label on the server (default: this host's name).")
  String name;

  @Option(names = "--scratch", paramLabel = "DIR",
      description = "Where runs keep their temporary files (default: the system's temporary"
          + " directory).")
  Path scratch;

  private volatile RemoteWorker worker;
  private final CountDownLatch done = new CountDownLatch(1);

  @Override
  public Integer call() throws Exception {
    CliContext ctx = CliContext.of(spec);
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (t < 1) {
      throw invalid("--threads", "must be at least 1, got " + t);
    }
    if (waitSeconds < 0 || waitSeconds > 30) {
      throw invalid("--wait", "must be in [0, 30], got " + waitSeconds);
    }
    Credentials.Target target = Credentials.target(Credentials.dir(configDir, ctx.env()),
        ctx.env());
    String url = server != null ? server : target.server();
    if (url == null) {
      throw new ParameterException(spec.commandLine(), "Missing required option: '--server=URL'"
          + " (or set $VEIL_SERVER, or log in with veil login)");
    }
    Map<String, ModelFile> byId = new LinkedHashMap<>();
    for (String m : modelOptions) {
      int eq = m.indexOf('=');
      if (eq <= 0 || eq == m.length() - 1) {
        throw invalid("--model", "expected ID=FILE, got '" + m + "'");
      }
      byId.put(m.substring(0, eq).strip(), readModel(Path.of(m.substring(eq + 1).strip())));
    }
    TlsOptions tls = ca.tls(ctx);
    PrintWriter err = spec.commandLine().getErr();
    String workerToken = blankToNull(ctx.env().apply(ENV_WORKER_TOKEN));
    VeilClient user = null;
    String registered = null;
    WorkerClient client;
    if (workerToken != null) {
      client = VeilClient.builder(url).tls(tls).build().asWorker(workerToken);
      if (!modelFiles.isEmpty()) {
        throw invalid("--model-file", "needs your login token to find your listings; with"
            + " $VEIL_WORKER_TOKEN name each model: --model ID=FILE");
      }
    } else {
      String token = server == null || Credentials.sameServer(server, target.server())
          ? target.token()
          : blankToNull(ctx.env().apply(Credentials.ENV_TOKEN));
      if (token == null) {
        throw new IllegalArgumentException("not logged in to " + url + ": run veil login, or"
            + " set $VEIL_TOKEN (or $" + ENV_WORKER_TOKEN + " to a worker token)");
      }
      user = VeilClient.builder(url).token(token).tls(tls).build();
      for (Path f : modelFiles) {
        matchListings(user, f, readModel(f), byId);
      }
      NewWorker w = user.registerWorker(new RegisterWorkerRequest(name == null ? hostName()
          : name, List.copyOf(byId.keySet()), training));
      registered = w.worker().id();
      client = user.asWorker(w.token());
      err.println("veil worker: registered " + registered + " on " + url + ": "
          + (byId.isEmpty() ? "" : "models " + String.join(", ", byId.keySet()))
          + (training ? (byId.isEmpty() ? "" : ", ") + "training jobs" : ""));
    }
    Path root = scratch != null ? scratch : Path.of(System.getProperty("java.io.tmpdir"));
    Files.createDirectories(root);
    KeyCache keys = new KeyCache(KeyCache.Limits.defaults());
    worker = new RemoteWorker(client, byId, new RemoteWorker.Settings(t,
        Duration.ofSeconds(waitSeconds), once, root), keys, Json.mapper(), err);
    Thread hook = new Thread(this::stopAndWait, "veil-worker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    RemoteWorker.Outcome last;
    try {
      last = worker.run();
    } finally {
      keys.close();
      done.countDown();
      if (registered != null) {
        try {
          user.revokeWorker(registered);
        } catch (RuntimeException e) {
          err.println("veil worker: could not revoke " + registered + ": " + e.getMessage());
        }
      }
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the JVM is exiting: the hook runs or ran
      }
    }
    err.flush();
    return last == RemoteWorker.Outcome.FAILED || last == RemoteWorker.Outcome.LOST
        ? CliErrors.FAILURE : CliErrors.OK;
  }

  /** Stops the worker (tests; SIGTERM). */
  void stop() {
    RemoteWorker w = worker;
    if (w != null) {
      w.stop();
    }
  }

  private void stopAndWait() {
    stop();
    try {
      done.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Adds every listing of the seller's that is not hosted and fits the model file. */
  private void matchListings(VeilClient user, Path file, ModelFile m,
      Map<String, ModelFile> byId) {
    int found = 0;
    for (Model l : user.listModels(true, 500)) {
      if (!l.hosted() && l.task().equals(m.model())
          && l.inputSchema().featureNames().equals(m.featureNames())) {
        byId.put(l.id(), m);
        found++;
      }
    }
    if (found == 0) {
      throw invalid("--model-file", file + ": none of your listings that are not hosted has"
          + " its task (" + m.model() + ") and its " + m.featureNames().size() + " feature"
          + " names; publish it first (veil model publish) or name it: --model ID=FILE");
    }
  }

  private ModelFile readModel(Path file) {
    if (!Files.isRegularFile(file)) {
      throw invalid("--model", "no such file: " + file);
    }
    ModelFile m;
    try (InputStream in = Files.newInputStream(file)) {
      m = LENIENT.readValue(in, ModelFile.class);
    } catch (JacksonException e) {
      throw invalid("--model", file + ": not a model file (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw invalid("--model", file + ": " + e.getMessage());
    }
    try {
      m.validate();
    } catch (IllegalArgumentException e) {
      throw invalid("--model", file + ": " + e.getMessage());
    }
    if (m.weights() == null) {
      throw invalid("--model", file + ": holds no weights (a " + m.model() + " model with"
          + " intercept and one weight per feature is served)");
    }
    return m;
  }

  private static final ObjectMapper LENIENT = new ObjectMapper()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private ParameterException invalid(String option, String why) {
    return new ParameterException(spec.commandLine(), "Invalid value for option '" + option
        + "': " + why);
  }

  private static String hostName() {
    try {
      String h = InetAddress.getLocalHost().getHostName();
      return h == null || h.isBlank() ? "worker" : h.length() > 100 ? h.substring(0, 100) : h;
    } catch (IOException e) {
      return "worker";
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
