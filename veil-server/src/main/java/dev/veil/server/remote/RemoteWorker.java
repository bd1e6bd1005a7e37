package dev.veil.server.remote;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.JobState;
import dev.veil.api.ModelFile;
import dev.veil.api.WorkerBeat;
import dev.veil.api.WorkerClaim;
import dev.veil.client.VeilApiException;
import dev.veil.client.VeilException;
import dev.veil.client.WorkerClient;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.inference.InferenceRunner;
import dev.veil.server.inference.InferenceSettings;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobCancelledException;
import dev.veil.server.job.JobContext;
import dev.veil.server.job.JobFailedException;
import dev.veil.server.job.JobInputs;
import dev.veil.server.job.JobKind;
import dev.veil.server.job.JobOutcome;
import dev.veil.server.job.JobRunner;
import dev.veil.server.training.TrainingRunner;

/**
 * A remote worker ({@code veil worker}): claims jobs from the server over HTTP and runs them with
 * the server's own runners ({@link InferenceRunner}, {@link TrainingRunner}), reading their inputs
 * and uploading their results through {@link HttpJobInputs}. The seller's weights are read from
 * local model files and never sent.
 *
 * <h2>Leases</h2>
 *
 * While a job runs, a heartbeat renews its lease every third of it and learns whether its owner
 * asked it to stop. The runner's progress goes to the server at once when the last report is at
 * least {@link #REPORT_EVERY} old (or a tenth of the lease, if shorter), and otherwise with the
 * next report or heartbeat: a job of a second costs one round trip of progress, not one per stage
 * (the fencing is unchanged: every call is checked by the server, the result and the end of the
 * run above all). A 409 from the server (the lease expired, the job was re-queued or claimed by
 * another worker) drops the run without reporting anything. {@link #stop} (SIGTERM) stops claiming
 * and puts the running job back in the queue at its next checkpoint, the start not counted, as the
 * server's worker pool does when it closes.
 */
public final class RemoteWorker {
  /** The least time between two progress reports sent as they come (see the class comment). */
  static final Duration REPORT_EVERY = Duration.ofSeconds(1);

  /** What the worker does and how. */
  public record Settings(int threads, Duration claimWait, boolean once, Path scratchRoot) {
    public Settings {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1");
      }
      Objects.requireNonNull(claimWait, "claimWait");
      Objects.requireNonNull(scratchRoot, "scratchRoot");
    }
  }

  /** How a run ended, for the exit code and the log. */
  public enum Outcome { NONE, SUCCEEDED, CANCELLED, FAILED, LOST, RELEASED }

  /** The worker is stopping: the run goes back to the queue. */
  private static final class Stopping extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopping() {
      super("the worker is stopping", null, false, false);
    }
  }

  /** The claim was lost (409): the run is dropped. */
  private static final class ClaimLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClaimLost(String message) {
      super(message, null, false, false);
    }
  }

  private final WorkerClient client;
  private final Map<String, ModelFile> models;
  private final Settings settings;
  private final PrintWriter log;
  private final ObjectMapper json;
  private final KeyCache keys;
  private final Map<JobKind, JobRunner> runners = new EnumMap<>(JobKind.class);
  private volatile boolean stopping;

  /**
   * @param models the model files this worker holds, by model id (its owner's listings)
   * @param keys where parsed parameters and keys are kept between jobs (the caller closes it;
   *     workers of one process may share one)
   * @param log where progress goes (standard error)
   */
  public RemoteWorker(WorkerClient client, Map<String, ModelFile> models, Settings settings,
      KeyCache keys, ObjectMapper json, PrintWriter log) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.client = Objects.requireNonNull(client, "client");
    this.models = Map.copyOf(models);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.json = Objects.requireNonNull(json, "json");
    this.log = Objects.requireNonNull(log, "log");
    runners.put(JobKind.INFERENCE, new InferenceRunner(InferenceSettings.defaults(), json, keys));
    runners.put(JobKind.TRAINING, new TrainingRunner(keys, json));
  }

  /**
   * Claims and runs jobs until {@link #stop} (or, with {@code once}, one claim).
   *
   * @return how the last run ended ({@link Outcome#NONE} if no job came)
   */
  public Outcome run() {
    Outcome last = Outcome.NONE;
    while (!stopping) {
      Optional<WorkerClaim> c;
      try {
        c = client.claim(settings.claimWait());
      } catch (VeilException e) {
        if (settings.once() || stopping) {
          throw e;
        }
        log("claiming failed (" + e.getMessage() + "); trying again in 5 s");
        sleep(Duration.ofSeconds(5));
        continue;
      }
      if (c.isPresent()) {
        last = execute(c.get());
      }
      if (settings.once()) {
        break;
      }
    }
    return last;
  }

  /** Stops claiming; a running job goes back to the queue at its next checkpoint. */
  public void stop() {
    stopping = true;
  }

  private Outcome execute(WorkerClaim c) {
    String id = c.jobId();
    log("claimed " + id + " (" + c.kind().name().toLowerCase(Locale.ROOT) + ", attempt "
        + c.attempt() + ")");
    if (stopping) {
      return release(c);
    }
    JobKind kind = JobKind.valueOf(c.kind().name());
    Path scratch = null;
    Run run = new Run(c);
    ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veil-worker-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(50, c.leaseMillis() / 3);
    beat.scheduleWithFixedDelay(run::heartbeat, period, period, TimeUnit.MILLISECONDS);
    try {
      scratch = Files.createTempDirectory(settings.scratchRoot(), id + "-");
      run.scratch = scratch;
      run.inputs = new HttpJobInputs(c, client, scratch, models, json);
      JobOutcome outcome = runners.get(kind).run(job(c), run);
      beat.shutdownNow();
      JobState after = client.complete(id, c.attempt(), outcome.result().sha256(),
          json.readTree(outcome.info()));
      log(id + ": " + after);
      return after == JobState.SUCCEEDED ? Outcome.SUCCEEDED : Outcome.CANCELLED;
    } catch (Stopping e) {
      return release(c);
    } catch (ClaimLost e) {
      log(id + ": " + e.getMessage() + "; the run is dropped");
      return Outcome.LOST;
    } catch (JobCancelledException e) {
      return end(c, () -> client.cancelled(id, c.attempt()), Outcome.CANCELLED);
    } catch (VeilApiException e) {
      if (e.status() == 409) {
        log(id + ": the server refused the run's report (" + e.getMessage() + "); dropped");
        return Outcome.LOST;
      }
      return failed(c, e.getMessage());
    } catch (JobFailedException | ServiceException | IllegalArgumentException e) {
      return failed(c, e.getMessage());
    } catch (OutOfMemoryError e) {
      return failed(c, "the worker ran out of memory running this job");
    } catch (Exception e) {
      e.printStackTrace(log);
      return failed(c, "internal error on the worker (" + e.getClass().getSimpleName()
          + "; see the worker's log)");
    } finally {
      beat.shutdownNow();
      deleteQuietly(scratch);
    }
  }

  private Outcome failed(WorkerClaim c, String reason) {
    log(c.jobId() + ": failed: " + reason);
    return end(c, () -> client.fail(c.jobId(), c.attempt(), reason), Outcome.FAILED);
  }

  private Outcome release(WorkerClaim c) {
    return end(c, () -> {
      client.release(c.jobId(), c.attempt());
      log(c.jobId() + ": put back in the queue (the worker is stopping)");
      return null;
    }, Outcome.RELEASED);
  }

  private Outcome end(WorkerClaim c, Callable<?> call, Outcome outcome) {
    try {
      call.call();
      return outcome;
    } catch (VeilApiException e) {
      log(c.jobId() + ": the server refused (" + e.getMessage() + ")");
      return Outcome.LOST;
    } catch (Exception e) {
      log(c.jobId() + ": reporting the end failed (" + e.getMessage() + "); its lease will"
          + " expire and the server re-queue it");
      return Outcome.LOST;
    }
  }

  /** The job as the runners read it: id, kind and parameters from the claim. */
  private Job job(WorkerClaim c) throws IOException {
    return new Job(c.jobId(), "", JobKind.valueOf(c.kind().name()),
        dev.veil.server.job.JobState.RUNNING, "running", 0, json.writeValueAsString(
            c.parameters()), null, 0, null, null, null, null, null, null, null, c.attempt(),
        c.attempt(), false, null, null, null, null, null, null);
  }

  /** The runner's view of the claim, and its heartbeat. */
  private final class Run implements JobContext {
    private final WorkerClaim claim;
    private final long reportEveryNanos;
    private volatile boolean cancel;
    private volatile String lost;
    private JobInputs inputs;
    private Path scratch;
    /** When the server last heard of this run (the claim counts); guarded by this. */
    private long lastReport = System.nanoTime();
    /** Progress not sent yet (null: none); guarded by this. */
    private String pendingStage;
    private int pendingPercent;

    Run(WorkerClaim claim) {
      this.claim = claim;
      this.reportEveryNanos = Math.min(REPORT_EVERY.toNanos(),
          Duration.ofMillis(Math.max(1, claim.leaseMillis() / 10)).toNanos());
    }

    /** Renews the lease, with the progress not sent yet if there is some. */
    void heartbeat() {
      if (lost != null) {
        return;
      }
      String stage;
      int percent;
      synchronized (this) {
        stage = pendingStage;
        percent = pendingPercent;
        pendingStage = null;
      }
      try {
        WorkerBeat b = client.progress(claim.jobId(), claim.attempt(), stage,
            stage == null ? null : percent);
        reported();
        cancel |= b.cancelRequested();
      } catch (VeilApiException e) {
        if (e.status() == 409 || e.status() == 404) {
          lost = e.getMessage();
        }
      } catch (RuntimeException e) {
        log(claim.jobId() + ": heartbeat failed (" + e.getMessage() + ")");
      }
    }

    private synchronized void reported() {
      lastReport = System.nanoTime();
    }

    /** Whether a report is due now; if not, keeps the progress for the next one. */
    private synchronized boolean due(String stage, int percent) {
      if (System.nanoTime() - lastReport >= reportEveryNanos) {
        pendingStage = null;
        return true;
      }
      pendingStage = stage;
      pendingPercent = percent;
      return false;
    }

    @Override
    public void progress(String stage, int percent) {
      alive();
      if (due(stage, percent)) {
        WorkerBeat b;
        try {
          b = client.progress(claim.jobId(), claim.attempt(), stage, percent);
        } catch (VeilApiException e) {
          if (e.status() == 409 || e.status() == 404) {
            throw new ClaimLost(e.getMessage());
          }
          throw e;
        }
        reported();
        cancel |= b.cancelRequested();
      }
      log(claim.jobId() + ": " + stage + " (" + percent + "%)");
      checkCancelled();
    }

    @Override
    public void checkCancelled() {
      alive();
      if (cancel) {
        throw new JobCancelledException(claim.jobId());
      }
    }

    private void alive() {
      if (lost != null) {
        throw new ClaimLost(lost);
      }
      if (stopping) {
        throw new Stopping();
      }
    }

    @Override
    public Path scratch() {
      return scratch;
    }

    @Override
    public int threads() {
      return settings.threads();
    }

    @Override
    public JobInputs inputs() {
      return inputs;
    }
  }

  private void log(String line) {
    log.println("veil worker: " + line);
    log.flush();
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> all = s.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temporary directory left behind
    }
  }
}
