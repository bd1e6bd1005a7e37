package dev.veil.server.job;

import static dev.veil.server.job.JobsFixture.ALICE;
import static dev.veil.server.job.JobsFixture.BOB;
import static dev.veil.server.job.JobsFixture.OPERATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.veil.server.budget.BudgetLimits;
import dev.veil.server.budget.BudgetUsage;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.ledger.Balance;
import dev.veil.server.ledger.HoldState;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The job queue: funds and budgets reserved with the job, idempotent submission, exclusive
 * claims, cancellation, failures, restarts, events and who may see what. The queue's
 * concurrency tests run on SQLite and on PostgreSQL.
 */
class JobServiceTest {
  @TempDir Path scratch;

  private static ScriptedRunner quick(JobsFixture f) {
    return new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
      ctx.progress("step 1", 50);
    });
  }

  private static void assertStatus(Throwable e, int status) {
    assertThat(e).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) e).status()).isEqualTo(status);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aPaidJobHoldsItsPriceAndPaysThePayeeMinusTheFeeOnSuccess(TestDatabase.Kind kind)
      throws Exception {
    try (JobsFixture f = new JobsFixture(kind, scratch, 3)) {
      f.ledger.deposit("usr_op", ALICE.userId(), 1000, null, null);
      Job j = f.submit(ALICE, 400, BOB.userId());
      assertThat(j.state()).isEqualTo(JobState.QUEUED);
      assertThat(j.holdId()).isNotNull();
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 600, 400));
      f.pool(1, quick(f));
      Job done = f.await(ALICE, j.id(), JobState.SUCCEEDED);
      assertThat(done.progress()).isEqualTo(100);
      assertThat(done.attempts()).isEqualTo(1);
      assertThat(done.resultInfo()).isEqualTo("{\"format\":\"test\"}");
      assertThat(f.ledger.findHold(j.holdId()).orElseThrow().state())
          .isEqualTo(HoldState.CAPTURED);
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 600, 0));
      assertThat(f.ledger.balance(BOB.userId()).available()).isEqualTo(360);
      try (ResultDownload r = download(f, ALICE, j.id())) {
        assertThat(new String(r.content().readAllBytes(), StandardCharsets.UTF_8))
            .isEqualTo("result of " + j.id());
      }
      assertThat(f.audit.actions()).contains("job.submit", "job.succeeded",
          "job.result.download");
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  private static ResultDownload download(JobsFixture f, Principal p, String id) {
    return f.jobs.openResult(p, id);
  }

  @Test
  void aJobWithoutFundsOrOverBudgetLeavesNothingBehind() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      f.insertModel("mdl_1", BOB.userId());
      BudgetLimits limits = new BudgetLimits(2, 10, 10);
      // no funds: 402, no job, no budget used
      assertThatThrownBy(() -> f.jobs.submit(ALICE, null, "h", () -> inference(f, 30, 4, limits)))
          .satisfies(e -> assertStatus(e, 402));
      assertThat(f.jobs.list(ALICE, false, null, 10)).isEmpty();
      assertThat(f.budgets.usage(ALICE.userId(), "mdl_1")).isEqualTo(new BudgetUsage(0, 0));
      f.ledger.deposit("usr_op", ALICE.userId(), 100, null, null);
      f.jobs.submit(ALICE, null, "h", () -> inference(f, 30, 4, limits));
      assertThat(f.budgets.usage(ALICE.userId(), "mdl_1")).isEqualTo(new BudgetUsage(1, 4));
      // over the row budget: 429, nothing charged
      assertThatThrownBy(() -> f.jobs.submit(ALICE, null, "h", () -> inference(f, 30, 7, limits)))
          .satisfies(e -> assertStatus(e, 429)).hasMessageContaining("row budget");
      f.jobs.submit(ALICE, null, "h", () -> inference(f, 30, 6, limits));
      // over the query budget
      assertThatThrownBy(() -> f.jobs.submit(ALICE, null, "h", () -> inference(f, 30, 1, limits)))
          .satisfies(e -> assertStatus(e, 429)).hasMessageContaining("query budget");
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 40, 60));
      assertThat(f.jobs.list(ALICE, false, null, 10)).hasSize(2);
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  private static Admission inference(JobsFixture f, long price, long rows, BudgetLimits limits) {
    return new Admission(JobKind.INFERENCE, "{}", BOB.userId(), price, BOB.userId(),
        new Admission.BudgetCharge("mdl_1", rows, limits), Map.of());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aRetriedSubmissionIsQueuedAndChargedOnce(TestDatabase.Kind kind) throws Exception {
    try (JobsFixture f = new JobsFixture(kind, scratch, 3)) {
      f.ledger.deposit("usr_op", ALICE.userId(), 1000, null, null);
      Job first = f.submit(ALICE, 100, BOB.userId(), "k-1", "req-a");
      assertThat(f.submit(ALICE, 100, BOB.userId(), "k-1", "req-a")).isEqualTo(first);
      assertThatThrownBy(() -> f.submit(ALICE, 100, BOB.userId(), "k-1", "req-b"))
          .satisfies(e -> assertStatus(e, 409));
      // racing retries: one job
      int threads = 8;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<Job>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return f.submit(ALICE, 100, BOB.userId(), "k-2", "req-c");
        }));
      }
      start.countDown();
      Set<String> ids = ConcurrentHashMap.newKeySet();
      for (Future<Job> r : results) {
        ids.add(r.get().id());
      }
      pool.shutdown();
      assertThat(ids).hasSize(1);
      assertThat(f.jobs.list(ALICE, false, null, 50)).hasSize(2);
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 800, 200));
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  /** Two pools of three workers on one database: every job runs exactly once. */
  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void severalWorkersNeverRunOneJobTwice(TestDatabase.Kind kind) throws Exception {
    try (JobsFixture f = new JobsFixture(kind, scratch, 3)) {
      int n = 30;
      f.ledger.deposit("usr_op", ALICE.userId(), 10 * n, null, null);
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      Set<String> workers = ConcurrentHashMap.newKeySet();
      JobRunner counting = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        runs.computeIfAbsent(job.id(), k -> new AtomicInteger()).incrementAndGet();
        workers.add(Thread.currentThread().getName());
        ctx.progress("working", 50);
        Thread.sleep(5);
      });
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        ids.add(f.submit(ALICE, 10, BOB.userId()).id());
      }
      f.pool(3, counting);
      f.pool(3, false, Duration.ofSeconds(30), counting);
      for (String id : ids) {
        Job j = f.await(ALICE, id, JobState.SUCCEEDED);
        assertThat(j.attempts()).isEqualTo(1);
      }
      assertThat(runs).hasSize(n);
      assertThat(runs.values()).allMatch(c -> c.get() == 1);
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 0, 0));
      assertThat(f.ledger.balance(BOB.userId()).available()).isEqualTo(9L * n);
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  @Test
  void aQueuedJobStartsAtOnceNotAtTheWorkersNextPoll() throws Exception {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      CountDownLatch started = new CountDownLatch(3);
      ScriptedRunner runner = new ScriptedRunner(JobKind.TRAINING, true, f.blobs,
          (job, ctx) -> started.countDown());
      // idle workers would look for work only once a minute: only the submission's signal
      // can start these jobs within the test's time
      f.pool(2, true, Duration.ofSeconds(30), Duration.ofMinutes(1), runner);
      Thread.sleep(300); // both workers found the queue empty and wait
      long t0 = System.nanoTime();
      for (int i = 0; i < 3; i++) {
        f.submit(ALICE, 0, null);
        Thread.sleep(50); // one at a time, each while the workers wait
      }
      assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
      Await.until("the jobs", Duration.ofSeconds(10), () -> f.jobs.list(ALICE, false,
          JobState.SUCCEEDED, 10).size() == 3);
    }
  }

  @Test
  void cancellingAQueuedJobReleasesItsFundsAtOnce() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      f.insertModel("mdl_1", BOB.userId());
      f.ledger.deposit("usr_op", ALICE.userId(), 100, null, null);
      Job j = f.jobs.submit(ALICE, null, "h",
          () -> inference(f, 70, 5, new BudgetLimits(5, 50, 50)));
      assertThatThrownBy(() -> f.jobs.cancel(BOB, j.id())).satisfies(e -> assertStatus(e, 404));
      assertThatThrownBy(() -> f.jobs.cancel(OPERATOR, j.id()))
          .satisfies(e -> assertStatus(e, 403));
      Job c = f.jobs.cancel(ALICE, j.id());
      assertThat(c.state()).isEqualTo(JobState.CANCELLED);
      assertThat(f.jobs.cancel(ALICE, j.id()).state()).isEqualTo(JobState.CANCELLED);
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 100, 0));
      assertThat(f.budgets.usage(ALICE.userId(), "mdl_1")).isEqualTo(new BudgetUsage(0, 0));
      assertThatThrownBy(() -> f.jobs.openResult(ALICE, j.id()))
          .satisfies(e -> assertStatus(e, 409));
      // a cancelled job is never claimed
      f.pool(1, quick(f));
      f.submit(ALICE, 0, null);
      Await.until("the other job", Duration.ofSeconds(10), () -> f.jobs.list(ALICE, false,
          JobState.SUCCEEDED, 10).size() == 1);
      assertThat(f.jobs.get(ALICE, j.id()).state()).isEqualTo(JobState.CANCELLED);
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  @Test
  void cancellingARunningJobStopsItAtTheNextStepAndReleasesItsFunds() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      f.ledger.deposit("usr_op", ALICE.userId(), 100, null, null);
      CountDownLatch started = new CountDownLatch(1);
      AtomicInteger steps = new AtomicInteger();
      JobRunner looping = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        started.countDown();
        for (int i = 0; i < 1000; i++) {
          ctx.progress("step " + i, i / 10);
          steps.incrementAndGet();
          Thread.sleep(10);
        }
      });
      f.pool(1, looping);
      Job j = f.submit(ALICE, 50, BOB.userId());
      Await.until("the job to start", Duration.ofSeconds(10), () -> started.getCount() == 0);
      Job requested = f.jobs.cancel(ALICE, j.id());
      assertThat(requested.cancelRequested()).isTrue();
      Job c = f.await(ALICE, j.id(), JobState.CANCELLED);
      assertThat(c.error()).contains("cancelled by its owner while it ran");
      assertThat(steps.get()).isLessThan(1000);
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 100, 0));
      assertThat(f.ledger.balance(BOB.userId()).available()).isZero();
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  @Test
  void aFailingRunEndsFailedWithItsReasonAndReleasesTheFunds() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      f.ledger.deposit("usr_op", ALICE.userId(), 100, null, null);
      JobRunner failing = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        if (job.parameters().contains("\"n\":1")) {
          throw new JobFailedException("the evaluation keys lack the rotation by 4");
        }
      });
      JobRunner crashing = new ScriptedRunner(JobKind.INFERENCE, true, f.blobs, (job, ctx) -> {
        throw new NullPointerException("secret detail");
      });
      f.pool(2, failing, crashing);
      Job a = f.submit(ALICE, 30, BOB.userId());
      Job b = f.jobs.submit(ALICE, null, "h", () -> new Admission(JobKind.INFERENCE, "{}",
          BOB.userId(), 20, BOB.userId(), null, Map.of()));
      assertThat(f.await(ALICE, a.id(), JobState.FAILED).error())
          .isEqualTo("the evaluation keys lack the rotation by 4");
      assertThat(f.await(ALICE, b.id(), JobState.FAILED).error())
          .startsWith("internal error").doesNotContain("secret detail");
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 100, 0));
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  /**
   * A pool dies mid-job (halted: nothing more is written, as when the process is killed); a new
   * pool on the same database re-queues the job (training restarts from its inputs) and runs it
   * to the end; the owner pays once.
   */
  @ParameterizedTest
  @EnumSource(TestDatabase.Kind.class)
  void aJobInterruptedByARestartRunsAgainAndIsPaidOnce(TestDatabase.Kind kind) {
    try (JobsFixture f = new JobsFixture(kind, scratch, 3)) {
      f.ledger.deposit("usr_op", ALICE.userId(), 100, null, null);
      CountDownLatch inStep = new CountDownLatch(1);
      List<Integer> attemptsSeen = new CopyOnWriteArrayList<>();
      JobRunner firstLife = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        attemptsSeen.add(job.attempts());
        ctx.progress("training: iteration 1 of 3", 30);
        inStep.countDown();
        Thread.sleep(60_000);
        ctx.progress("training: iteration 2 of 3", 60);
      });
      WorkerPool dying = f.pool(1, firstLife);
      Job j = f.submit(ALICE, 80, BOB.userId());
      Await.until("the first run", Duration.ofSeconds(10), () -> inStep.getCount() == 0);
      dying.halt();
      assertThat(f.jobs.get(ALICE, j.id()).state()).isEqualTo(JobState.RUNNING);

      JobRunner secondLife = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        attemptsSeen.add(job.attempts());
        ctx.progress("training: iteration 3 of 3", 90);
      });
      List<JobEvent> seen = new CopyOnWriteArrayList<>();
      try (var sub = f.jobs.subscribe(ALICE, j.id(), seen::add)) {
        f.pool(1, secondLife);
        Job done = f.await(ALICE, j.id(), JobState.SUCCEEDED);
        assertThat(done.attempts()).isEqualTo(2);
        // Events are published after the commit that the poll above sees: wait for the last one.
        Await.until("the SUCCEEDED event", Duration.ofSeconds(10),
            () -> seen.stream().anyMatch(e -> e.state() == JobState.SUCCEEDED));
      }
      assertThat(attemptsSeen).containsExactly(1, 2);
      assertThat(seen).extracting(JobEvent::state).contains(JobState.QUEUED, JobState.RUNNING,
          JobState.SUCCEEDED);
      assertThat(seen).anyMatch(e -> e.stage().contains("after a server restart during"
          + " 'training: iteration 1 of 3'"));
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 20, 0));
      assertThat(f.ledger.balance(BOB.userId()).available()).isEqualTo(72);
      assertThat(f.audit.actions()).contains("job.recover");
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  @Test
  void aRestartEndsAJobFailedOnceItsAttemptsAreUsedUp() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 1)) {
      f.ledger.deposit("usr_op", ALICE.userId(), 100, null, null);
      CountDownLatch inStep = new CountDownLatch(1);
      JobRunner hanging = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        ctx.progress("training: iteration 2 of 7", 30);
        inStep.countDown();
        Thread.sleep(60_000);
      });
      WorkerPool dying = f.pool(1, hanging);
      Job j = f.submit(ALICE, 80, BOB.userId());
      Await.until("the run", Duration.ofSeconds(10), () -> inStep.getCount() == 0);
      dying.halt();
      f.pool(1, quick(f));
      Job failed = f.await(ALICE, j.id(), JobState.FAILED);
      assertThat(failed.error())
          .isEqualTo("server restarted during 'training: iteration 2 of 7' (attempt 1 of 1)");
      assertThat(f.ledger.balance(ALICE.userId())).isEqualTo(new Balance(ALICE.userId(), 100, 0));
      assertThat(f.ledger.verify().problems()).isEmpty();
    }
  }

  /** With several worker processes a dead one's jobs are recovered when their lease lapses. */
  @Test
  void anotherProcessRecoversAJobWhoseLeaseLapsed() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      CountDownLatch inStep = new CountDownLatch(1);
      JobRunner hanging = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        if (job.attempts() == 1) {
          ctx.progress("step", 10);
          inStep.countDown();
          Thread.sleep(60_000);
        }
      });
      WorkerPool dying = f.pool(1, false, Duration.ofMillis(300), hanging);
      Job j = f.submit(ALICE, 0, null);
      Await.until("the run", Duration.ofSeconds(10), () -> inStep.getCount() == 0);
      WorkerPool other = f.pool(1, false, Duration.ofMillis(300), hanging);
      // the live lease is respected while the first pool's heartbeat renews it
      sleep(500);
      assertThat(f.jobs.get(ALICE, j.id()).state()).isEqualTo(JobState.RUNNING);
      assertThat(f.jobs.get(ALICE, j.id()).workerId()).isEqualTo(dying.id());
      dying.halt();
      Job done = f.await(ALICE, j.id(), JobState.SUCCEEDED);
      assertThat(done.attempts()).isEqualTo(2);
      assertThat(done.workerId()).isEqualTo(other.id());
    }
  }

  @Test
  void closingThePoolPutsRunningJobsBackWithoutUsingAnAttempt() {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 1)) {
      CountDownLatch inStep = new CountDownLatch(1);
      JobRunner slow = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        for (int i = 0; i < 100; i++) {
          ctx.progress("step " + i, i);
          inStep.countDown();
          Thread.sleep(20);
        }
      });
      WorkerPool first = f.pool(1, slow);
      Job j = f.submit(ALICE, 0, null);
      Await.until("the run", Duration.ofSeconds(10), () -> inStep.getCount() == 0);
      first.close();
      Job back = f.jobs.get(ALICE, j.id());
      assertThat(back.state()).isEqualTo(JobState.QUEUED);
      assertThat(back.attempts()).isZero();
      f.pool(1, quick(f));
      assertThat(f.await(ALICE, j.id(), JobState.SUCCEEDED).attempts()).isEqualTo(1);
    }
  }

  @Test
  void onlyTheOwnerAndTheDataOwnerSeeAJobAndReadItsResult() throws Exception {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      Principal mallory = new Principal("usr_mallory", "mallory", Set.of(Role.BUYER));
      f.pool(1, quick(f));
      Job j = f.submit(ALICE, 0, BOB.userId()); // a training job on Bob's data set
      f.await(ALICE, j.id(), JobState.SUCCEEDED);
      assertThat(f.jobs.get(BOB, j.id()).id()).isEqualTo(j.id());
      assertThat(f.jobs.get(OPERATOR, j.id()).id()).isEqualTo(j.id());
      assertThatThrownBy(() -> f.jobs.get(mallory, j.id())).satisfies(e -> assertStatus(e, 404));
      assertThatThrownBy(() -> f.jobs.get(mallory, "job_nonsense"))
          .satisfies(e -> assertStatus(e, 404));
      assertThatThrownBy(() -> f.jobs.openResult(mallory, j.id()))
          .satisfies(e -> assertStatus(e, 404));
      assertThatThrownBy(() -> f.jobs.openResult(OPERATOR, j.id()))
          .satisfies(e -> assertStatus(e, 403));
      assertThatThrownBy(() -> f.jobs.subscribe(mallory, j.id(), e -> { }))
          .satisfies(e -> assertStatus(e, 404));
      try (InputStream in = f.jobs.openResult(BOB, j.id()).content()) {
        assertThat(in.readAllBytes()).isNotEmpty();
      }
      assertThat(f.jobs.list(BOB, false, null, 10)).extracting(Job::id).containsExactly(j.id());
      assertThat(f.jobs.list(mallory, false, null, 10)).isEmpty();
      assertThatThrownBy(() -> f.jobs.list(ALICE, true, null, 10))
          .satisfies(e -> assertStatus(e, 403));
      assertThat(f.jobs.list(OPERATOR, true, null, 10)).hasSize(1);
      // an inference job is not the seller's to see
      Job inf = f.jobs.submit(ALICE, null, "h", () -> new Admission(JobKind.INFERENCE, "{}",
          BOB.userId(), 0, null, null, Map.of()));
      assertThatThrownBy(() -> f.jobs.get(BOB, inf.id())).satisfies(e -> assertStatus(e, 404));
    }
  }

  @Test
  void listenersSeeProgressAndTheEnd() throws Exception {
    try (JobsFixture f = new JobsFixture(TestDatabase.Kind.SQLITE, scratch, 3)) {
      CountDownLatch go = new CountDownLatch(1);
      JobRunner stepping = new ScriptedRunner(JobKind.TRAINING, true, f.blobs, (job, ctx) -> {
        go.await(10, TimeUnit.SECONDS);
        for (int i = 1; i <= 3; i++) {
          ctx.progress("iteration " + i + " of 3", 30 * i);
        }
      });
      f.pool(1, stepping);
      Job j = f.submit(ALICE, 0, null);
      List<JobEvent> seen = new CopyOnWriteArrayList<>();
      var sub = f.jobs.subscribe(ALICE, j.id(), seen::add);
      assertThat(f.events.listeners(j.id())).isEqualTo(1);
      go.countDown();
      f.await(ALICE, j.id(), JobState.SUCCEEDED);
      Await.until("the last event", Duration.ofSeconds(5),
          () -> !seen.isEmpty() && seen.get(seen.size() - 1).state() == JobState.SUCCEEDED);
      assertThat(seen).extracting(JobEvent::stage).contains("iteration 1 of 3",
          "iteration 2 of 3", "iteration 3 of 3", "done");
      assertThat(seen).extracting(JobEvent::progress).contains(30, 60, 90, 100);
      sub.close();
      sub.close();
      assertThat(f.events.listeners(j.id())).isZero();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
