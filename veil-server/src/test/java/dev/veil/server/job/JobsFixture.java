package dev.veil.server.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.ledger.Ledger;
import dev.veil.server.testing.TestDatabases;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.MemoryAuditLog;
import dev.veil.server.testing.MemoryBlobStore;
import dev.veil.server.testing.TestDatabase;

/** A job service on a fresh database with in-memory blobs and audit log, and pools to run it. */
final class JobsFixture implements AutoCloseable {
  static final int FEE_BPS = 1000;
  static final Principal ALICE = new Principal("usr_alice", "alice", Set.of(Role.BUYER));
  static final Principal BOB = new Principal("usr_bob", "bob", Set.of(Role.DATA_OWNER));
  static final Principal OPERATOR = new Principal("usr_op", "op", Set.of(Role.OPERATOR));

  /** The scripted runners of these tests read no inputs: asking for them fails the job. */
  static final JobInputs.Source NO_INPUTS = job -> {
    throw new JobFailedException("the job tests' runners read no inputs");
  };

  final TestDatabase db;
  final Ledger ledger;
  final QueryBudgets budgets;
  final MemoryBlobStore blobs = new MemoryBlobStore();
  final MemoryAuditLog audit = new MemoryAuditLog();
  final JobEvents events = new JobEvents();
  final JobSignal signal = new JobSignal();
  final JobService jobs;
  final Path scratch;
  private final List<WorkerPool> pools = new ArrayList<>();

  JobsFixture(TestDatabase.Kind kind, Path scratch, int maxAttempts) {
    this.db = TestDatabase.open(kind);
    this.scratch = scratch;
    this.ledger = new Ledger(db.jdbi(), Clock.systemUTC(), FEE_BPS);
    this.budgets = new QueryBudgets(db.jdbi(), Clock.systemUTC());
    this.jobs = new JobService(db.jdbi(), ledger, budgets, blobs, audit, events, signal,
        Clock.systemUTC(), maxAttempts);
  }

  WorkerPool pool(int workers, boolean soleWorker, Duration lease, JobRunner... runners) {
    return pool(workers, soleWorker, lease, Duration.ofMillis(50), runners);
  }

  /** A pool whose idle workers look for work every {@code pollInterval} unless woken. */
  WorkerPool pool(int workers, boolean soleWorker, Duration lease, Duration pollInterval,
      JobRunner... runners) {
    WorkerPool p = new WorkerPool(jobs, signal, List.of(runners), NO_INPUTS,
        new WorkerPool.Settings(workers, 1, pollInterval, lease, scratch, soleWorker,
            Duration.ofSeconds(10)));
    pools.add(p);
    p.start();
    return p;
  }

  WorkerPool pool(int workers, JobRunner... runners) {
    return pool(workers, true, Duration.ofSeconds(30), runners);
  }

  /** A job the owner pays {@code price} for to {@code payee}. */
  Job submit(Principal p, long price, String payee, String key, String hash) {
    return jobs.submit(p, key, hash, () -> new Admission(JobKind.TRAINING, "{\"n\":1}", payee,
        price, payee, null, Map.of()));
  }

  Job submit(Principal p, long price, String payee) {
    return submit(p, price, payee, null, "h");
  }

  Job await(Principal p, String id, JobState state) {
    Await.until("job " + id + " " + state, Duration.ofSeconds(20),
        () -> jobs.get(p, id).state() == state);
    return jobs.get(p, id);
  }

  /** A listed model row for budget tests. */
  void insertModel(String id, String seller) {
    db.jdbi().useHandle(h -> h.createUpdate("INSERT INTO models (id, seller_id, name, description,"
            + " task, features, input_schema, price_per_prediction, max_queries, max_rows, listed,"
            + " sealed_weights, weights_key_id, created_at, updated_at, max_rows_total,"
            + " flooding_rows) VALUES (:id, :s, 'm', '', 'logistic', 2, '{}', 1, 10, 100, TRUE,"
            + " 'x', 'k', " + TestDatabases.NOW + ", " + TestDatabases.NOW + ", 1000, 1000)")
        .bind("id", id).bind("s", seller).execute());
  }

  @Override
  public void close() {
    for (WorkerPool p : pools) {
      p.close();
    }
    db.close();
  }
}
