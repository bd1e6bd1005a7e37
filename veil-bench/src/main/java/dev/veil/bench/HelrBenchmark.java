package dev.veil.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.Folds;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Scaling;
import dev.veil.ml.data.Table;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.ExactLogisticRegression;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.InsufficientMemoryException;
import dev.veil.ml.train.KeyHolderRefresher;
import dev.veil.ml.train.Planner;
import dev.veil.ml.train.TrainingPlan;

/**
 * Cross-validated encrypted logistic regression (HELR, Kim et al.'s Nesterov algorithm) behind
 * {@code veil bench helr}.
 *
 * <p>For every CSV file of a directory (label in the last column, 0/1), and for each of {@code k}
 * stratified folds (seed {@value #SEED}):
 *
 * <ol>
 *   <li>a {@link Scaling} is fitted on the training fold only (the data owner's side) and applied
 *       to both folds. Default {@link Scaling#WHITEN}: decorrelated features of equal variance in
 *       [-1, 1], with which 7 Nesterov steps come within a few thousandths of exact logistic
 *       regression's AUC on all six sets (Kim et al.'s max-abs normalisation, {@code --scaling
 *       max-abs}, leaves pcs, uis and nhanes3 0.03 to 0.23 below it);
 *   <li>the data owner prepares the scaled rows with {@link CertifiedNesterov} (whitening at unit
 *       variance, constant step, {@code lambda_0 = 1}, the smallest sigmoid interval
 *       {@code [-B, B]} on which the plain twin keeps every {@code |z . v|}; the fold fails when
 *       none fits), forms {@code z = y (1, x')}, the {@link Planner} chooses 128-bit-secure
 *       parameters for the iterations, sigmoid and interval (refreshes only when the levels do not
 *       suffice; they are reported), the key holder generates the secret, public and
 *       relinearisation keys and the Galois keys of exactly the plan's rotations, and the owner
 *       encrypts z with {@link TablePacker} and the public key;
 *   <li>{@link EncryptedLogisticRegression} trains on the ciphertexts with evaluation keys only;
 *       only this step is timed ({@code trainSeconds});
 *   <li>the key holder decrypts the weights and maps them to the scaled coordinates; they are
 *       evaluated (exact sigmoid: accuracy at 1/2, AUC, log-loss) on the held-out fold, beside the
 *       plain twin ({@link NesterovLogisticRegression} with the same sigmoid, interval, step and
 *       iterations in double precision, "plain") and {@link
 *       ExactLogisticRegression} ("exact").
 * </ol>
 *
 * Keys are generated once per data set and reused by its folds when the folds' plans have the
 * same parameters and rotations (the usual case: one key holder, several trainings); otherwise
 * they are generated again. Accuracy and AUC are means over the folds.
 *
 * <p>Progress goes to {@code err}, the table to {@code out}, and with a JSON path a report {@code
 * {"datasets":[{"name","rows","features","iterations","trainSeconds","encrypted":{"accuracy",
 * "auc","logLoss"},"plain":{...},"exact":{...},"sigmoidBound","maxInnerProduct","step",
 * "foldSigmoids" (each fold's polynomial, e.g. {@code wls3[12,1.414]}: weighted fit on
 * [-12, 12], width 1.414), "maxWeightErrorVsPlain", ...}]}} (rewritten after each data set; bound and inner product:
 * the largest over the folds; the weight error is on the prepared rows' weights). {@code
 * trainSeconds} is the mean encrypted training time of one fold. Memory per data set: {@code
 * peakHeapMiB} (the most heap occupied, garbage included), {@code peakLiveHeapMiB} (the most
 * still occupied right after a collection), {@code plannedHeapMiB} (the planner's estimate) and
 * {@code compactKeys} (whether the planner had the keys held compact to fit the heap); the top
 * level gives {@code maxHeapMiB} and {@code jvmArgs}. The planner checks the heap before any key
 * is generated and the data set fails with its message when the plan cannot fit.
 */
public final class HelrBenchmark {
  /** Seed of the fold split (the one veil-ml's cross-validation tests use). */
  public static final long SEED = 2018;

  /** Sigmoid degrees the planner supports (Kim et al.'s polynomials). */
  public static final List<Integer> DEGREES = List.of(3, 5, 7);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What to run.
   *
   * @param data directory whose {@code *.csv} files are the data sets
   * @param folds k of k-fold cross validation, at least 2
   * @param iterations Nesterov iterations, at least 1
   * @param degree degree of Kim et al.'s sigmoid polynomial (3, 5 or 7)
   * @param threads worker threads of the CKKS engine, at least 1
   * @param scaling feature scaling fitted on each training fold
   * @param json report path, or null
   */
  public record Config(Path data, int folds, int iterations, int degree, int threads,
      Scaling scaling, Path json) {
    public Config {
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(scaling, "scaling");
      if (folds < 2) {
        throw new IllegalArgumentException("folds must be at least 2, got " + folds);
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
      }
      if (!DEGREES.contains(degree)) {
        throw new IllegalArgumentException("degree must be one of " + DEGREES + ", got " + degree);
      }
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be at least 1, got " + threads);
      }
    }

    /** 5 folds, 7 iterations, degree 3, all processors, whitening, no JSON. */
    public static Config defaults(Path data) {
      return new Config(data, 5, 7, 3, Runtime.getRuntime().availableProcessors(),
          Scaling.WHITEN, null);
    }
  }

  /** Mean held-out accuracy and AUC of one model over the folds. */
  public record Scores(double accuracy, double auc, double logLoss) {}

  /** The result for one data set. */
  public record DatasetResult(String name, int rows, int features, int iterations,
      double trainSeconds, Scores encrypted, Scores plain, Scores exact, double[] foldTrainSeconds,
      double keygenSeconds, double encryptSeconds, int logN, int levels, int dnum,
      int ciphertexts, int rotations, int refreshes, double maxWeightError, double bound,
      double maxInnerProduct, double step, long peakHeapBytes, long peakLiveHeapBytes,
      long plannedHeapBytes, boolean compactKeys, String[] foldSigmoids) {}

  private HelrBenchmark() {}

  /** The CSV files of {@code dir}, by name. */
  public static List<Path> csvFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv")
          && Files.isRegularFile(p)).sorted().toList();
    }
  }

  /**
   * Runs the benchmark with parameters chosen by the planner (128-bit secure).
   *
   * @return 0 on success, 1 when a data set or the report could not be read or written
   */
  public static int run(Config config, PrintStream out, PrintStream err) {
    return run(config, null, out, err);
  }

  /**
   * As {@link #run(Config, PrintStream, PrintStream)}; with non-null {@code params} the planner
   * uses those (tests: small, insecure sets) instead of selecting secure ones.
   */
  static int run(Config config, Parameters params, PrintStream out, PrintStream err) {
    List<Path> files;
    try {
      files = csvFiles(config.data());
    } catch (IOException e) {
      err.println("helr: cannot list " + config.data() + ": " + e.getMessage());
      return 1;
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no .csv files in " + config.data());
    }
    err.printf(Locale.ROOT, "helr: %d data set(s), %d folds, %d iterations, sigmoid degree %d,"
        + " %s scaling, %d threads%n", files.size(), config.folds(), config.iterations(),
        config.degree(), config.scaling().cliName(), config.threads());
    out.println(header());
    List<DatasetResult> results = new ArrayList<>();
    for (Path f : files) {
      DatasetResult r;
      try {
        r = runDataset(f, config, params, err);
      } catch (IOException e) {
        err.println("helr: cannot read " + f + ": " + e.getMessage());
        return 1;
      }
      results.add(r);
      out.println(row(r));
      out.flush();
      if (config.json() != null) {
        try {
          writeJson(config, params, results);
        } catch (IOException e) {
          err.println("helr: cannot write " + config.json() + ": " + e.getMessage());
          return 1;
        }
      }
    }
    return 0;
  }

  static String header() {
    return String.format(Locale.ROOT, "%-10s %6s %5s %4s %6s %8s | %-15s | %-15s | %-15s",
        "data set", "rows", "feat", "iter", "logN", "train s", "encrypted acc/AUC",
        "plain acc/AUC", "exact acc/AUC");
  }

  static String row(DatasetResult r) {
    return String.format(Locale.ROOT,
        "%-10s %6d %5d %4d %6d %8.2f | %6.4f / %6.4f | %6.4f / %6.4f | %6.4f / %6.4f", r.name(),
        r.rows(), r.features(), r.iterations(), r.logN(), r.trainSeconds(),
        r.encrypted().accuracy(), r.encrypted().auc(), r.plain().accuracy(), r.plain().auc(),
        r.exact().accuracy(), r.exact().auc());
  }

  /** Cross validation of the three trainers on one CSV file. */
  static DatasetResult runDataset(Path file, Config config, Parameters fixed, PrintStream err)
      throws IOException {
    String name = file.getFileName().toString().replaceFirst("(?i)\\.csv$", "");
    Table table = CsvReader.defaults().read(file);
    if (!table.isBinary()) {
      throw new IllegalArgumentException(file + ": the label column '" + table.labelName()
          + "' must be binary (0/1), got values " + Arrays.toString(table.distinctLabels()));
    }
    int k = config.folds();
    Folds folds = Folds.of(table, k, SEED);
    ExactLogisticRegression exactTrainer = ExactLogisticRegression.defaults();

    double[] accE = new double[k];
    double[] aucE = new double[k];
    double[] accP = new double[k];
    double[] aucP = new double[k];
    double[] accX = new double[k];
    double[] aucX = new double[k];
    double[] llE = new double[k];
    double[] llP = new double[k];
    double[] llX = new double[k];
    double bound = 0;
    double maxInner = 0;
    double step = 0;
    double[] trainSeconds = new double[k];
    String[] sigmoids = new String[k];
    double keygenSeconds = 0;
    double encryptSeconds = 0;
    double maxWeightError = 0;
    BenchKeys keys = null;
    TrainingPlan lastPlan = null;
    System.gc(); // the previous data set's keys are garbage: start the peaks from live data
    HeapMonitor heap = new HeapMonitor();
    try {
      for (int f = 0; f < k; f++) {
        Table train = table.select(folds.train(f));
        Table test = table.select(folds.test(f));
        FeatureTransform scaler = config.scaling().fit(train.features());
        double[][] xTrain = scaler.transform(train.features());
        double[][] xTest = scaler.transform(test.features());
        double[] yTrain = train.labels();
        double[] yTest = test.labels();

        // data owner, in clear: whitening at unit variance, the plain twin, the certified
        // interval (CertifiedNesterov); baselines in double precision
        CertifiedNesterov.Prepared prep =
            CertifiedNesterov.prepare(xTrain, yTrain, config.degree(), config.iterations());
        bound = Math.max(bound, prep.bound());
        maxInner = Math.max(maxInner, prep.maxInnerProduct());
        step = prep.step();
        sigmoids[f] = prep.sigmoid().name();
        LogisticModel plain = prep.toCaller(prep.weights());
        LogisticModel exact = exactTrainer.fit(xTrain, yTrain);

        // plan (metadata only)
        Planner planner = Planner.logistic(train.rows(), train.columns())
            .withIterations(config.iterations())
            .withSigmoid(prep.sigmoid(), -prep.bound(), prep.bound())
            .withLearningRate(NesterovLogisticRegression.LearningRate.constant(prep.step()))
            .withLambda0(CertifiedNesterov.LAMBDA0)
            .checkingHeap();
        if (fixed != null) {
          planner = planner.withParameters(fixed);
        }
        TrainingPlan plan;
        try {
          plan = planner.plan();
        } catch (InsufficientMemoryException noHeap) {
          throw noHeap; // a refresh would not make the keys smaller
        } catch (IllegalArgumentException noRoom) {
          plan = planner.allowRefresh(true).plan();
        }
        lastPlan = plan;
        if (f == 0) {
          err.printf(Locale.ROOT, "helr: %s: %d x %d, interval [-%.0f, %.0f] (max |z.v| %.2f),"
              + " step %.3f, plan %s, dnum %d, log2 QP %d%s; max heap %,d MiB%n", name, table.rows(),
              table.columns(), prep.bound(), prep.bound(), prep.maxInnerProduct(), prep.step(),
              plan, plan.params().dnum(),
              Math.round(logQp(plan.params())),
              plan.refreshes() > 0 ? " (needs " + plan.refreshes() + " refreshes per training)"
                  : ", no refresh", Runtime.getRuntime().maxMemory() >> 20);
        }

        // key holder
        if (keys == null
            || !keys.fits(plan.params(), plan.rotations(), plan.compactKeys())) {
          if (keys != null) {
            keys.close();
            keys = null;
          }
          long t0 = System.nanoTime();
          keys = new BenchKeys(plan.params(), plan.rotations(), config.threads(),
              plan.compactKeys());
          double s = (System.nanoTime() - t0) / 1e9;
          keygenSeconds += s;
          err.printf(Locale.ROOT, "helr: %s: keys (secret, public, relinearisation, %d Galois%s)"
              + " in %.1f s%n", name, plan.rotations().length,
              plan.compactKeys() ? ", compact" : "", s);
        }

        // data owner
        long t0 = System.nanoTime();
        double[][] z = EncryptedLogisticRegression.design(prep.rows(), yTrain);
        Ciphertext[] cz = new TablePacker(keys.encoder, plan.layout()).encrypt(z, keys.encryptor);
        double enc = (System.nanoTime() - t0) / 1e9;
        encryptSeconds += enc;

        // untrusted node: the timed part
        EncryptedLogisticRegression trainer =
            new EncryptedLogisticRegression(keys.evaluator, keys.encoder, plan);
        KeyHolderRefresher refresher = plan.refreshes() == 0 ? null
            : new KeyHolderRefresher(keys.ctx, keys.sk, keys.pk,
                KeyHolderRefresher.policy(plan, maxAbs(prep.rows())));
        final int fold = f;
        long start = System.nanoTime();
        EncryptedLogisticRegression.Result result = trainer.train(cz, refresher,
            (i, n) -> err.printf(Locale.ROOT, "helr: %s: fold %d/%d: iteration %d/%d%n", name,
                fold + 1, k, i, n));
        trainSeconds[f] = (System.nanoTime() - start) / 1e9;

        // key holder decrypts; evaluation in clear
        double[] w = EncryptedLogisticRegression.decryptWeights(result.weights(), keys.encoder,
            keys.decryptor, train.columns());
        double[] wPlain = prep.weights();
        for (int j = 0; j < w.length; j++) {
          maxWeightError = Math.max(maxWeightError, Math.abs(w[j] - wPlain[j]));
        }
        LogisticModel encrypted = prep.toCaller(w);
        double[] pE = encrypted.probabilities(xTest);
        double[] pP = plain.probabilities(xTest);
        double[] pX = exact.probabilities(xTest);
        accE[f] = Metrics.accuracy(yTest, pE, 0.5);
        aucE[f] = Metrics.auc(yTest, pE);
        accP[f] = Metrics.accuracy(yTest, pP, 0.5);
        aucP[f] = Metrics.auc(yTest, pP);
        accX[f] = Metrics.accuracy(yTest, pX, 0.5);
        aucX[f] = Metrics.auc(yTest, pX);
        llE[f] = Metrics.logLoss(yTest, pE);
        llP[f] = Metrics.logLoss(yTest, pP);
        llX[f] = Metrics.logLoss(yTest, pX);
        err.printf(Locale.ROOT, "helr: %s: fold %d/%d: %d train rows, encrypt %.1f s, train"
            + " %.2f s (%.0f ms/iteration); AUC encrypted %.4f plain %.4f exact %.4f%n", name,
            f + 1, k, train.rows(), enc, trainSeconds[f],
            result.report().meanIterationMillis(), aucE[f], aucP[f], aucX[f]);
      }
    } finally {
      if (keys != null) {
        keys.close();
      }
      heap.close();
    }
    Parameters p = lastPlan.params();
    return new DatasetResult(name, table.rows(), table.columns(), config.iterations(),
        mean(trainSeconds), new Scores(mean(accE), mean(aucE), mean(llE)),
        new Scores(mean(accP), mean(aucP), mean(llP)),
        new Scores(mean(accX), mean(aucX), mean(llX)), trainSeconds, keygenSeconds, encryptSeconds,
        p.logN(), p.maxLevel(), p.dnum(), lastPlan.layout().ciphertexts(),
        lastPlan.rotations().length, lastPlan.refreshes(), maxWeightError, bound, maxInner, step,
        heap.peakUsed(), heap.peakLive(), lastPlan.memory().totalBytes(),
        lastPlan.compactKeys(), sigmoids);
  }

  private static double maxAbs(double[][] rows) {
    double m = 1;
    for (double[] r : rows) {
      for (double v : r) {
        m = Math.max(m, Math.abs(v));
      }
    }
    return m;
  }

  private static double logQp(Parameters p) {
    double bits = 0;
    for (long q : p.allPrimes()) {
      bits += Math.log(q) / Math.log(2);
    }
    return bits;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  // ------------------------------------------------------------------ JSON

  static ObjectNode report(Config config, Parameters fixed, List<DatasetResult> results) {
    ObjectNode root = JSON.createObjectNode();
    root.put("benchmark", "helr");
    root.put("date", Instant.now().toString());
    root.put("java", Runtime.version().toString());
    root.put("processors", Runtime.getRuntime().availableProcessors());
    root.put("threads", config.threads());
    root.put("folds", config.folds());
    root.put("seed", SEED);
    root.put("sigmoidDegree", config.degree());
    root.put("scaling", config.scaling().cliName());
    root.put("secureParameters", fixed == null);
    root.put("maxHeapMiB", Runtime.getRuntime().maxMemory() >> 20);
    root.put("jvmArgs", String.join(" ",
        java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
    root.put("peakHeapMeaning", "peakHeapMiB: most heap occupied during the data set (live plus"
        + " uncollected garbage); peakLiveHeapMiB: most heap still occupied right after a"
        + " collection; plannedHeapMiB: the planner's estimate");
    root.put("trainSecondsMeaning", "mean encrypted training time of one fold (training only)");
    ArrayNode sets = root.putArray("datasets");
    for (DatasetResult r : results) {
      ObjectNode d = sets.addObject();
      d.put("name", r.name());
      d.put("rows", r.rows());
      d.put("features", r.features());
      d.put("iterations", r.iterations());
      d.put("trainSeconds", r.trainSeconds());
      scores(d.putObject("encrypted"), r.encrypted());
      scores(d.putObject("plain"), r.plain());
      scores(d.putObject("exact"), r.exact());
      ArrayNode folds = d.putArray("foldTrainSeconds");
      for (double s : r.foldTrainSeconds()) {
        folds.add(s);
      }
      d.put("keygenSeconds", r.keygenSeconds());
      d.put("encryptSeconds", r.encryptSeconds());
      d.put("logN", r.logN());
      d.put("levels", r.levels());
      d.put("dnum", r.dnum());
      d.put("ciphertexts", r.ciphertexts());
      d.put("rotations", r.rotations());
      d.put("refreshes", r.refreshes());
      d.put("maxWeightErrorVsPlain", r.maxWeightError());
      d.put("sigmoidBound", r.bound());
      d.put("maxInnerProduct", r.maxInnerProduct());
      d.put("step", r.step());
      d.put("peakHeapMiB", r.peakHeapBytes() >> 20);
      d.put("peakLiveHeapMiB", r.peakLiveHeapBytes() >> 20);
      d.put("plannedHeapMiB", r.plannedHeapBytes() >> 20);
      d.put("compactKeys", r.compactKeys());
      ArrayNode sig = d.putArray("foldSigmoids");
      for (String n : r.foldSigmoids()) {
        sig.add(n);
      }
    }
    return root;
  }

  private static void scores(ObjectNode o, Scores s) {
    o.put("accuracy", s.accuracy());
    o.put("auc", s.auc());
    o.put("logLoss", s.logLoss());
  }

  private static void writeJson(Config config, Parameters fixed, List<DatasetResult> results)
      throws IOException {
    Path target = config.json().toAbsolutePath();
    Files.createDirectories(target.getParent());
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    JSON.writeValue(tmp.toFile(), report(config, fixed, results));
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
