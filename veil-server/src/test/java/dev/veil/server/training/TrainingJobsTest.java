package dev.veil.server.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.TrainingPlan;
import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.catalog.DatasetRef;
import dev.veil.server.core.Ids;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobEvent;
import dev.veil.server.job.JobEvents;
import dev.veil.server.job.JobService;
import dev.veil.server.job.JobSignal;
import dev.veil.server.job.JobState;
import dev.veil.server.job.ResultDownload;
import dev.veil.server.job.WorkerPool;
import dev.veil.server.ledger.Balance;
import dev.veil.server.ledger.Ledger;
import dev.veil.server.testing.Await;
import dev.veil.server.testing.KeyHolder;
import dev.veil.server.testing.MemoryAuditLog;
import dev.veil.server.testing.MemoryBlobStore;
import dev.veil.server.testing.MemoryCatalog;
import dev.veil.server.testing.TestDatabase;
import dev.veil.server.worker.HostedJobInputs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real encrypted training through the job queue: a data owner's table encrypted as {@code veil
 * encrypt} does, trained by a worker with the owner's evaluation keys only, the weights checked
 * against the plain trainer after decryption with the owner's secret key.
 *
 * <p>Parameters: N = 2^10, a 60-bit prime and ten 40-bit primes (two iterations of five levels
 * with the degree-3 sigmoid), special prime 61 bits: far from 128-bit security, hence {@code
 * securityOff()}; test-only, fast on two cores.
 */
class TrainingJobsTest {
  static final Parameters PARAMS = Parameters.builder().logN(10)
      .logQ(60, 40, 40, 40, 40, 40, 40, 40, 40, 40, 40).logP(61).securityOff().build();
  static final int ROWS = 64;
  static final int D = 3;
  static final int ITERATIONS = 2;
  static final ObjectMapper JSON = new ObjectMapper();
  static final Principal OWNER = new Principal("usr_owner", "owner", Set.of(Role.DATA_OWNER));
  static final Principal BUYER = new Principal("usr_buyer", "buyer", Set.of(Role.BUYER));
  static final Principal STRANGER = new Principal("usr_x", "x", Set.of(Role.BUYER));

  static MemoryBlobStore blobs;
  static MemoryCatalog catalog;
  static KeyHolder owner;
  static double[][] x;
  static double[] y;
  static DatasetRef listed;
  static DatasetRef unlisted;

  @TempDir Path scratch;
  TestDatabase db;
  Ledger ledger;
  JobService jobs;
  TrainingJobs training;
  WorkerPool pool;
  MemoryAuditLog audit;

  @BeforeAll
  static void dataOwnerEncrypts() throws Exception {
    blobs = new MemoryBlobStore();
    catalog = new MemoryCatalog();
    TrainingPlan plan = LogisticTraining.planner(ROWS, D, ITERATIONS, 3).withParameters(PARAMS)
        .plan();
    owner = new KeyHolder(OWNER.userId(), PARAMS, plan.rotations(), 11, blobs, catalog);
    Random r = new Random(5);
    x = new double[ROWS][D];
    y = new double[ROWS];
    for (int i = 0; i < ROWS; i++) {
      double s = 0.2;
      for (int j = 0; j < D; j++) {
        x[i][j] = 2 * r.nextDouble() - 1;
        s += (j % 2 == 0 ? 1.5 : -1) * x[i][j];
      }
      y[i] = s + 0.4 * r.nextGaussian() > 0 ? 1 : 0;
    }
    Ciphertext[] z = new TablePacker(owner.encoder, plan.layout())
        .encrypt(EncryptedLogisticRegression.design(x, y), owner.encryptor);
    List<String> parts = new ArrayList<>();
    for (Ciphertext ct : z) {
      parts.add(blobs.put(KeyHolder.bytes(o -> VeilIO.write(o, ct))).sha256());
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", "veil-data/1");
    meta.put("model", "logistic");
    meta.put("rows", ROWS);
    meta.put("features", D);
    meta.put("featureNames", List.of("a", "b", "c"));
    meta.put("label", Map.of("name", "y"));
    meta.put("scaler", Map.of("kind", "MIN_MAX", "offsets", new double[D], "scales",
        new double[] {1, 1, 1}));
    meta.put("iterations", ITERATIONS);
    meta.put("degree", 3);
    meta.put("slots", PARAMS.slots());
    meta.put("ciphertexts", z.length);
    meta.put("paramsDigest", PARAMS.digestHex());
    meta.put("keyId", "0123456789abcdef");
    String metaJson = JSON.writeValueAsString(meta);
    listed = catalog.add(new DatasetRef(Ids.next("ds"), OWNER.userId(), owner.keySet.id(), true,
        true, 500, metaJson, parts));
    unlisted = catalog.add(new DatasetRef(Ids.next("ds"), OWNER.userId(), owner.keySet.id(),
        false, true, 500, metaJson, parts));
  }

  @BeforeEach
  void setUp() {
    db = TestDatabase.sqlite();
    audit = new MemoryAuditLog();
    ledger = new Ledger(db.jdbi(), Clock.systemUTC(), 1000);
    JobSignal signal = new JobSignal();
    jobs = new JobService(db.jdbi(), ledger, new QueryBudgets(db.jdbi(), Clock.systemUTC()),
        blobs, audit, new JobEvents(), signal, Clock.systemUTC(), 3);
    KeyCache keys = new KeyCache(KeyCache.Limits.defaults()); // shared, as App wires it
    training = new TrainingJobs(jobs, catalog, blobs, keys, JSON);
    pool = new WorkerPool(jobs, signal, List.of(new TrainingRunner(keys, JSON)),
        new HostedJobInputs(catalog, blobs, id -> {
          throw new IllegalStateException("no models in this test");
        }, JSON), new WorkerPool.Settings(1, 2, Duration.ofMillis(50),
            Duration.ofSeconds(30), scratch, true, Duration.ofSeconds(10)));
  }

  @AfterEach
  void tearDown() {
    pool.close();
    db.close();
  }

  private Job awaitEnd(Principal p, String id) {
    Await.until("job " + id + " to end", Duration.ofSeconds(60),
        () -> jobs.get(p, id).state().isTerminal());
    return jobs.get(p, id);
  }

  private static double[] decryptWeights(ResultDownload r) throws Exception {
    try (InputStream in = r.content()) {
      Ciphertext w = VeilIO.readCiphertext(in, owner.ctx);
      return EncryptedLogisticRegression.decryptWeights(w, owner.encoder, owner.decryptor, D);
    }
  }

  private static void assertStatus(Throwable e, int status) {
    assertThat(e).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) e).status()).isEqualTo(status);
  }

  @Test
  void theOwnerTrainsOnTheirOwnDataAndDecryptsTheWeightsOfThePlainTrainer() throws Exception {
    pool.start();
    Job j = training.submit(OWNER, new TrainingRequest(listed.id(), null, null, null), null);
    assertThat(j.price()).isZero();
    List<JobEvent> events = new CopyOnWriteArrayList<>();
    try (var sub = jobs.subscribe(OWNER, j.id(), events::add)) {
      Job done = awaitEnd(OWNER, j.id());
      assertThat(done.state()).as(done.error()).isEqualTo(JobState.SUCCEEDED);
      // events are published after the commit that ends the job: wait for the last one
      Await.until("the job's last event", Duration.ofSeconds(10),
          () -> events.stream().anyMatch(e -> e.state() == JobState.SUCCEEDED));
    }
    double[] w;
    try (ResultDownload r = jobs.openResult(OWNER, j.id())) {
      w = decryptWeights(r);
    }
    double[] expected = NesterovLogisticRegression.defaults().withIterations(ITERATIONS)
        .withSigmoid(LogisticTraining.sigmoid(3)).trace(x, y).betas().get(ITERATIONS);
    for (int k = 0; k <= D; k++) {
      assertThat(Math.abs(w[k] - expected[k])).isLessThan(1e-3);
    }
    EncryptedModelInfo info = JSON.readValue(jobs.get(OWNER, j.id()).resultInfo(),
        EncryptedModelInfo.class);
    assertThat(info.format()).isEqualTo("veil-encrypted-model/1");
    assertThat(info.featureNames()).containsExactly("a", "b", "c");
    assertThat(info.paramsDigest()).isEqualTo(PARAMS.digestHex());
    assertThat(info.training().iterations()).isEqualTo(ITERATIONS);
    assertThat(info.training().iterationMillis()).hasSize(ITERATIONS);
    assertThat(events).extracting(JobEvent::stage).contains("training: iteration 1 of 2",
        "training: iteration 2 of 2", "done");
    assertThat(ledger.balance(OWNER.userId())).isEqualTo(new Balance(OWNER.userId(), 0, 0));
  }

  @Test
  void aBuyerPaysTheDataOwnerAndGetsTheModelEncryptedUnderTheOwnersKey() throws Exception {
    ledger.deposit("usr_op", BUYER.userId(), 800, null, null);
    Job j = training.submit(BUYER, new TrainingRequest(listed.id(), 2, 3, 0.0), "train-1");
    assertThat(training.submit(BUYER, new TrainingRequest(listed.id(), 2, 3, 0.0), "train-1"))
        .isEqualTo(j);
    assertThat(j.price()).isEqualTo(500);
    assertThat(j.counterpartyId()).isEqualTo(OWNER.userId());
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 300, 500));
    pool.start();
    Job done = awaitEnd(BUYER, j.id());
    assertThat(done.state()).as(done.error()).isEqualTo(JobState.SUCCEEDED);
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 300, 0));
    assertThat(ledger.balance(OWNER.userId()).available()).isEqualTo(450);
    // the buyer receives the ciphertext; only the data owner's key opens it
    try (ResultDownload r = jobs.openResult(BUYER, j.id())) {
      assertThat(r.content().readAllBytes()).hasSize((int) r.size());
    }
    double[] w;
    try (ResultDownload r = jobs.openResult(OWNER, j.id())) {
      w = decryptWeights(r);
    }
    assertThat(w[0]).isFinite();
    assertThatThrownBy(() -> jobs.openResult(STRANGER, j.id()))
        .satisfies(e -> assertStatus(e, 404));
    assertThat(ledger.verify().problems()).isEmpty();
  }

  @Test
  void jobsThatCannotRunAreRefusedBeforeAnyCharge() {
    ledger.deposit("usr_op", BUYER.userId(), 800, null, null);
    assertThatThrownBy(() -> training.submit(BUYER, new TrainingRequest(listed.id(), 3, 3, null),
        null)).satisfies(e -> assertStatus(e, 400)).hasMessageContaining("15 levels");
    assertThatThrownBy(() -> training.submit(BUYER, new TrainingRequest(listed.id(), 1, 4, null),
        null)).satisfies(e -> assertStatus(e, 400)).hasMessageContaining("3, 5 or 7");
    assertThatThrownBy(() -> training.submit(BUYER, new TrainingRequest(listed.id(), 2, 5, null),
        null)).satisfies(e -> assertStatus(e, 400)).hasMessageContaining("levels");
    assertThatThrownBy(() -> training.submit(BUYER, new TrainingRequest(listed.id(), null, null,
        -1.0), null)).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> training.submit(BUYER, new TrainingRequest(unlisted.id(), null,
        null, null), null)).satisfies(e -> assertStatus(e, 404));
    assertThatThrownBy(() -> training.submit(BUYER, new TrainingRequest("ds_nope", null, null,
        null), null)).satisfies(e -> assertStatus(e, 404));
    Principal ownerOnly = new Principal("usr_o2", "o2", Set.of(Role.DATA_OWNER));
    assertThatThrownBy(() -> training.submit(ownerOnly, new TrainingRequest(listed.id(), null,
        null, null), null)).satisfies(e -> assertStatus(e, 403));
    assertThatThrownBy(() -> training.submit(STRANGER, new TrainingRequest(listed.id(), null,
        null, null), null)).satisfies(e -> assertStatus(e, 402));
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 800, 0));
    assertThat(jobs.list(BUYER, false, null, 10)).isEmpty();
    // the owner may train on an unlisted data set of their own
    assertThat(training.submit(OWNER, new TrainingRequest(unlisted.id(), 1, 3, null), null)
        .state()).isEqualTo(JobState.QUEUED);
  }
}
