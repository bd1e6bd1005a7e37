package dev.veil.server.job;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process publisher of {@link JobEvent}s to listeners registered per job id (the HTTP layer's
 * server-sent-event streams). Events are published after the change is committed, in order per
 * job from one thread at a time; a listener runs on the publishing thread (a worker), so it must
 * only hand the event on (enqueue it), and an exception it throws is logged and does not reach
 * the publisher or the other listeners.
 *
 * <p>Only this process's workers publish: a deployment with workers in other processes must poll
 * ({@code GET /api/jobs/{id}}), which always tells the truth. Thread-safe.
 */
public final class JobEvents {
  private static final Logger LOG = LoggerFactory.getLogger(JobEvents.class);

  /** A registration; closing it removes the listener (idempotent). */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  private final Map<String, List<Consumer<JobEvent>>> listeners = new ConcurrentHashMap<>();

  public Subscription subscribe(String jobId, Consumer<JobEvent> listener) {
    Objects.requireNonNull(jobId, "jobId");
    Objects.requireNonNull(listener, "listener");
    listeners.compute(jobId, (k, list) -> {
      List<Consumer<JobEvent>> l = list == null ? new CopyOnWriteArrayList<>() : list;
      l.add(listener);
      return l;
    });
    return () -> listeners.computeIfPresent(jobId, (k, list) -> {
      list.remove(listener);
      return list.isEmpty() ? null : list;
    });
  }

  public void publish(JobEvent event) {
    List<Consumer<JobEvent>> list = listeners.get(event.jobId());
    if (list == null) {
      return;
    }
    for (Consumer<JobEvent> l : list) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("a listener of job {} failed: {}", event.jobId(), e.toString());
      }
    }
  }

  /** Listeners registered for the job (for tests and metrics). */
  public int listeners(String jobId) {
    List<Consumer<JobEvent>> list = listeners.get(jobId);
    return list == null ? 0 : list.size();
  }
}
