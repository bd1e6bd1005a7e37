package dev.veil.server.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.veil.api.DecryptionInfo;
import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.api.Scaling;
import dev.veil.api.UpdateModelRequest;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.infer.ResultReader;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.SigmoidApproximation;
import dev.veil.server.budget.BudgetUsage;
import dev.veil.server.budget.QueryBudgets;
import dev.veil.server.core.Principal;
import dev.veil.server.core.Role;
import dev.veil.server.core.ServiceException;
import dev.veil.server.he.KeyCache;
import dev.veil.server.job.Job;
import dev.veil.server.job.JobEvents;
import dev.veil.server.job.JobService;
import dev.veil.server.job.JobSignal;
import dev.veil.server.job.JobState;
import dev.veil.server.job.ResultDownload;
import dev.veil.server.job.WorkerPool;
import dev.veil.server.ledger.Balance;
import dev.veil.server.ledger.Ledger;
import dev.veil.server.model.ModelListing;
import dev.veil.server.model.ModelService;
import dev.veil.server.model.PublishModelRequest;
import dev.veil.server.model.WeightsVault;
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
 * Real encrypted inference through the job queue: a seller's published model, a buyer's rows
 * encrypted under the buyer's key, the sanitised result decrypted by the buyer and compared with
 * the plain model; the buyer charged rows x price, the seller paid minus the fee, the budget
 * counted; and the declared noise bound of the flooding checked against the measured noise.
 *
 * <p>Buyer's parameters: N = 2^12, a 60-bit first prime, six 55-bit primes at scale 2^55 (room for
 * row-major probabilities and the sanitiser's mask), special prime 61 bits: far from 128-bit
 * security, hence {@code securityOff()}; test-only, fast on two cores. At this scale the flooding
 * for a budget of 1000 rows leaves about 7 bits.
 */
class InferenceJobsTest {
  static final Parameters PARAMS = Parameters.builder().logN(12)
      .logQ(60, 55, 55, 55, 55, 55, 55).logP(61).securityOff().build();
  static final int D = 5;
  static final int ROWS = 300;
  static final double[] WEIGHTS = {0.3, 0.8, -0.6, 0.4, -0.2, 0.5};
  static final ObjectMapper JSON = new ObjectMapper();
  static final InferenceSettings SETTINGS = InferenceSettings.defaults();
  static final Principal SELLER = new Principal("usr_seller", "seller",
      Set.of(Role.MODEL_SELLER));
  static final Principal BUYER = new Principal("usr_buyer", "buyer", Set.of(Role.BUYER));
  static final Principal OTHER = new Principal("usr_other", "other", Set.of(Role.BUYER));

  static MemoryBlobStore blobs;
  static MemoryCatalog catalog;
  static KeyHolder buyer;
  static double[][] rows;
  static byte[] featureMajorRows;
  static byte[] rowMajorRows;

  @TempDir Path dir;
  TestDatabase db;
  Ledger ledger;
  JobService jobs;
  ModelService models;
  InferenceInputs inputs;
  InferenceJobs inference;
  WorkerPool pool;
  QueryBudgets budgets;
  KeyCache keys;

  @BeforeAll
  static void buyerEncrypts() {
    blobs = new MemoryBlobStore();
    catalog = new MemoryCatalog();
    buyer = new KeyHolder(BUYER.userId(), PARAMS, new int[] {1, 2, 4}, 21, blobs, catalog);
    Random r = new Random(9);
    rows = new double[ROWS][D];
    for (double[] row : rows) {
      for (int j = 0; j < D; j++) {
        row[j] = 2 * r.nextDouble() - 1;
      }
    }
    List<Ciphertext> fm = new ArrayList<>();
    for (FeatureMajorInference.Batch b : new FeatureMajorInference.Owner(buyer.encoder,
        buyer.encryptor, null).encrypt(rows)) {
      fm.addAll(List.of(b.features()));
    }
    featureMajorRows = KeyHolder.concat(fm);
    rowMajorRows = KeyHolder.concat(List.of(new TablePacker(buyer.encoder,
        Layout.of(PARAMS, ROWS, D)).encrypt(rows, buyer.encryptor)));
  }

  @BeforeEach
  void setUp() throws Exception {
    db = TestDatabase.sqlite();
    MemoryAuditLog audit = new MemoryAuditLog();
    Clock clock = Clock.systemUTC();
    ledger = new Ledger(db.jdbi(), clock, 1000);
    budgets = new QueryBudgets(db.jdbi(), clock);
    JobSignal signal = new JobSignal();
    jobs = new JobService(db.jdbi(), ledger, budgets, blobs, audit, new JobEvents(), signal,
        clock, 3);
    WeightsVault vault = WeightsVault.openOrCreate(dir.resolve("data"));
    models = new ModelService(db.jdbi(), vault, budgets, audit, clock, JSON);
    inputs = new InferenceInputs(db.jdbi(), blobs,
        (p, digest) -> java.util.Optional.of(new InferenceInputs.KeyMatch(null, PARAMS)), audit,
        clock, 1L << 30);
    keys = new KeyCache(KeyCache.Limits.defaults()); // shared, as App wires it
    inference = new InferenceJobs(jobs, models, inputs, catalog, blobs, SETTINGS, JSON, keys);
    pool = new WorkerPool(jobs, signal, List.of(new InferenceRunner(SETTINGS, JSON, keys)),
        new HostedJobInputs(catalog, blobs, id -> ModelService.open(vault, models.stored(id),
            JSON), JSON), new WorkerPool.Settings(1, 2, Duration.ofMillis(50),
        Duration.ofSeconds(30), dir.resolve("scratch"), true, Duration.ofSeconds(10)));
    pool.start();
    ledger.deposit("usr_op", BUYER.userId(), 10_000, null, null);
  }

  @AfterEach
  void tearDown() {
    pool.close();
    keys.close();
    db.close();
  }

  private ModelListing publish(String task, long price, long maxQueries, long maxRows) {
    List<String> names = List.of("a", "b", "c", "d", "e");
    ModelFile f = new ModelFile(ModelFile.FORMAT, task, names, new Label("y", null),
        new Scaling("MIN_MAX", new double[D], new double[] {1, 1, 1, 1, 1}),
        WEIGHTS.clone(), null, null).withDecryption(
        new DecryptionInfo(DecryptionInfo.FLOODED, 30, 16L, 40.0, 12.0));
    return models.publish(SELLER, new PublishModelRequest("m", "", price, maxQueries, maxRows,
        true, f, null, true));
  }

  private String upload(Principal p, byte[] bytes) throws Exception {
    return inputs.upload(p, new ByteArrayInputStream(bytes), null).id();
  }

  private Job awaitEnd(String id) {
    Await.until("job " + id, Duration.ofSeconds(60), () -> jobs.get(BUYER, id).state()
        .isTerminal());
    return jobs.get(BUYER, id);
  }

  private static double[] expectedScores() {
    LogisticModel m = new LogisticModel(WEIGHTS);
    double[] s = new double[ROWS];
    for (int r = 0; r < ROWS; r++) {
      s[r] = m.score(rows[r]);
    }
    return s;
  }

  /** Reads the result as the buyer does and checks every value and every cleared slot. */
  private double[] readResult(Job j, double tolerance) throws Exception {
    InferenceResultInfo info = JSON.readValue(j.resultInfo(), InferenceResultInfo.class);
    Ciphertext[] cts = new Ciphertext[info.ciphertexts()];
    try (ResultDownload r = jobs.openResult(BUYER, j.id()); InputStream in = r.content()) {
      for (int c = 0; c < cts.length; c++) {
        cts[c] = VeilIO.readCiphertext(in, buyer.ctx);
        assertThat(cts[c].level()).isZero();
      }
      assertThat(in.read()).isEqualTo(-1);
    }
    ResultDescriptor d = new ResultDescriptor(Layout.of(info.slots(), (int) info.rows(),
        info.layoutFeatures()), ResultDescriptor.Output.valueOf(info.output()
            .toUpperCase(java.util.Locale.ROOT)), true);
    EncryptedResult result = new EncryptedResult(cts, d);
    ResultReader reader = new ResultReader(buyer.encoder, buyer.decryptor);
    double[][] slots = reader.slots(result);
    double maxOther = 0;
    for (int c = 0; c < slots.length; c++) {
      double[] mask = d.resultMask(c);
      for (int s = 0; s < mask.length; s++) {
        if (mask[s] == 0) {
          maxOther = Math.max(maxOther, Math.abs(slots[c][s]));
        }
      }
    }
    assertThat(maxOther).as("cleared slots").isLessThan(tolerance);
    assertThat(info.expectedPrecisionBits()).isGreaterThanOrEqualTo(SETTINGS.minPrecisionBits());
    return d.read(slots);
  }

  /**
   * 7 sigma of the flooding error per slot, for the model's budget of rows: the largest over the
   * packings and outputs the tests run.
   */
  private static double tolerance(long budgetRows) {
    double log2Sigma = 0;
    for (String packing : List.of(InferenceShape.FEATURE_MAJOR, InferenceShape.ROW_MAJOR)) {
      for (String output : List.of(InferenceShape.SCORES, InferenceShape.PROBABILITIES)) {
        log2Sigma = Math.max(log2Sigma, InferenceShape.policy(PARAMS, SETTINGS, packing, output,
            PARAMS.maxLevel(), WEIGHTS, budgetRows).log2Sigma());
      }
    }
    return 7 * Math.pow(2, log2Sigma) * Math.sqrt(PARAMS.n() / 2.0) / PARAMS.defaultScale();
  }

  private static void assertStatus(Throwable e, int status) {
    assertThat(e).isInstanceOf(ServiceException.class);
    assertThat(((ServiceException) e).status()).isEqualTo(status);
  }

  @Test
  void aBuyerGetsSanitisedScoresOfTheirFeatureMajorRowsAndPaysPerRow() throws Exception {
    ModelListing m = publish("logistic", 2, 10, 1000);
    String input = upload(BUYER, featureMajorRows);
    InferenceRequest req = new InferenceRequest(m.id(), buyer.keySet.id(), input, (long) ROWS,
        null, null);
    Job j = inference.submit(BUYER, req, "predict-1");
    assertThat(inference.submit(BUYER, req, "predict-1").id()).isEqualTo(j.id());
    assertThat(j.price()).isEqualTo(600);
    Job done = awaitEnd(j.id());
    assertThat(done.state()).as(done.error()).isEqualTo(JobState.SUCCEEDED);
    double[] got = readResult(done, tolerance(1000));
    double[] expected = expectedScores();
    double max = 0;
    for (int r = 0; r < ROWS; r++) {
      max = Math.max(max, Math.abs(got[r] - expected[r]));
    }
    System.out.printf("feature-major scores: max error %.2e (tolerance %.2e)%n", max,
        tolerance(1000));
    assertThat(max).isLessThan(tolerance(1000));
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 9400, 0));
    assertThat(ledger.balance(SELLER.userId()).available()).isEqualTo(540);
    assertThat(budgets.usage(BUYER.userId(), m.id())).isEqualTo(new BudgetUsage(1, ROWS));
    assertThat(done.resultInfo()).doesNotContain("0.8").doesNotContain("weights");
    assertThat(ledger.verify().problems()).isEmpty();
  }

  @Test
  void jobsOfOneKeySetReadItsKeysOnceAndReuseTheContext() throws Exception {
    ModelListing m = publish("logistic", 1, 10, 1000);
    String input = upload(BUYER, featureMajorRows);
    double[] expected = expectedScores();
    for (int i = 0; i < 3; i++) {
      Job done = awaitEnd(inference.submit(BUYER, new InferenceRequest(m.id(),
          buyer.keySet.id(), input, (long) ROWS, null, null), null).id());
      assertThat(done.state()).as(done.error()).isEqualTo(JobState.SUCCEEDED);
      double[] got = readResult(done, tolerance(1000));
      for (int r = 0; r < ROWS; r++) {
        assertThat(Math.abs(got[r] - expected[r])).isLessThan(tolerance(1000));
      }
    }
    // parameters (first submission), public key and evaluation keys (first run): read once each
    assertThat(keys.stats().misses()).isEqualTo(3);
    assertThat(keys.stats().hits()).isEqualTo(3 + 3 * 3 - 3); // 3 submissions, 3 runs x 3
    assertThat(keys.stats().contextsCreated()).isEqualTo(1); // one worker: one context, reused
  }

  @Test
  void probabilitiesAndRowMajorRowsComeOutRightToo() throws Exception {
    ModelListing m = publish("logistic", 1, 10, 1000);
    String fm = upload(BUYER, featureMajorRows);
    String rm = upload(BUYER, rowMajorRows);
    Job p1 = inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), fm,
        (long) ROWS, "feature-major", "probabilities"), null);
    Job p2 = inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), rm,
        (long) ROWS, "row-major", "probabilities"), null);
    Job s2 = inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), rm,
        (long) ROWS, "row-major", "scores"), null);
    double tol = tolerance(1000);
    SigmoidApproximation sig = InferenceShape.sigmoid(SETTINGS);
    double[] scores = expectedScores();
    for (Job j : List.of(p1, p2, s2)) {
      Job done = awaitEnd(j.id());
      assertThat(done.state()).as(done.error()).isEqualTo(JobState.SUCCEEDED);
      double[] got = readResult(done, tol);
      boolean probabilities = j != s2;
      double max = 0;
      for (int r = 0; r < ROWS; r++) {
        double want = probabilities ? sig.evaluate(scores[r]) : scores[r];
        max = Math.max(max, Math.abs(got[r] - want));
      }
      System.out.printf("%s: max error %.2e (tolerance %.2e)%n", done.parameters(), max, tol);
      assertThat(max).isLessThan(tol);
    }
    assertThat(budgets.usage(BUYER.userId(), m.id())).isEqualTo(new BudgetUsage(3, 3 * ROWS));
  }

  /**
   * The flooding is sized by the bound B traced for the job's circuit; here the noise of
   * feature-major scores and probabilities is measured (with the buyer's secret key, before
   * sanitising) against it.
   */
  @Test
  void theTracedNoiseBoundCoversTheMeasuredNoise() {
    Evaluator ev = new Evaluator(buyer.ctx, buyer.evk);
    FeatureMajorInference fm = new FeatureMajorInference(ev);
    FeatureMajorInference.Batch batch = new FeatureMajorInference.Owner(buyer.encoder,
        buyer.encryptor, null).encrypt(rows).get(0);
    SigmoidApproximation sig = InferenceShape.sigmoid(SETTINGS);
    double[] scores = expectedScores();
    for (boolean probabilities : new boolean[] {false, true}) {
      double declared = InferenceShape.noiseBoundBits(PARAMS, SETTINGS,
          InferenceShape.FEATURE_MAJOR, probabilities ? InferenceShape.PROBABILITIES
              : InferenceShape.SCORES, PARAMS.maxLevel(), WEIGHTS);
      Ciphertext ct = probabilities
          ? fm.probabilities(batch, new LogisticModel(WEIGHTS), sig).ciphertext()
          : fm.scores(batch, WEIGHTS).ciphertext();
      double[] ideal = new double[PARAMS.slots()];
      for (int s = 0; s < ideal.length; s++) {
        double score = s < ROWS ? scores[s] : WEIGHTS[0];
        ideal[s] = probabilities ? sig.evaluate(score) : score;
      }
      double bits = noiseBits(ct, ideal);
      System.out.printf("%s: measured noise 2^%.1f, traced bound 2^%.1f%n",
          probabilities ? "probabilities" : "scores", bits, declared);
      assertThat(bits).isLessThan(declared);
    }
  }

  /** log2 of the largest coefficient of decrypt(ct) - encode(ideal), at level 0. */
  private static double noiseBits(Ciphertext ct, double[] ideal) {
    Ciphertext low = new Evaluator(buyer.ctx).dropToLevelNew(ct, 0);
    return NoiseEstimator.log2MaxDifference(buyer.ctx, buyer.decryptor.decrypt(low),
        buyer.encoder.encode(ideal, 0, low.scale()));
  }

  @Test
  void aBuyerOverBudgetIsRefusedAndNotCharged() throws Exception {
    ModelListing m = publish("logistic", 1, 2, 500);
    String input = upload(BUYER, featureMajorRows);
    inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), input, 300L, null,
        null), null);
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(m.id(),
        buyer.keySet.id(), input, 201L, null, null), null))
        .satisfies(e -> assertStatus(e, 429));
    inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), input, 200L, null,
        null), null);
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(m.id(),
        buyer.keySet.id(), input, 1L, null, null), null))
        .satisfies(e -> assertStatus(e, 429));
    Await.until("both jobs", Duration.ofSeconds(60), () -> jobs.list(BUYER, false,
        JobState.SUCCEEDED, 10).size() == 2);
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 9500, 0));
    assertThat(budgets.usage(BUYER.userId(), m.id())).isEqualTo(new BudgetUsage(2, 500));
  }

  @Test
  void aRaisedBudgetAfterFloodedResultsIsANewVersionWithItsOwnFlooding() throws Exception {
    ModelListing m = publish("logistic", 1, 2, 500);
    String input = upload(BUYER, featureMajorRows);
    Job first = inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), input,
        300L, null, null), null);
    assertThat(awaitEnd(first.id()).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(JSON.readValue(first.parameters(), InferenceParameters.class).floodingResults())
        .isEqualTo(500);

    ModelListing v2 = models.update(SELLER, m.id(), new UpdateModelRequest(null, null, null,
        3L, 600L, null));
    assertThat(v2.id()).isNotEqualTo(m.id());
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.floodingRows()).isEqualTo(600);
    // the old version is as it was and takes no new job, not even within its budget left
    ModelListing old = models.get(BUYER, m.id());
    assertThat(old.maxRowsPerBuyer()).isEqualTo(500);
    assertThat(old.floodingRows()).isEqualTo(500);
    assertThat(old.supersededBy()).isEqualTo(v2.id());
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(m.id(),
        buyer.keySet.id(), input, 100L, null, null), null))
        .satisfies(e -> assertStatus(e, 409)).hasMessageContaining(v2.id());
    assertThat(budgets.usage(BUYER.userId(), m.id())).isEqualTo(new BudgetUsage(1, 300));
    assertThat(jobs.get(BUYER, first.id()).state()).isEqualTo(JobState.SUCCEEDED);
    // the new version floods for its own total, and the buyer's key set is checked against it
    Job second = inference.submit(BUYER, new InferenceRequest(v2.id(), buyer.keySet.id(), input,
        300L, null, null), null);
    assertThat(JSON.readValue(second.parameters(), InferenceParameters.class).floodingResults())
        .isEqualTo(600);
    assertThat(awaitEnd(second.id()).state()).isEqualTo(JobState.SUCCEEDED);
    assertThat(budgets.usage(BUYER.userId(), v2.id())).isEqualTo(new BudgetUsage(1, 300));
    assertThat(budgets.total(v2.id())).isEqualTo(new BudgetUsage(1, 300));
    ModelListing drowned = models.update(SELLER, v2.id(), new UpdateModelRequest(null, null,
        null, null, null, null, 1_000_000_000L));
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(drowned.id(),
        buyer.keySet.id(), input, 10L, null, null), null)).satisfies(e -> assertStatus(e, 400))
        .hasMessageContaining("bits of precision");
  }

  @Test
  void aJobWhoseRowsDoNotMatchFailsAndGivesMoneyAndBudgetBack() throws Exception {
    ModelListing m = publish("logistic", 1, 10, 10_000);
    String input = upload(BUYER, featureMajorRows);
    // 3000 rows take two batches of 2048: ten ciphertexts, the upload holds five
    Job j = inference.submit(BUYER, new InferenceRequest(m.id(), buyer.keySet.id(), input,
        3000L, null, null), null);
    Job done = awaitEnd(j.id());
    assertThat(done.state()).isEqualTo(JobState.FAILED);
    assertThat(done.error()).contains("does not hold the 10 ciphertexts");
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 10_000, 0));
    assertThat(budgets.usage(BUYER.userId(), m.id())).isEqualTo(new BudgetUsage(0, 0));
  }

  @Test
  void requestsThatCannotOrMayNotRunAreRefusedBeforeAnyCharge() throws Exception {
    ModelListing logistic = publish("logistic", 1, 10, 1000);
    ModelListing linear = publish("linear", 1, 10, 1000);
    String input = upload(BUYER, featureMajorRows);
    String ks = buyer.keySet.id();
    // someone else's upload and key set
    String othersInput = upload(OTHER, featureMajorRows);
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(logistic.id(), ks,
        othersInput, 10L, null, null), null)).satisfies(e -> assertStatus(e, 404));
    assertThatThrownBy(() -> inference.submit(OTHER, new InferenceRequest(logistic.id(), ks,
        othersInput, 10L, null, null), null)).satisfies(e -> assertStatus(e, 404));
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(linear.id(), ks,
        input, 10L, null, "probabilities"), null)).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(logistic.id(), ks,
        input, 0L, null, null), null)).satisfies(e -> assertStatus(e, 400));
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(logistic.id(), ks,
        input, 10L, "diagonal", null), null)).satisfies(e -> assertStatus(e, 400));
    Principal sellerOnly = new Principal("usr_s2", "s2", Set.of(Role.MODEL_SELLER));
    assertThatThrownBy(() -> inference.submit(sellerOnly, new InferenceRequest(logistic.id(), ks,
        input, 10L, null, null), null)).satisfies(e -> assertStatus(e, 403));
    models.update(SELLER, logistic.id(), new UpdateModelRequest(null, null, null, null, null,
        false));
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(logistic.id(), ks,
        input, 10L, null, null), null)).satisfies(e -> assertStatus(e, 404));
    // a budget so large that the flooding would drown the results
    ModelListing generous = publish("logistic", 1, 10, 1_000_000_000L);
    assertThatThrownBy(() -> inference.submit(BUYER, new InferenceRequest(generous.id(), ks,
        input, 10L, null, null), null)).satisfies(e -> assertStatus(e, 400))
        .hasMessageContaining("bits of precision");
    assertThat(ledger.balance(BUYER.userId())).isEqualTo(new Balance(BUYER.userId(), 10_000, 0));
    assertThat(jobs.list(BUYER, false, null, 10)).isEmpty();
  }
}
