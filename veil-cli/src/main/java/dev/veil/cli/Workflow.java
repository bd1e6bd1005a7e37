package dev.veil.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

import dev.veil.api.DataInfo;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.KeysInfo;
import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.api.RowsInfo;
import dev.veil.api.Scaling;
import dev.veil.api.SchemaFile;
import dev.veil.api.TrainingInfo;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;
import dev.veil.ml.data.ConfusionMatrix;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.DataFormatException;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Table;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.train.EncryptedLinearRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.EncryptedOneVsRest;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.Planner;
import dev.veil.ml.train.TrainingPlan;
import me.tongfei.progressbar.ProgressBar;

/**
 * The steps of the file-based training workflow, shared by the commands and by {@code veil demo}:
 * keygen, encrypt, train, decrypt, for each {@link ModelKind} (logistic, linear, ovr); applying
 * a decrypted model to plaintext rows is {@link Scoring}, encrypted inference {@link Inference}.
 * Each step reads and writes the files described in the README ("Encrypted training from the
 * command line"); every output is written to a temporary file or directory first and moved into
 * place only when complete. The model kind is recorded in every metadata file and checked at every
 * step.
 *
 * <p>Who holds what: the key directory's {@code secret.key} stays with the data owner; {@code
 * train} reads only the encrypted data set (ciphertexts, public parameters and metadata) and
 * {@code evaluation.keys}.
 */
final class Workflow {
  private Workflow() {}

  // key directory
  static final String SECRET_KEY = "secret.key";
  static final String PUBLIC_KEY = "public.key";
  static final String EVALUATION_KEYS = "evaluation.keys";
  static final String PARAMS = "params.bin";
  static final String PLAN = "plan.json";
  // encrypted data set and encrypted model directories
  static final String META = "meta.json";
  static final String WEIGHTS = "weights.ct";

  static final String LOGISTIC = ModelKind.LOGISTIC.id();
  /** Scale of the training ciphertexts, 2^40. */
  static final int TRAINING_SCALE_BITS = Planner.DEFAULT_SCALE_BITS;
  /** Linear regression's default constant step size (plain.LinearRegression's default). */
  static final double LINEAR_LEARNING_RATE = 0.5;

  /** The logistic design's file: ciphertext c of z. */
  static String tableFile(int c) {
    return tableFile("z", c);
  }

  /** Ciphertext c of the named table. */
  static String tableFile(String table, int c) {
    return String.format(Locale.ROOT, "%s-%05d.ct", table, c);
  }

  /** The tables of a data set of this kind: z (logistic), a and w (linear), z-cCCC (ovr). */
  static List<String> tables(ModelKind kind, int classes) {
    return switch (kind) {
      case LOGISTIC -> List.of("z");
      case LINEAR -> List.of("a", "w");
      case OVR -> {
        List<String> t = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
          t.add(String.format(Locale.ROOT, "z-c%03d", c));
        }
        yield t;
      }
      case INFERENCE -> throw new IllegalArgumentException("no training tables for inference");
    };
  }

  /** The encrypted one-vs-rest weights of class c. */
  static String classWeightsFile(int c) {
    return String.format(Locale.ROOT, "weights-c%03d.ct", c);
  }

  static int threads() {
    return Runtime.getRuntime().availableProcessors();
  }

  static Sigmoid sigmoid(int degree) {
    try {
      return LogisticTraining.sigmoid(degree);
    } catch (IllegalArgumentException e) {
      throw Store.bad("--degree must be 3, 5 or 7 (Kim et al.'s sigmoid approximations), got "
          + degree);
    }
  }

  /** The run {@link LogisticTraining} plans, the degree checked with the option's name. */
  static Planner planner(int rows, int features, int iterations, int degree) {
    sigmoid(degree);
    return LogisticTraining.planner(rows, features, iterations, degree);
  }

  private static int ceilPow2(long x) {
    return x <= 1 ? 1 : (int) Math.min(1 << 30, Long.highestOneBit(x - 1) << 1);
  }

  // ================================================================== keygen

  /** What a key directory holds: the parameters, the rotations, whether a relinearisation key. */
  record KeyPlan(Parameters params, int[] rotations, boolean relinearization) {}

  /** Logistic keys (the demo's). */
  static KeysInfo keygen(Path out, int rows, int features, int iterations, int degree,
      PrintStream err) throws IOException {
    return keygen(out, ModelKind.LOGISTIC, rows, features, iterations, degree, null, err);
  }

  /**
   * Plans the run (always 128-bit-secure parameters and exactly the rotations the model needs)
   * and writes the key directory.
   *
   * @param rows most training rows (ignored for inference)
   * @param iterations training iterations (ignored for inference)
   * @param degree sigmoid degree (logistic, ovr; inference with probabilities); ignored for linear
   * @param output inference only
   */
  static KeysInfo keygen(Path out, ModelKind kind, int rows, int features, int iterations,
      int degree, Inference.Output output, PrintStream err) throws IOException {
    Path dir = Store.outputDir(out, null);
    KeyPlan kp = switch (kind) {
      case LOGISTIC, OVR -> {
        TrainingPlan plan = planner(rows, features, iterations, degree).plan();
        yield new KeyPlan(plan.params(), plan.rotations(), true);
      }
      case LINEAR -> {
        Parameters p = linearParameters(rows, features, iterations);
        yield new KeyPlan(p, EncryptedLinearRegression.rotationsNeeded(p, rows, features), true);
      }
      case INFERENCE -> Inference.keyPlan(output, degree);
    };
    Parameters params = kp.params();
    try (HeContext ctx = new HeContext(params, threads())) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      SwitchingKey relin = kp.relinearization() ? kg.relinearizationKey(sk) : null;
      long[] elements = Evaluator.galoisElements(params, kp.rotations());
      List<SwitchingKey> galois = new ArrayList<>();
      if (elements.length > 0) {
        try (ProgressBar bar = Bars.start(err, "galois keys", elements.length)) {
          for (long e : elements) {
            galois.add(kg.galoisKey(sk, e));
            bar.step();
          }
        }
      }
      EvaluationKeys evk = new EvaluationKeys(params, relin, galois);
      boolean training = kind.isTraining();
      KeysInfo[] info = new KeysInfo[1];
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        VeilIO.writeAtomically(tmp.resolve(SECRET_KEY),
            o -> VeilIO.writeSecretKey(o, sk, SecretKeyAccess.INSECURE));
        VeilIO.writeAtomically(tmp.resolve(PUBLIC_KEY), o -> VeilIO.write(o, pk));
        VeilIO.writeAtomically(tmp.resolve(EVALUATION_KEYS), o -> VeilIO.write(o, evk));
        info[0] = new KeysInfo(KeysInfo.FORMAT, kind.id(), training ? rows : 0, features,
            training ? iterations : 0, kind == ModelKind.LINEAR ? 0 : degree,
            output == null ? null : output.id(), params.logN(), params.maxLevel(),
            (int) Math.round(Math.log(params.defaultScale()) / Math.log(2)), params.digestHex(),
            Store.fileId(tmp.resolve(PUBLIC_KEY)), kp.rotations());
        Store.writeJson(tmp.resolve(PLAN), info[0]);
      });
      return info[0];
    }
  }

  /**
   * Secure parameters for {@code iterations} steps of encrypted linear regression on {@code rows x
   * features}: {@link EncryptedLinearRegression#LEVELS_PER_ITERATION} levels per step at scale
   * 2^40, enough slots for the rows (as the logistic planner chooses them).
   */
  static Parameters linearParameters(int rows, int features, int iterations) {
    int per = EncryptedLinearRegression.LEVELS_PER_ITERATION;
    int slots = (int) Math.min(1 << 15, ceilPow2((long) rows * ceilPow2(features + 2)));
    try {
      return ParameterSelector.select(iterations * per, TRAINING_SCALE_BITS, slots);
    } catch (InvalidParametersException e) {
      int most = 0;
      for (int t = iterations - 1; t >= 1 && most == 0; t--) {
        try {
          ParameterSelector.select(t * per, TRAINING_SCALE_BITS, slots);
          most = t;
        } catch (InvalidParametersException tooDeep) {
          // fewer
        }
      }
      throw Store.bad(String.format(Locale.ROOT, "%d iterations of linear regression need %d"
          + " levels (%d per iteration) but N = 2^16 holds fewer at scale 2^%d with 128-bit"
          + " security: use at most %d iterations", iterations, iterations * per, per,
          TRAINING_SCALE_BITS, most));
    }
  }

  static KeysInfo readKeysInfo(Path keysDir) throws IOException {
    Store.requireDir(keysDir, "a key directory from veil keygen");
    Path file = keysDir.resolve(PLAN);
    KeysInfo info = Store.readJson(file, KeysInfo.class);
    Store.requireFormat(file, info.format(), KeysInfo.FORMAT);
    ModelKind.of(info.model(), file);
    Store.validate(file, info::validate);
    return info;
  }

  static ModelKind kindOf(KeysInfo keys, Path keysDir) {
    return ModelKind.of(keys.model(), keysDir.resolve(PLAN));
  }

  static Parameters readParams(Path file, String expectedDigest) throws IOException {
    Parameters p = Store.readVeil(file, VeilIO::readParameters);
    if (expectedDigest != null && !expectedDigest.equals(p.digestHex())) {
      throw Store.bad(file + ": parameters " + p.shortId() + " differ from the ones its metadata"
          + " names (" + expectedDigest.substring(0, 8) + ")");
    }
    return p;
  }

  /** Checks that the key directory's public key is the one its plan.json names; its key id. */
  static String checkPublicKey(Path keysDir, KeysInfo keys) throws IOException {
    String keyId = Store.fileId(keysDir.resolve(PUBLIC_KEY));
    if (!keyId.equals(keys.keyId())) {
      throw Store.bad(keysDir.resolve(PUBLIC_KEY) + " is not the public key " + PLAN
          + " names (key id " + keys.keyId() + ")");
    }
    return keyId;
  }

  // ================================================================== encrypt

  /** Reads a binary-labelled training table. */
  static Table readTable(Path csv, String label, List<String> features) throws IOException {
    Table t = readCsv(csv, CsvReader.defaults().withLabel(label).withFeatures(features));
    if (!t.isBinary()) {
      throw Store.bad(csv.getFileName() + ": label column '" + t.labelName() + "' is not binary:"
          + " logistic regression needs labels 0/1 or exactly two class names, found "
          + (t.isCategorical() ? t.classNames().size() + " classes " + t.classNames()
              : "values " + Arrays.toString(Arrays.stream(t.distinctLabels()).limit(5).toArray()))
          + (t.isCategorical() ? "; make keys with --model ovr for more classes" : ""));
    }
    return t;
  }

  /** Reads the training table of a model kind: binary, k-class or numeric labels. */
  static Table readTrainingTable(ModelKind kind, Path csv, String label, List<String> features)
      throws IOException {
    CsvReader reader = CsvReader.defaults().withLabel(label).withFeatures(features);
    return switch (kind) {
      case LOGISTIC -> readTable(csv, label, features);
      case LINEAR -> {
        Table t = readCsv(csv, reader.withLabelType(CsvReader.LabelType.NUMERIC));
        if (t.rows() < 2) {
          throw Store.bad(csv.getFileName() + ": linear regression needs at least 2 rows");
        }
        yield t;
      }
      case OVR -> {
        Table t = readCsv(csv, reader.withLabelType(CsvReader.LabelType.CATEGORICAL));
        if (t.numClasses() < 2) {
          throw Store.bad(csv.getFileName() + ": label column '" + t.labelName() + "' has only"
              + " the class " + t.classNames() + "; one-vs-rest needs at least 2 classes");
        }
        yield t;
      }
      case INFERENCE -> throw new IllegalArgumentException("no training table for inference");
    };
  }

  static Table readCsv(Path csv, CsvReader reader) throws IOException {
    Store.requireFile(csv);
    try {
      return reader.read(csv);
    } catch (DataFormatException e) {
      throw Store.bad(e);
    }
  }

  /** 0/1 labels of a binary table (class 1 of a categorical table is positive). */
  static double[] binaryLabels(Table t) {
    if (!t.isCategorical()) {
      return t.labels();
    }
    return Arrays.stream(t.classIndices()).asDoubleStream().toArray();
  }

  /**
   * The label standardisation of linear regression: mean and (population) standard deviation.
   */
  static Label standardisation(Table t, Path csv) {
    double[] y = t.labels();
    double mean = Arrays.stream(y).average().orElse(0);
    double var = 0;
    for (double v : y) {
      var += (v - mean) * (v - mean);
    }
    double sd = Math.sqrt(var / y.length);
    if (!(sd > 0) || !Double.isFinite(sd)) {
      throw Store.bad(csv.getFileName() + ": label column '" + t.labelName() + "' is constant ("
          + mean + "): nothing to fit");
    }
    return new Label(t.labelName(), null, mean, sd);
  }

  /**
   * Reads the CSV, fits the scaler on it (the owner's side), forms the tables the keys' model
   * kind trains on, encrypts them with the public key and writes the encrypted data set
   * directory. Logistic: {@code z_i = y_i (1, x_i)}; ovr: one such table per class (+1 for the
   * class, -1 for the others); linear: {@code a_i = (1, x_i, y'_i)} and {@code w_i = (1, x_i, 0)}
   * with the standardised label {@code y'}.
   */
  static DataInfo encrypt(Path keysDir, Path csv, String label, List<String> features,
      dev.veil.ml.data.Scaling scaling, Path out, PrintStream err) throws IOException {
    KeysInfo keys = readKeysInfo(keysDir);
    ModelKind kind = kindOf(keys, keysDir);
    if (kind == ModelKind.INFERENCE) {
      throw Store.bad("the keys in " + keysDir + " were made for encrypted inference: encrypt"
          + " rows for a model with --schema SCHEMA, or make training keys (veil keygen --model"
          + " logistic, linear or ovr)");
    }
    Path dir = Store.outputDir(out, META);
    Table t = readTrainingTable(kind, csv, label, features);
    int n = t.rows();
    int d = t.columns();
    if (d > keys.features() || n > keys.rows()) {
      throw Store.bad("too many " + (d > keys.features() ? "features" : "rows") + " for the keys"
          + " in " + keysDir + ": " + csv.getFileName() + " has " + n + " rows x " + d
          + " features, the keys and their parameters were made for at most " + keys.rows()
          + " x " + keys.features() + "; run veil keygen with --rows " + Math.max(n, keys.rows())
          + " --features " + Math.max(d, keys.features()));
    }
    Parameters params = readParams(keysDir.resolve(PARAMS), keys.paramsDigest());
    Layout layout;
    int[] rotations;
    if (kind == ModelKind.LINEAR) {
      layout = EncryptedLinearRegression.layout(params, n, d);
      rotations = EncryptedLinearRegression.rotationsNeeded(params, n, d);
    } else {
      TrainingPlan plan = planner(n, d, keys.iterations(), keys.degree()).withParameters(params)
          .plan();
      layout = plan.layout();
      rotations = plan.rotations();
    }
    Set<Integer> have = Arrays.stream(keys.rotations()).boxed().collect(Collectors.toSet());
    for (int r : rotations) {
      if (!have.contains(r)) {
        throw Store.bad("the evaluation keys in " + keysDir + " lack the rotation by " + r
            + " that training on " + n + " rows x " + d + " features needs; run veil keygen"
            + " with --rows " + n + " --features " + d);
      }
    }
    FeatureTransform scaler = scaling.fit(t.features());
    double[][] x = scaler.transform(t.features());
    Label labelInfo;
    double[][][] tables;
    switch (kind) {
      case LOGISTIC -> {
        labelInfo = new Label(t.labelName(), t.isCategorical() ? t.classNames() : null);
        tables = new double[][][] {EncryptedLogisticRegression.design(x, binaryLabels(t))};
      }
      case OVR -> {
        labelInfo = new Label(t.labelName(), t.classNames());
        tables = EncryptedOneVsRest.designs(x, t.classIndices(), t.numClasses());
      }
      case LINEAR -> {
        labelInfo = standardisation(t, csv);
        double[] y = t.labels();
        for (int i = 0; i < y.length; i++) {
          y[i] = (y[i] - labelInfo.offset()) / labelInfo.scale();
        }
        tables = new double[][][] {EncryptedLinearRegression.augmented(x, y),
            EncryptedLinearRegression.design(x)};
      }
      default -> throw new IllegalStateException(kind.id());
    }
    List<String> names = tables(kind, tables.length);
    String keyId = checkPublicKey(keysDir, keys);
    DataInfo info = new DataInfo(DataInfo.FORMAT, kind.id(), n, d, t.featureNames(), labelInfo,
        Scaling.of(scaler), keys.iterations(), keys.degree(), params.slots(),
        layout.ciphertexts(), params.digestHex(), keyId);
    try (HeContext ctx = new HeContext(params, threads())) {
      PublicKey pk = Store.readVeil(keysDir.resolve(PUBLIC_KEY),
          in -> VeilIO.readPublicKey(in, ctx));
      Encoder encoder = new Encoder(ctx);
      Encryptor enc = Encryptor.withPublicKey(ctx, pk);
      TablePacker packer = new TablePacker(encoder, layout);
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        try (ProgressBar bar = Bars.start(err, "encrypt",
            (long) tables.length * layout.ciphertexts())) {
          for (int k = 0; k < tables.length; k++) {
            Plaintext[] pts = packer.encode(tables[k], params.maxLevel(), params.defaultScale());
            for (int c = 0; c < pts.length; c++) {
              Ciphertext ct = enc.encrypt(pts[c]);
              VeilIO.writeAtomically(tmp.resolve(tableFile(names.get(k), c)),
                  o -> VeilIO.write(o, ct));
              bar.step();
            }
          }
        }
        Store.writeJson(tmp.resolve(META), info);
      });
    }
    return info;
  }

  static DataInfo readDataInfo(Path dataDir) throws IOException {
    Store.requireDir(dataDir, "an encrypted data set from veil encrypt");
    Path file = dataDir.resolve(META);
    DataInfo info = Store.readJson(file, DataInfo.class);
    if (RowsInfo.FORMAT.equals(info.format())) {
      throw Store.bad(dataDir + " holds rows encrypted for inference (veil encrypt --schema),"
          + " not a training data set; apply a model to them with veil predict --data");
    }
    Store.requireFormat(file, info.format(), DataInfo.FORMAT);
    ModelKind.of(info.model(), file);
    Store.validate(file, info::validate);
    return info;
  }

  // ================================================================== train

  /** The trained, still encrypted model. */
  record TrainResult(EncryptedModelInfo info, TrainingPlan plan) {}

  /** {@link #train(Path, Path, ModelKind, Integer, Integer, Double, Path, PrintStream)}. */
  static TrainResult train(Path dataDir, Path evalKeys, Integer iterations, Integer degree,
      Path out, PrintStream err) throws IOException {
    return train(dataDir, evalKeys, null, iterations, degree, null, out, err);
  }

  /**
   * Trains on the encrypted data set with the evaluation keys only (no secret key is read or
   * needed) and writes the encrypted model directory.
   *
   * @param model null: the data set's kind; else it must be the data set's kind
   * @param iterations null: the ones the keys were planned for
   * @param degree null: the one the keys were planned for (logistic, ovr only)
   * @param learningRate linear regression's constant step; null: {@value #LINEAR_LEARNING_RATE}
   * @return the training plan (null for linear regression, which has no planner)
   */
  static TrainResult train(Path dataDir, Path evalKeys, ModelKind model, Integer iterations,
      Integer degree, Double learningRate, Path out, PrintStream err) throws IOException {
    DataInfo data = readDataInfo(dataDir);
    ModelKind kind = ModelKind.of(data.model(), dataDir.resolve(META));
    if (model != null && model != kind) {
      throw Store.bad(dataDir + " was encrypted for " + kind.description() + " ('" + kind.id()
          + "'), not " + model.description() + " ('" + model.id() + "'): train it with --model "
          + kind.id() + " or encrypt the table with keys made with --model " + model.id());
    }
    if (kind == ModelKind.LINEAR && degree != null) {
      throw Store.bad("--degree applies to logistic and ovr models only (linear regression"
          + " has no sigmoid)");
    }
    if (kind != ModelKind.LINEAR && learningRate != null) {
      throw Store.bad("--learning-rate applies to linear regression only (" + kind.id()
          + " uses Kim et al.'s step sizes)");
    }
    double alpha = learningRate == null ? LINEAR_LEARNING_RATE : learningRate;
    if (!(alpha > 0) || !Double.isFinite(alpha)) {
      throw Store.bad("--learning-rate must be finite and > 0, got " + learningRate);
    }
    Path dir = Store.outputDir(out, META);
    Store.requireFile(evalKeys);
    Parameters params = readParams(dataDir.resolve(PARAMS), data.paramsDigest());
    int it = iterations != null ? iterations : Objects.requireNonNullElse(data.iterations(), 0);
    int deg = degree != null ? degree : Objects.requireNonNullElse(data.degree(), 0);
    int n = data.rows();
    int d = data.features();
    TrainingPlan plan = null;
    Layout layout;
    int[] rotations;
    if (kind == ModelKind.LINEAR) {
      int per = EncryptedLinearRegression.LEVELS_PER_ITERATION;
      if (it * per > params.maxLevel()) {
        throw Store.bad(it + " iterations need " + it * per + " levels (" + per + " per"
            + " iteration) but the parameters have " + params.maxLevel() + ": use at most "
            + params.maxLevel() / per + " iterations, or keys made for more");
      }
      layout = EncryptedLinearRegression.layout(params, n, d);
      rotations = EncryptedLinearRegression.rotationsNeeded(params, n, d);
    } else {
      plan = planner(n, d, it, deg).withParameters(params).plan();
      layout = plan.layout();
      rotations = plan.rotations();
    }
    if (layout.ciphertexts() != data.ciphertexts()) {
      throw Store.bad(dataDir + ": " + data.ciphertexts() + " ciphertexts, the layout of "
          + n + " rows x " + d + " features has " + layout.ciphertexts());
    }
    int classes = kind == ModelKind.OVR ? classCount(data.label(), dataDir) : 1;
    checkEvaluationKeysMatch(evalKeys, kind, data.paramsDigest(), data.keyId(), dataDir);
    long start = System.nanoTime();
    try (HeContext ctx = new HeContext(params, threads())) {
      EvaluationKeys evk = Store.readVeil(evalKeys, in -> VeilIO.readEvaluationKeys(in, ctx));
      for (int r : rotations) {
        if (!evk.hasGaloisKey(Evaluator.galoisElement(params, r))) {
          throw Store.bad(evalKeys + ": no Galois key for the rotation by " + r + " that training"
              + " on " + n + " rows x " + d + " features needs");
        }
      }
      if (!evk.hasRelinearizationKey()) {
        throw Store.bad(evalKeys + ": no relinearisation key");
      }
      List<String> names = tables(kind, classes);
      Ciphertext[][] tables = new Ciphertext[names.size()][];
      for (int k = 0; k < tables.length; k++) {
        tables[k] = readTable(dataDir, names.get(k), layout.ciphertexts(), ctx);
      }
      Encoder encoder = new Encoder(ctx);
      Evaluator ev = new Evaluator(ctx, evk);
      List<Ciphertext> weights = new ArrayList<>();
      List<dev.veil.ml.train.TrainingReport> reports = new ArrayList<>();
      int levelsPerIteration;
      if (kind == ModelKind.LINEAR) {
        EncryptedLinearRegression trainer = new EncryptedLinearRegression(ev, encoder, n, d, it,
            LearningRate.constant(alpha), 0);
        EncryptedLogisticRegression.Result r;
        // no per-iteration callback: an indefinite bar that shows the time
        try (ProgressBar bar = Bars.start(err, "train", -1)) {
          r = trainer.train(tables[0], tables[1]);
          bar.maxHint(1);
          bar.stepTo(1);
        }
        weights.add(r.weights());
        reports.add(r.report());
        levelsPerIteration = EncryptedLinearRegression.LEVELS_PER_ITERATION;
      } else {
        // one binary training per table: what EncryptedOneVsRest.train does, with progress
        EncryptedLogisticRegression trainer = new EncryptedLogisticRegression(ev, encoder, plan);
        try (ProgressBar bar = Bars.start(err, "train", (long) tables.length * it)) {
          for (int k = 0; k < tables.length; k++) {
            long done = (long) k * it;
            EncryptedLogisticRegression.Result r =
                trainer.train(tables[k], null, (i, total) -> bar.stepTo(done + i));
            weights.add(r.weights());
            reports.add(r.report());
          }
        }
        levelsPerIteration = plan.levelsPerIteration();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      dev.veil.ml.train.TrainingReport first = reports.get(0);
      double[] millis = reports.stream().flatMapToDouble(rep ->
          Arrays.stream(rep.iterationMillis())).toArray();
      TrainingInfo report = new TrainingInfo(it, kind == ModelKind.LINEAR ? 0 : deg,
          levelsPerIteration, first.inputLevel(), first.outputLevel(), millis, seconds,
          kind == ModelKind.LINEAR ? alpha : null);
      EncryptedModelInfo info = new EncryptedModelInfo(EncryptedModelInfo.FORMAT, kind.id(),
          d, data.featureNames(), data.label(), data.scaler(), report, data.paramsDigest(),
          data.keyId());
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        for (int k = 0; k < weights.size(); k++) {
          Ciphertext w = weights.get(k);
          String file = kind == ModelKind.OVR ? classWeightsFile(k) : WEIGHTS;
          VeilIO.writeAtomically(tmp.resolve(file), o -> VeilIO.write(o, w));
        }
        Store.writeJson(tmp.resolve(META), info);
      });
      return new TrainResult(info, plan);
    }
  }

  static int classCount(Label label, Path dir) {
    if (label == null || label.classes() == null || label.classes().size() < 2) {
      throw Store.bad(dir.resolve(META) + ": a one-vs-rest data set needs the label's class"
          + " names (at least 2)");
    }
    return label.classes().size();
  }

  /** Reads the ciphertexts of one table of a data set, checking that they are at the top level. */
  private static Ciphertext[] readTable(Path dataDir, String table, int count, HeContext ctx)
      throws IOException {
    Parameters params = ctx.parameters();
    Ciphertext[] z = new Ciphertext[count];
    for (int c = 0; c < count; c++) {
      Path file = dataDir.resolve(tableFile(table, c));
      z[c] = Store.readVeil(file, in -> VeilIO.readCiphertext(in, ctx));
      if (z[c].level() != params.maxLevel()) {
        throw Store.bad(file + ": at level " + z[c].level() + ", expected the top level "
            + params.maxLevel());
      }
    }
    return z;
  }

  /**
   * A plan.json next to the evaluation keys names their model kind and key pair: refuses keys
   * made for another kind, or for another key pair of the same parameters, before any work.
   */
  static void checkEvaluationKeysMatch(Path evalKeys, ModelKind kind, String paramsDigest,
      String keyId, Path encrypted) throws IOException {
    Path keysPlan = evalKeys.toAbsolutePath().resolveSibling(PLAN);
    if (!Files.isRegularFile(keysPlan)) {
      return;
    }
    KeysInfo k = Store.readJson(keysPlan, KeysInfo.class);
    if (k.model() != null && !k.model().equals(kind.id())) {
      throw Store.bad(evalKeys + ": evaluation keys made for " + ModelKind.of(k.model(), keysPlan)
          .description() + " ('" + k.model() + "'), but " + encrypted + " was encrypted for "
          + kind.description() + " ('" + kind.id() + "')");
    }
    if (k.keyId() != null && !k.keyId().equals(keyId) && paramsDigest.equals(k.paramsDigest())) {
      throw Store.bad(evalKeys + ": evaluation keys made for another key pair (key id "
          + k.keyId() + ") than the one " + encrypted + " was encrypted under (" + keyId + ")");
    }
  }

  // ================================================================== decrypt

  /**
   * Decrypts the encrypted model with the secret key and writes the plain model file. The
   * decryption is exact (not flooded): the key holder decrypts for themselves. A linear model's
   * weights are mapped back to the label's units.
   */
  static ModelFile decrypt(Path keysDir, Path modelDir, Path out) throws IOException {
    KeysInfo keys = readKeysInfo(keysDir);
    Store.requireDir(modelDir, "an encrypted model from veil train");
    Path metaFile = modelDir.resolve(META);
    EncryptedModelInfo mi = Store.readJson(metaFile, EncryptedModelInfo.class);
    Store.requireFormat(metaFile, mi.format(), EncryptedModelInfo.FORMAT);
    ModelKind kind = ModelKind.of(mi.model(), metaFile);
    Store.validate(metaFile, mi::validate);
    Path target = Store.outputFile(out);
    ModelKind keysKind = kindOf(keys, keysDir);
    if (keysKind != kind) {
      throw Store.bad(modelDir + " is a " + kind.description() + " model ('" + kind.id() + "'),"
          + " the keys in " + keysDir + " were made for " + keysKind.description() + " ('"
          + keysKind.id() + "'): wrong key directory?");
    }
    if (!keys.paramsDigest().equals(mi.paramsDigest())) {
      throw Store.bad(modelDir + " was made for other parameters than the keys in " + keysDir
          + " (" + mi.paramsDigest().substring(0, 8) + " vs " + keys.paramsDigest().substring(0, 8)
          + "): wrong key directory?");
    }
    if (mi.keyId() != null && !mi.keyId().equals(keys.keyId())) {
      throw Store.bad(modelDir + " was encrypted for another key pair (key id " + mi.keyId()
          + ") than the one in " + keysDir + " (" + keys.keyId() + "): wrong key directory?");
    }
    int classes = kind == ModelKind.OVR ? classCount(mi.label(), modelDir) : 1;
    Parameters params = readParams(keysDir.resolve(PARAMS), keys.paramsDigest());
    double[][] w = new double[classes][];
    try (HeContext ctx = new HeContext(params, threads())) {
      SecretKey sk = Store.readVeil(keysDir.resolve(SECRET_KEY),
          in -> VeilIO.readSecretKey(in, ctx));
      Encoder encoder = new Encoder(ctx);
      Decryptor decryptor = new Decryptor(ctx, sk);
      for (int c = 0; c < classes; c++) {
        String file = kind == ModelKind.OVR ? classWeightsFile(c) : WEIGHTS;
        Ciphertext ct = Store.readVeil(modelDir.resolve(file),
            in -> VeilIO.readCiphertext(in, ctx));
        w[c] = EncryptedLogisticRegression.decryptWeights(ct, encoder, decryptor, mi.features());
        for (double v : w[c]) {
          if (!Double.isFinite(v) || Math.abs(v) > 1e6) {
            throw Store.bad(modelDir + ": decrypts to garbage (weight " + v + "): not encrypted"
                + " under the key in " + keysDir + "?");
          }
        }
      }
    }
    ModelFile model = switch (kind) {
      case LOGISTIC -> new ModelFile(ModelFile.FORMAT, kind.id(), mi.featureNames(), mi.label(),
          mi.scaler(), w[0], null, mi.training());
      case LINEAR -> {
        Label l = mi.label();
        if (l == null || l.offset() == null || l.scale() == null) {
          throw Store.bad(metaFile + ": a linear model needs the label's offset and scale");
        }
        double[] v = new double[w[0].length];
        for (int j = 0; j < v.length; j++) {
          v[j] = l.scale() * w[0][j];
        }
        v[0] += l.offset();
        yield new ModelFile(ModelFile.FORMAT, kind.id(), mi.featureNames(), l, mi.scaler(), v,
            null, mi.training());
      }
      case OVR -> new ModelFile(ModelFile.FORMAT, kind.id(), mi.featureNames(), mi.label(),
          mi.scaler(), null, w, mi.training());
      case INFERENCE -> throw new IllegalStateException();
    };
    Store.writeJson(target, model);
    return model;
  }

  /** Reads and checks a decrypted model file of any kind. */
  static ModelFile readModel(Path file) throws IOException {
    ModelFile m = Store.readJson(file, ModelFile.class);
    if (SchemaFile.FORMAT.equals(m.format())) {
      throw Store.bad(file + " is a model's input schema (veil schema): it has no weights;"
          + " give the model file");
    }
    Store.requireFormat(file, m.format(), ModelFile.FORMAT);
    ModelKind kind = ModelKind.of(m.model(), file);
    if (kind == ModelKind.INFERENCE || m.featureNames() == null) {
      throw Store.bad(file + ": needs a model kind (logistic, linear, ovr) and featureNames");
    }
    int d = m.featureNames().size();
    if (kind == ModelKind.OVR) {
      double[][] cw = m.classWeights();
      List<String> classes = m.label() == null ? null : m.label().classes();
      if (cw == null || cw.length < 2 || classes == null || classes.size() != cw.length) {
        throw Store.bad(file + ": a one-vs-rest model needs classWeights, one weight vector per"
            + " class, and as many class names in label.classes");
      }
      for (double[] w : cw) {
        if (w == null || w.length != d + 1) {
          throw Store.bad(file + ": needs one weight per feature plus the intercept in every"
              + " class's weights");
        }
        finite(w, file);
      }
    } else {
      if (m.weights() == null || m.weights().length != d + 1) {
        throw Store.bad(file + ": needs " + "one weight per feature plus the intercept");
      }
      finite(m.weights(), file);
      if (kind == ModelKind.LINEAR && (m.label() == null || m.label().offset() == null
          || m.label().scale() == null || !(m.label().scale() > 0))) {
        throw Store.bad(file + ": a linear model needs label.offset and label.scale (> 0)");
      }
    }
    checkScaler(m.scaler(), d, file);
    Store.validate(file, m::validate);
    return m;
  }

  private static void finite(double[] w, Path file) {
    for (double v : w) {
      if (!Double.isFinite(v)) {
        throw Store.bad(file + ": weight " + v + " is not finite");
      }
    }
  }

  /** The scaler's transform; bad input naming the file unless it has one entry per feature. */
  static FeatureTransform checkScaler(Scaling scaler, int features, Path file) {
    FeatureTransform t;
    try {
      t = scaler == null ? null : scaler.transform();
    } catch (IllegalArgumentException e) {
      throw Store.bad(file + ": " + e.getMessage());
    }
    if (t == null || t.dimension() != features) {
      throw Store.bad(file + ": needs a scaler with one entry per feature");
    }
    return t;
  }

  // ================================================================== predict, evaluate (logistic)

  /** Rows of a CSV scored by a plain logistic model. */
  record Scored(double[] probabilities, double[] labels, Table table) {}

  /**
   * Reads the logistic model's feature columns (and its label column when {@code withLabels})
   * from a CSV and computes the probabilities.
   */
  static Scored score(ModelFile m, Path csv, boolean withLabels) throws IOException {
    Table t = Scoring.read(m, csv, withLabels);
    double[] labels = null;
    if (withLabels) {
      if (!t.isBinary()) {
        throw Store.bad(csv.getFileName() + ": label column '" + m.label().name()
            + "' holds values other than 0 and 1");
      }
      labels = binaryLabels(t);
    }
    FeatureTransform scaler = m.scaler().transform();
    LogisticModel model = new LogisticModel(m.weights());
    double[][] x = scaler.transform(t.features());
    double[] p = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      p[i] = model.probability(x[i]);
    }
    return new Scored(p, labels, t);
  }

  /** Accuracy (threshold 1/2), AUC (NaN when one class is absent) and the confusion matrix. */
  record Evaluation(int rows, double accuracy, double auc, ConfusionMatrix confusion) {
    static Evaluation of(double[] labels, double[] probabilities) {
      double auc;
      try {
        auc = Metrics.auc(labels, probabilities);
      } catch (IllegalArgumentException e) {
        auc = Double.NaN;
      }
      return new Evaluation(labels.length, Metrics.accuracy(labels, probabilities, 0.5), auc,
          ConfusionMatrix.binary(labels, probabilities, 0.5));
    }

    String format(List<String> classNames) {
      return String.format(Locale.ROOT, "rows      %d%naccuracy  %.4f%nAUC       %s%n%n%s", rows,
          accuracy, Double.isNaN(auc) ? "n/a (one class only)" : String.format(Locale.ROOT,
              "%.4f", auc), confusion.format(classNames));
    }
  }

  static List<String> classNames(Label label) {
    return label == null || label.classes() == null ? List.of("0", "1") : label.classes();
  }
}
