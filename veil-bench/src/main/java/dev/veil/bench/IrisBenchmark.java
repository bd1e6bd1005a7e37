package dev.veil.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Folds;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Scaling;
import dev.veil.ml.data.Table;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.ExactLogisticRegression;
import dev.veil.ml.plain.LinearModel;
import dev.veil.ml.plain.LinearRegression;
import dev.veil.ml.plain.NesterovLogisticRegression;
import dev.veil.ml.plain.OneVsRest;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.train.EncryptedLinearRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.EncryptedOneVsRest;
import dev.veil.ml.train.Planner;
import dev.veil.ml.train.TrainingPlan;

/**
 * The two iris targets of issue 3, behind {@code veil bench iris}: encrypted multiclass one-vs-rest
 * (accuracy against the same algorithm in double precision) and encrypted linear regression
 * (coefficients against the same gradient descent in double precision), both by k-fold cross
 * validation (stratified on the species, seed {@value HelrBenchmark#SEED}) at 128-bit-secure
 * parameters chosen for the work.
 *
 * <ul>
 *   <li><b>One-vs-rest</b>: features scaled on the training fold ({@code scaling}); one Nesterov
 *       logistic regression per species (Kim's sigmoid of {@code degree}, {@code iterations}
 *       steps) on ciphertexts, decrypted into a {@link OneVsRest} that predicts the arg-max;
 *       "plain" is {@link OneVsRest} over {@link NesterovLogisticRegression} with the same
 *       settings, "exact" over {@link ExactLogisticRegression}.</li>
 *   <li><b>Linear regression</b>: {@code target} (default petal width) from the other three
 *       measurements (min-max scaled), {@code linearIterations} steps of {@link
 *       EncryptedLinearRegression} (step 0.25); "plain" is {@link LinearRegression} with the same
 *       steps, "exact" its closed form. Reported: the largest relative difference between the
 *       encrypted and the plain coefficients, {@code max_j |b_enc - b_plain| / max_j |b_plain|},
 *       over the folds, and held-out RMSEs.</li>
 * </ul>
 * Only the encrypted training is timed ({@code trainSeconds}, mean per fold).
 */
public final class IrisBenchmark {
  /** Step size of the linear regression, safe for 3 features in [-1, 1] ({@code < 2 / 4}). */
  static final double LINEAR_STEP = 0.25;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * What to run.
   *
   * @param csv the iris CSV (4 measurements and a class column)
   * @param label the class column
   * @param target the measurement the linear regression predicts
   * @param folds k of the cross validation, at least 2
   * @param iterations Nesterov iterations of each one-vs-rest classifier
   * @param degree Kim sigmoid degree (3, 5 or 7)
   * @param linearIterations gradient steps of the linear regression
   * @param scaling the one-vs-rest feature scaling
   * @param threads engine threads
   * @param json report path, or null
   */
  public record Config(Path csv, String label, String target, int folds, int iterations, int degree,
      int linearIterations, Scaling scaling, int threads, Path json) {
    public Config {
      Objects.requireNonNull(csv, "csv");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(scaling, "scaling");
      if (folds < 2 || iterations < 1 || linearIterations < 1 || threads < 1) {
        throw new IllegalArgumentException("folds >= 2, iterations >= 1, linear iterations >= 1"
            + " and threads >= 1 needed");
      }
      if (!HelrBenchmark.DEGREES.contains(degree)) {
        throw new IllegalArgumentException("degree must be one of " + HelrBenchmark.DEGREES
            + ", got " + degree);
      }
    }

    /** species / petal_width, 5 folds, 7 iterations, degree 3, 10 linear steps, min-max. */
    public static Config defaults(Path csv) {
      return new Config(csv, "species", "petal_width", 5, 7, 3, 10, Scaling.MIN_MAX,
          Runtime.getRuntime().availableProcessors(), null);
    }
  }

  /** Mean held-out accuracy of the three one-vs-rest models, and the encrypted training time. */
  public record OvrResult(int classes, int iterations, int degree, int logN, double trainSeconds,
      double encrypted, double plain, double exact, int disagreements) {}

  /** Linear regression: coefficient agreement and held-out RMSEs. */
  public record LinearResult(int iterations, int logN, double trainSeconds,
      double maxRelativeError, double rmseEncrypted, double rmsePlain, double rmseExact) {}

  private final Config config;
  private final PrintStream err;
  private final Parameters fixed;

  /** A run at 128-bit-secure parameters chosen for the work; progress goes to {@code err}. */
  public IrisBenchmark(Config config, PrintStream err) {
    this(config, err, null);
  }

  /** With non-null {@code fixed}, both parts use those parameters (tests: small, insecure sets). */
  IrisBenchmark(Config config, PrintStream err, Parameters fixed) {
    this.config = Objects.requireNonNull(config, "config");
    this.err = Objects.requireNonNull(err, "err");
    this.fixed = fixed;
  }

  /** Runs both parts, prints the table to {@code out} and writes the JSON report if asked. */
  public void run(PrintStream out) throws IOException {
    Table iris = CsvReader.defaults().withLabel(config.label()).read(config.csv());
    if (iris.numClasses() < 3) {
      throw new IllegalArgumentException(config.csv() + ": '" + config.label() + "' has "
          + iris.numClasses() + " classes; one-vs-rest needs at least 3");
    }
    Folds folds = Folds.of(iris, config.folds(), HelrBenchmark.SEED);
    OvrResult ovr = oneVsRest(iris, folds);
    LinearResult lin = linear(iris, folds);
    out.printf(Locale.ROOT, "one-vs-rest: %d classes, %d iterations, degree %d, N = 2^%d:"
            + " train %.1f s per fold; accuracy encrypted %.4f, plain %.4f, exact %.4f;"
            + " %d held-out predictions differ%n", ovr.classes(), ovr.iterations(), ovr.degree(),
        ovr.logN(), ovr.trainSeconds(), ovr.encrypted(), ovr.plain(), ovr.exact(),
        ovr.disagreements());
    out.printf(Locale.ROOT, "linear (%s): %d iterations, N = 2^%d: train %.1f s per fold;"
            + " max relative coefficient error %.3g; RMSE encrypted %.4f, plain %.4f, exact %.4f%n",
        config.target(), lin.iterations(), lin.logN(), lin.trainSeconds(), lin.maxRelativeError(),
        lin.rmseEncrypted(), lin.rmsePlain(), lin.rmseExact());
    if (config.json() != null) {
      ObjectNode root = JSON.createObjectNode();
      root.put("benchmark", "iris");
      root.put("date", Instant.now().toString());
      root.put("java", Runtime.version().toString());
      root.put("processors", Runtime.getRuntime().availableProcessors());
      root.put("threads", config.threads());
      root.put("folds", config.folds());
      root.put("seed", HelrBenchmark.SEED);
      root.set("ovr", JSON.valueToTree(ovr));
      root.put("ovrScaling", config.scaling().cliName());
      root.set("linear", JSON.valueToTree(lin));
      root.put("linearTarget", config.target());
      VeilIO.writeAtomically(config.json(), o -> JSON.writeValue(o, root));
    }
  }

  private OvrResult oneVsRest(Table iris, Folds folds) {
    int k = iris.numClasses();
    Sigmoid sigmoid = Sigmoid.kim(config.degree());
    NesterovLogisticRegression nesterov = NesterovLogisticRegression.defaults()
        .withIterations(config.iterations()).withSigmoid(sigmoid);
    double[] accE = new double[config.folds()];
    double[] accP = new double[config.folds()];
    double[] accX = new double[config.folds()];
    double[] seconds = new double[config.folds()];
    int disagreements = 0;
    int logN = 0;
    BenchKeys keys = null;
    try {
      for (int f = 0; f < config.folds(); f++) {
        Table train = iris.select(folds.train(f));
        Table test = iris.select(folds.test(f));
        FeatureTransform scaler = config.scaling().fit(train.features());
        double[][] xTrain = scaler.transform(train.features());
        double[][] xTest = scaler.transform(test.features());
        int[] cTrain = train.classIndices();
        int[] cTest = test.classIndices();
        int d = train.columns();
        Planner planner = Planner.logistic(train.rows(), d).withIterations(config.iterations())
            .withSigmoid(sigmoid, -8, 8);
        TrainingPlan plan = (fixed == null ? planner : planner.withParameters(fixed)).plan();
        logN = plan.params().logN();
        if (keys == null || !keys.fits(plan.params(), plan.rotations())) {
          if (keys != null) {
            keys.close();
          }
          keys = keygen(plan.params(), plan.rotations(), "one-vs-rest");
        }
        Ciphertext[][] z = EncryptedOneVsRest.encrypt(EncryptedOneVsRest.designs(xTrain, cTrain, k),
            plan, keys.encoder, keys.encryptor);
        long start = System.nanoTime();
        EncryptedOneVsRest.Result r =
            new EncryptedOneVsRest(keys.evaluator, keys.encoder, plan).train(z);
        seconds[f] = (System.nanoTime() - start) / 1e9;
        OneVsRest enc = EncryptedOneVsRest.decrypt(r, keys.encoder, keys.decryptor, d);
        OneVsRest plain = OneVsRest.fit(nesterov, xTrain, cTrain, k);
        OneVsRest exact = OneVsRest.fit(ExactLogisticRegression.defaults(), xTrain, cTrain, k);
        int[] pe = enc.predict(xTest);
        int[] pp = plain.predict(xTest);
        accE[f] = Metrics.accuracy(cTest, pe);
        accP[f] = Metrics.accuracy(cTest, pp);
        accX[f] = Metrics.accuracy(cTest, exact.predict(xTest));
        for (int i = 0; i < pe.length; i++) {
          disagreements += pe[i] != pp[i] ? 1 : 0;
        }
        err.printf(Locale.ROOT, "iris: one-vs-rest fold %d/%d: %d x %d classes trained in %.1f s;"
            + " accuracy encrypted %.4f plain %.4f exact %.4f%n", f + 1, config.folds(), k,
            config.iterations(), seconds[f], accE[f], accP[f], accX[f]);
      }
    } finally {
      if (keys != null) {
        keys.close();
      }
    }
    return new OvrResult(k, config.iterations(), config.degree(), logN, mean(seconds), mean(accE),
        mean(accP), mean(accX), disagreements);
  }

  private LinearResult linear(Table iris, Folds folds) {
    int targetColumn = iris.featureNames().indexOf(config.target());
    if (targetColumn < 0) {
      throw new IllegalArgumentException(config.csv() + ": no column '" + config.target()
          + "' among " + iris.featureNames());
    }
    int depth = config.linearIterations() * EncryptedLinearRegression.LEVELS_PER_ITERATION;
    double[] rel = new double[config.folds()];
    double[] rmseE = new double[config.folds()];
    double[] rmseP = new double[config.folds()];
    double[] rmseX = new double[config.folds()];
    double[] seconds = new double[config.folds()];
    int logN = 0;
    BenchKeys keys = null;
    LinearRegression plainTrainer = LinearRegression.defaults()
        .withIterations(config.linearIterations()).withLearningRate(LINEAR_STEP);
    try {
      for (int f = 0; f < config.folds(); f++) {
        Table train = iris.select(folds.train(f));
        Table test = iris.select(folds.test(f));
        double[][] rawTrain = train.features();
        double[][] rawTest = test.features();
        double[] yTrain = column(rawTrain, targetColumn);
        double[] yTest = column(rawTest, targetColumn);
        FeatureTransform scaler = Scaling.MIN_MAX.fit(drop(rawTrain, targetColumn));
        double[][] xTrain = scaler.transform(drop(rawTrain, targetColumn));
        double[][] xTest = scaler.transform(drop(rawTest, targetColumn));
        int n = xTrain.length;
        int d = xTrain[0].length;
        Parameters params = fixed != null ? fixed
            : ParameterSelector.select(depth, 40, slotsFor(n, d + 2));
        logN = params.logN();
        int[] rotations = EncryptedLinearRegression.rotationsNeeded(params, n, d);
        if (keys == null || !keys.fits(params, rotations)) {
          if (keys != null) {
            keys.close();
          }
          keys = keygen(params, rotations, "linear regression");
        }
        Layout layout = EncryptedLinearRegression.layout(params, n, d);
        TablePacker packer = new TablePacker(keys.encoder, layout);
        Ciphertext[] a = packer.encrypt(EncryptedLinearRegression.augmented(xTrain, yTrain),
            keys.encryptor);
        Ciphertext[] w = packer.encrypt(EncryptedLinearRegression.design(xTrain), keys.encryptor);
        long start = System.nanoTime();
        EncryptedLogisticRegression.Result r = new EncryptedLinearRegression(keys.evaluator,
            keys.encoder, n, d, config.linearIterations(),
            NesterovLogisticRegression.LearningRate.constant(LINEAR_STEP), 0).train(a, w);
        seconds[f] = (System.nanoTime() - start) / 1e9;
        double[] be = EncryptedLogisticRegression.decryptWeights(r.weights(), keys.encoder,
            keys.decryptor, d);
        LinearModel plain = plainTrainer.fit(xTrain, yTrain);
        LinearModel exact = plainTrainer.fitExact(xTrain, yTrain);
        double[] bp = plain.weights();
        double diff = 0;
        double size = 0;
        for (int j = 0; j < bp.length; j++) {
          diff = Math.max(diff, Math.abs(be[j] - bp[j]));
          size = Math.max(size, Math.abs(bp[j]));
        }
        rel[f] = diff / size;
        rmseE[f] = Metrics.rmse(yTest, new LinearModel(be).predict(xTest));
        rmseP[f] = Metrics.rmse(yTest, plain.predict(xTest));
        rmseX[f] = Metrics.rmse(yTest, exact.predict(xTest));
        err.printf(Locale.ROOT, "iris: linear fold %d/%d: trained in %.1f s; relative coefficient"
            + " error %.3g; RMSE encrypted %.4f plain %.4f exact %.4f%n", f + 1, config.folds(),
            seconds[f], rel[f], rmseE[f], rmseP[f], rmseX[f]);
      }
    } finally {
      if (keys != null) {
        keys.close();
      }
    }
    double maxRel = 0;
    for (double v : rel) {
      maxRel = Math.max(maxRel, v);
    }
    return new LinearResult(config.linearIterations(), logN, mean(seconds), maxRel, mean(rmseE),
        mean(rmseP), mean(rmseX));
  }

  private BenchKeys keygen(Parameters params, int[] rotations, String what) {
    long t0 = System.nanoTime();
    BenchKeys keys = new BenchKeys(params, rotations, config.threads());
    err.printf(Locale.ROOT, "iris: %s keys (N = 2^%d, %d levels, %d rotations) in %.1f s%n", what,
        params.logN(), params.maxLevel(), rotations.length, (System.nanoTime() - t0) / 1e9);
    return keys;
  }

  private static double[] column(double[][] rows, int j) {
    double[] c = new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      c[i] = rows[i][j];
    }
    return c;
  }

  private static double[][] drop(double[][] rows, int j) {
    double[][] out = new double[rows.length][rows[0].length - 1];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out[i], 0, j);
      System.arraycopy(rows[i], j + 1, out[i], j, rows[i].length - j - 1);
    }
    return out;
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  /** Slots for all rows in one ciphertext: both counts rounded up to powers of two. */
  static int slotsFor(int rows, int width) {
    return Integer.highestOneBit(Math.max(1, rows) * 2 - 1) * Integer.highestOneBit(width * 2 - 1);
  }
}
