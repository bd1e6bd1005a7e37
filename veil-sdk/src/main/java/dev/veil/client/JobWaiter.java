package dev.veil.client;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import dev.veil.api.Job;
import dev.veil.api.JobEvent;

/**
 * Follows a job to its end: by its events ({@link EventSource}) while they come, checking the job
 * by polling when the stream is silent for {@code eventsCheckInterval} (events come only from the
 * server process whose worker runs the job), and by polling every {@code pollInterval} once the
 * stream is refused or ends. A listener is told each distinct (state, stage, progress, error)
 * once, in order.
 */
final class JobWaiter {
  /** Follows the events of a job. */
  @FunctionalInterface
  interface EventSource {
    /**
     * Starts following the job's events: each to {@code onEvent}, then {@code onEnd} when the
     * stream ends, breaks off or is refused (it may be called more than once).
     */
    Following follow(String jobId, Consumer<JobEvent> onEvent, Runnable onEnd);
  }

  /** A stream being followed. */
  @FunctionalInterface
  interface Following {
    /** Stops following; no effect once it ended. */
    void cancel();
  }

  private static final Object STREAM_ENDED = new Object();

  private final Function<String, Job> jobs;
  private final EventSource events;
  private final Duration pollInterval;
  private final Duration eventsCheckInterval;

  /**
   * @param jobs gets a job by its id (a poll)
   * @param events the job's events, or null to poll only
   * @param pollInterval the pause between polls without events
   * @param eventsCheckInterval how long a silent stream waits before one poll
   */
  JobWaiter(Function<String, Job> jobs, EventSource events, Duration pollInterval,
      Duration eventsCheckInterval) {
    this.jobs = Objects.requireNonNull(jobs, "jobs");
    this.events = events;
    this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    this.eventsCheckInterval = Objects.requireNonNull(eventsCheckInterval,
        "eventsCheckInterval");
  }

  /**
   * Waits until the job ends (SUCCEEDED, FAILED or CANCELLED) and returns it as it ended, telling
   * {@code listener} every change on the way.
   *
   * @param timeout how long to wait at most, or null for no limit
   * @throws VeilException if the time runs out or the thread is interrupted
   */
  Job waitFor(String jobId, JobListener listener, Duration timeout) {
    Objects.requireNonNull(listener, "listener");
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    Notifier notifier = new Notifier(listener);
    Job job = jobs.apply(jobId);
    notifier.tell(job.toEvent());
    if (job.state().isTerminal()) {
      return job;
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    Following stream = events == null ? null
        : events.follow(jobId, queue::add, () -> queue.add(STREAM_ENDED));
    boolean streaming = stream != null;
    try {
      while (true) {
        long wait = (streaming ? eventsCheckInterval : pollInterval).toNanos();
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
        job = jobs.apply(jobId);
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
    return jobs.apply(jobId);
  }

  /** Tells a listener each distinct (state, stage, progress, error) once. */
  private static final class Notifier {
    private final JobListener listener;
    private List<Object> last;

    Notifier(JobListener listener) {
      this.listener = listener;
    }

    void tell(JobEvent e) {
      List<Object> key = Arrays.asList(e.state(), e.stage(), e.progress(), e.error());
      if (!key.equals(last)) {
        last = key;
        listener.onEvent(e);
      }
    }
  }
}
