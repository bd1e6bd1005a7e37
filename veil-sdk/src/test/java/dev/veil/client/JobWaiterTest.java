package dev.veil.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.veil.api.Job;
import dev.veil.api.JobEvent;
import dev.veil.api.JobKind;
import dev.veil.api.JobState;
import org.junit.jupiter.api.Test;

/**
 * The job waiter alone, with a fake poll and a fake event source: events carry the job to its
 * end, a stream that ends or stays silent falls back to polling, and the listener hears each
 * change once.
 */
class JobWaiterTest {
  private static final Duration LONG = Duration.ofHours(1);
  private static final Duration SHORT = Duration.ofMillis(5);

  private final AtomicInteger polls = new AtomicInteger();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final List<JobEvent> seen = new ArrayList<>();

  private static Job job(JobState state, int progress) {
    String stage = state.name().toLowerCase(Locale.ROOT);
    return new Job("job_1", JobKind.TRAINING, state, stage, progress, "usr_1", null, null, 5,
        null, null, null, null, 1, 3, false,
        Instant.parse("2026-01-01T00:00:00Z"), null, null, Instant.parse("2026-01-01T00:00:01Z"));
  }

  private static JobEvent event(JobState state, int progress) {
    return job(state, progress).toEvent();
  }

  /** Polls answer these jobs in turn, repeating the last. */
  private Function<String, Job> polling(Job... jobs) {
    return id -> {
      assertThat(id).isEqualTo("job_1");
      return jobs[Math.min(polls.getAndIncrement(), jobs.length - 1)];
    };
  }

  /** An event source that sends these events at once and then, if {@code end}, ends. */
  private JobWaiter.EventSource sending(boolean end, JobEvent... events) {
    return (id, onEvent, onEnd) -> {
      for (JobEvent e : events) {
        onEvent.accept(e);
      }
      if (end) {
        onEnd.run();
      }
      return () -> cancelled.set(true);
    };
  }

  /** What the listener was told, as "STATE progress". */
  private List<String> told() {
    return seen.stream().map(e -> e.state() + " " + e.progress()).toList();
  }

  @Test
  void eventsCarryTheJobToItsEndAndTheStreamIsCancelled() {
    JobWaiter w = new JobWaiter(polling(job(JobState.QUEUED, 0), job(JobState.SUCCEEDED, 100)),
        sending(false, event(JobState.RUNNING, 50), event(JobState.RUNNING, 50),
            event(JobState.SUCCEEDED, 100)), LONG, LONG);
    Job done = w.waitFor("job_1", seen::add, Duration.ofSeconds(30));
    assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(told()).containsExactly("QUEUED 0", "RUNNING 50", "SUCCEEDED 100");
    assertThat(polls.get()).as("the first look and the final one").isEqualTo(2);
    assertThat(cancelled).isTrue();
  }

  @Test
  void aStreamThatEndsFallsBackToPolling() {
    JobWaiter w = new JobWaiter(polling(job(JobState.RUNNING, 10), job(JobState.RUNNING, 20),
        job(JobState.RUNNING, 20), job(JobState.FAILED, 20)), sending(true), SHORT, LONG);
    Job done = w.waitFor("job_1", seen::add, Duration.ofSeconds(30));
    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(told()).containsExactly("RUNNING 10", "RUNNING 20", "FAILED 20");
    assertThat(polls.get()).isEqualTo(4);
    assertThat(cancelled).isTrue();
  }

  @Test
  void aSilentStreamIsCheckedByPollingNowAndThen() {
    JobWaiter w = new JobWaiter(polling(job(JobState.RUNNING, 10), job(JobState.RUNNING, 10),
        job(JobState.CANCELLED, 10)), sending(false), LONG, Duration.ofMillis(20));
    Job done = w.waitFor("job_1", seen::add, Duration.ofSeconds(30));
    assertThat(done.state()).isEqualTo(JobState.CANCELLED);
    assertThat(told()).containsExactly("RUNNING 10", "CANCELLED 10");
  }

  @Test
  void withoutAnEventSourceItOnlyPolls() {
    JobWaiter w = new JobWaiter(polling(job(JobState.QUEUED, 0), job(JobState.RUNNING, 30),
        job(JobState.SUCCEEDED, 100)), null, SHORT, LONG);
    assertThat(w.waitFor("job_1", seen::add, null).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(told()).containsExactly("QUEUED 0", "RUNNING 30", "SUCCEEDED 100");
  }

  @Test
  void aJobThatHasEndedIsNotFollowed() {
    JobWaiter.EventSource refuse = (id, onEvent, onEnd) -> {
      throw new AssertionError("followed a job that has ended");
    };
    JobWaiter w = new JobWaiter(polling(job(JobState.SUCCEEDED, 100)), refuse, LONG, LONG);
    assertThat(w.waitFor("job_1", seen::add, null).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(seen).hasSize(1);
  }

  @Test
  void waitingGivesUpAtItsTimeoutAndSaysWhereTheJobIs() {
    JobWaiter w = new JobWaiter(polling(job(JobState.RUNNING, 10)), sending(false), SHORT,
        Duration.ofMillis(10));
    VeilException e = catchThrowableOfType(VeilException.class,
        () -> w.waitFor("job_1", JobListener.NONE, Duration.ofMillis(100)));
    assertThat(e.getMessage()).contains("job job_1 did not end within PT0.1S",
        "RUNNING: running");
    assertThat(cancelled).isTrue();
  }

  @Test
  void anInterruptedWaitFailsAndKeepsTheInterrupt() {
    JobWaiter w = new JobWaiter(polling(job(JobState.RUNNING, 10)), sending(false), LONG, LONG);
    Thread.currentThread().interrupt();
    try {
      VeilException e = catchThrowableOfType(VeilException.class,
          () -> w.waitFor("job_1", JobListener.NONE, null));
      assertThat(e.getMessage()).isEqualTo("interrupted while waiting for job job_1");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(cancelled).isTrue();
  }
}
