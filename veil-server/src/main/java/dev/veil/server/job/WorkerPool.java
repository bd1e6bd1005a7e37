package dev.veil.server.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import dev.veil.server.core.Ids;
import dev.veil.server.core.ServiceException;
import dev.veil.server.job.JobService.Claim;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N worker threads that claim queued jobs from the database, run them with the runner of their
 * kind and record the outcome through {@link JobService}, plus a heartbeat that renews the
 * leases of the running jobs and recovers jobs whose lease lapsed (a worker elsewhere died, a
 * remote worker included). These are the server's own workers: they claim only jobs without a
 * placement ({@link ClaimScope#server}), never those of a listing whose weights stay on its
 * seller's worker, and give runners their inputs from the {@link JobInputs.Source}.
 *
 * <h2>Lifecycle</h2>
 *
 * {@link #start()} first recovers the jobs a previous process left RUNNING ({@link
 * JobService#recoverOrphans}: all of them when {@link Settings#soleWorker()} says this is the
 * only worker process, e.g. on the embedded database; else those whose lease lapsed), then starts
 * the threads. {@link #close()} stops claiming, asks running jobs to stop at their next
 * checkpoint and puts them back in the queue without counting the interrupted start, and waits
 * for the threads. A process that dies instead leaves its jobs RUNNING until the next start (or
 * another process's heartbeat) recovers them.
 *
 * <p>A failing run ends its job FAILED: with the message of a {@link JobFailedException}, a
 * {@link ServiceException} or an {@link IllegalArgumentException} (refusals of veil-ml, which
 * name the problem with the inputs), or a generic message for anything else (the details only in
 * the log).
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkerPool.class);

  /**
   * @param workers worker threads (jobs run at once)
   * @param threadsPerJob threads each job's homomorphic work may use
   * @param pollInterval how often an idle worker looks for work without being signalled
   * @param lease how long a claim lasts without a heartbeat (renewed every third of it)
   * @param scratchRoot where runs get their temporary directories
   * @param soleWorker whether this process is the only one running jobs on this database (then
   *     every RUNNING job found at start is an orphan)
   * @param stopTimeout how long {@link #close()} waits for running jobs to reach a checkpoint
   */
  public record Settings(int workers, int threadsPerJob, Duration pollInterval, Duration lease,
      Path scratchRoot, boolean soleWorker, Duration stopTimeout) {
    public Settings {
      if (workers < 1 || threadsPerJob < 1) {
        throw new IllegalArgumentException("workers and threads per job must be >= 1");
      }
      Objects.requireNonNull(pollInterval, "pollInterval");
      Objects.requireNonNull(lease, "lease");
      Objects.requireNonNull(scratchRoot, "scratchRoot");
      Objects.requireNonNull(stopTimeout, "stopTimeout");
      if (lease.toMillis() < 30) {
        throw new IllegalArgumentException("lease too short: " + lease);
      }
    }
  }

  /** The pool is closing: the run is put back in the queue. */
  private static final class Stopping extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopping() {
      super("the worker pool is stopping", null, false, false);
    }
  }

  /** The pool was halted (a simulated crash): the run leaves no trace in the database. */
  private static final class Halted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Halted() {
      super("the worker pool was halted", null, false, false);
    }
  }

  /** The claim was taken over by a recovery: the run's outcome is discarded. */
  private static final class ClaimLost extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ClaimLost(String jobId) {
      super("lost the claim on job " + jobId, null, false, false);
    }
  }

  private final JobService jobs;
  private final JobSignal signal;
  private final JobInputs.Source inputs;
  private final ClaimScope scope;
  private final Map<JobKind, JobRunner> runners = new EnumMap<>(JobKind.class);
  private final Set<JobKind> resumable = EnumSet.noneOf(JobKind.class);
  private final Settings settings;
  private final String id = Ids.next("wrk");
  private final List<Thread> threads = new ArrayList<>();
  private final AtomicInteger running = new AtomicInteger();
  private ScheduledExecutorService heartbeat;
  private volatile boolean stopping;
  private volatile boolean halted;
  private boolean started;

  /** @param inputs where the runs read their inputs and store their results */
  public WorkerPool(JobService jobs, JobSignal signal, List<JobRunner> runners,
      JobInputs.Source inputs, Settings settings) {
    this(jobs, signal, runners, kinds(runners), inputs, settings);
  }

  /**
   * A pool that claims only the jobs of {@code claimed} kinds (each with its runner), the others
   * being left to remote workers; the recovery still treats every runner's kind as resumable.
   */
  public WorkerPool(JobService jobs, JobSignal signal, List<JobRunner> runners,
      Set<JobKind> claimed, JobInputs.Source inputs, Settings settings) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.signal = Objects.requireNonNull(signal, "signal");
    this.inputs = Objects.requireNonNull(inputs, "inputs");
    this.settings = Objects.requireNonNull(settings, "settings");
    for (JobRunner r : runners) {
      if (this.runners.put(r.kind(), r) != null) {
        throw new IllegalArgumentException("two runners for " + r.kind());
      }
      if (r.resumable()) {
        resumable.add(r.kind());
      }
    }
    if (!this.runners.keySet().containsAll(claimed)) {
      throw new IllegalArgumentException("no runner for some of " + claimed);
    }
    this.scope = ClaimScope.server(claimed);
  }

  private static Set<JobKind> kinds(List<JobRunner> runners) {
    Set<JobKind> k = EnumSet.noneOf(JobKind.class);
    runners.forEach(r -> k.add(r.kind()));
    return k;
  }

  /** This pool's worker id (written on the jobs it claims). */
  public String id() {
    return id;
  }

  /** Jobs running now. */
  public int running() {
    return running.get();
  }

  /** Recovers orphaned jobs, then starts the workers and the heartbeat. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    try {
      Files.createDirectories(settings.scratchRoot());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + settings.scratchRoot(), e);
    }
    int recovered = jobs.recoverOrphans(settings.soleWorker(), resumable);
    if (recovered > 0) {
      LOG.info("recovered {} job(s) left running by a previous process", recovered);
    }
    removeLeftoverScratch();
    for (int i = 0; i < settings.workers(); i++) {
      Thread t = new Thread(this::loop, "veil-worker-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "veil-worker-heartbeat");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, settings.lease().toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    if (halted || stopping) {
      return;
    }
    try {
      jobs.renewLeases(id, settings.lease());
      jobs.recoverOrphans(false, resumable);
      jobs.expireHandovers();
    } catch (RuntimeException e) {
      LOG.warn("heartbeat failed: {}", e.toString());
    }
  }

  /**
   * Stops: no new claims; running jobs go back to the queue at their next checkpoint (waiting up
   * to the stop timeout); the threads end.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (!started || stopping || halted) {
        return;
      }
      stopping = true;
    }
    signal.wakeAll();
    long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
    for (Thread t : threads) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
  }

  /**
   * Simulates a crash, for tests: the workers and the heartbeat stop without writing anything
   * more (their jobs stay RUNNING with their leases left to lapse), as if the process had died.
   */
  void halt() {
    synchronized (this) {
      halted = true;
    }
    if (heartbeat != null) {
      heartbeat.shutdownNow();
    }
    for (Thread t : threads) {
      t.interrupt();
    }
  }

  // ---------------------------------------------------------------- the worker loop

  private void loop() {
    while (!stopping && !halted) {
      long seen = signal.generation();
      Optional<Claim> claim;
      try {
        claim = jobs.claimNext(id, scope, settings.lease());
      } catch (RuntimeException e) {
        if (halted) {
          return;
        }
        LOG.warn("claiming a job failed: {}", e.toString());
        claim = Optional.empty();
      }
      if (claim.isEmpty()) {
        try {
          signal.await(seen, settings.pollInterval());
        } catch (InterruptedException e) {
          if (halted || stopping) {
            return;
          }
        }
        continue;
      }
      if (halted) {
        return; // claimed just before the crash: it stays RUNNING, as after a real one
      }
      running.incrementAndGet();
      try {
        execute(claim.get());
      } finally {
        running.decrementAndGet();
      }
    }
  }

  private void execute(Claim c) {
    Job job = c.job();
    JobRunner runner = runners.get(job.kind());
    if (runner == null) {
      jobs.fail(c, "this server runs no " + job.kind() + " jobs");
      return;
    }
    Path scratch = null;
    try {
      scratch = Files.createTempDirectory(settings.scratchRoot(), job.id() + "-");
      JobOutcome outcome = runner.run(job, new Context(c, scratch));
      if (halted) {
        return;
      }
      jobs.succeed(c, outcome);
    } catch (Halted e) {
      // as if the process had died here
    } catch (Throwable e) {
      if (halted) {
        return;
      }
      ended(c, e);
      if (e instanceof Error err && !(e instanceof OutOfMemoryError)) {
        throw err;
      }
    } finally {
      deleteQuietly(scratch);
    }
  }

  private void ended(Claim c, Throwable e) {
    String jobId = c.job().id();
    try {
      if (e instanceof Stopping) {
        jobs.requeueOnShutdown(c);
      } else if (e instanceof ClaimLost) {
        LOG.warn("job {}: {}; its outcome is discarded", jobId, e.getMessage());
      } else if (e instanceof JobCancelledException) {
        jobs.cancelled(c);
      } else if (e instanceof JobFailedException || e instanceof ServiceException
          || e instanceof IllegalArgumentException) {
        LOG.info("job {} failed: {}", jobId, e.getMessage());
        jobs.fail(c, e.getMessage());
      } else if (e instanceof OutOfMemoryError) {
        LOG.error("job {} ran out of memory", jobId, e);
        jobs.fail(c, "the server ran out of memory running this job");
      } else {
        LOG.error("job {} failed unexpectedly", jobId, e);
        jobs.fail(c, "internal error while running the job (reference " + jobId
            + " in the server log)");
      }
    } catch (RuntimeException again) {
      LOG.error("job {}: recording its end failed; recovery will end it", jobId, again);
    }
  }

  /**
   * Deletes the scratch directories that runs killed with their process left behind (a run
   * deletes its own when it ends). Before this pool's workers start, every directory is such a
   * leftover when this is the sole worker; otherwise (a scratch root shared by servers on one
   * PostgreSQL) only those of jobs that are not RUNNING, the directory being listed before the job
   * is looked up (a claim precedes its directory).
   */
  private void removeLeftoverScratch() {
    List<Path> leftovers = new ArrayList<>();
    try (Stream<Path> s = Files.list(settings.scratchRoot())) {
      s.forEach(leftovers::add);
    } catch (IOException e) {
      LOG.warn("could not list {}: {}", settings.scratchRoot(), e.toString());
      return;
    }
    int removed = 0;
    for (Path dir : leftovers) {
      String name = dir.getFileName().toString();
      int dash = name.indexOf('-');
      String jobId = dash > 0 ? name.substring(0, dash) : name;
      if (!settings.soleWorker() && jobs.isRunning(jobId)) {
        continue;
      }
      deleteQuietly(dir);
      removed++;
    }
    if (removed > 0) {
      LOG.info("removed {} scratch director(ies) left by jobs a previous process ran", removed);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.warn("could not delete {}: {}", p, e.toString());
        }
      });
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", dir, e.toString());
    }
  }

  /** The runner's view of its claim. */
  private final class Context implements JobContext {
    private final Claim claim;
    private final Path scratch;
    private JobInputs jobInputs;

    Context(Claim claim, Path scratch) {
      this.claim = claim;
      this.scratch = scratch;
    }

    @Override
    public JobInputs inputs() {
      if (jobInputs == null) {
        jobInputs = inputs.forJob(claim.job());
      }
      return jobInputs;
    }

    @Override
    public void progress(String stage, int percent) {
      alive();
      if (!jobs.progress(claim, stage, percent, settings.lease())) {
        throw new ClaimLost(claim.job().id());
      }
      checkCancelled();
    }

    @Override
    public void checkCancelled() {
      alive();
      if (jobs.cancelRequested(claim.job().id())) {
        throw new JobCancelledException(claim.job().id());
      }
    }

    private void alive() {
      if (halted) {
        throw new Halted();
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
      return settings.threadsPerJob();
    }
  }
}
