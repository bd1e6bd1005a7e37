package dev.veil.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import dev.veil.cli.Meta.DataInfo;
import dev.veil.cli.Meta.EncryptedModelInfo;
import dev.veil.cli.Meta.KeysInfo;
import dev.veil.cli.Meta.LabelInfo;
import dev.veil.cli.Meta.ModelFile;
import dev.veil.cli.Meta.ScalerInfo;
import dev.veil.cli.Meta.TrainingInfo;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
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
import dev.veil.ml.data.Metrics;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Table;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.LogisticTraining;
import dev.veil.ml.train.Planner;
import dev.veil.ml.train.TrainingPlan;
import me.tongfei.progressbar.ProgressBar;

/**
 * The steps of the file-based workflow, shared by the commands and by {@code veil demo}:
 * keygen, encrypt, train, decrypt, predict/evaluate. Each step reads and writes the files described
 * in the README ("Encrypted training from the command line"); every output is written to a
 * temporary file or directory first and moved into place only when complete.
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

  static final String LOGISTIC = "logistic";

  static String tableFile(int c) {
    return String.format(Locale.ROOT, "z-%05d.ct", c);
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

  // ================================================================== keygen

  /**
   * Plans the run (always 128-bit-secure parameters from the planner and exactly the rotations training needs) and writes
   * the key directory.
   */
  static KeysInfo keygen(Path out, int rows, int features, int iterations, int degree,
      PrintStream err) throws IOException {
    Path dir = Store.outputDir(out, null);
    TrainingPlan plan = planner(rows, features, iterations, degree).plan();
    Parameters params = plan.params();
    try (HeContext ctx = new HeContext(params, threads())) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      SwitchingKey relin = kg.relinearizationKey(sk);
      long[] elements = Evaluator.galoisElements(params, plan.rotations());
      List<SwitchingKey> galois = new ArrayList<>();
      try (ProgressBar bar = Bars.start(err, "galois keys", elements.length)) {
        for (long e : elements) {
          galois.add(kg.galoisKey(sk, e));
          bar.step();
        }
      }
      EvaluationKeys evk = new EvaluationKeys(params, relin, galois);
      KeysInfo[] info = new KeysInfo[1];
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        VeilIO.writeAtomically(tmp.resolve(SECRET_KEY),
            o -> VeilIO.writeSecretKey(o, sk, SecretKeyAccess.INSECURE));
        VeilIO.writeAtomically(tmp.resolve(PUBLIC_KEY), o -> VeilIO.write(o, pk));
        VeilIO.writeAtomically(tmp.resolve(EVALUATION_KEYS), o -> VeilIO.write(o, evk));
        info[0] = new KeysInfo(Meta.KEYS_FORMAT, LOGISTIC, rows, features, iterations, degree,
            params.logN(), params.maxLevel(), (int) Math.round(Math.log(params.defaultScale())
                / Math.log(2)), params.digestHex(), Store.fileId(tmp.resolve(PUBLIC_KEY)),
            plan.rotations());
        Store.writeJson(tmp.resolve(PLAN), info[0]);
      });
      return info[0];
    }
  }

  static KeysInfo readKeysInfo(Path keysDir) throws IOException {
    Store.requireDir(keysDir, "a key directory from veil keygen");
    Path file = keysDir.resolve(PLAN);
    KeysInfo info = Store.readJson(file, KeysInfo.class);
    Store.requireFormat(file, info.format(), Meta.KEYS_FORMAT);
    return info;
  }

  static Parameters readParams(Path file, String expectedDigest) throws IOException {
    Parameters p = Store.readVeil(file, VeilIO::readParameters);
    if (expectedDigest != null && !expectedDigest.equals(p.digestHex())) {
      throw Store.bad(file + ": parameters " + p.shortId() + " differ from the ones its metadata"
          + " names (" + expectedDigest.substring(0, 8) + ")");
    }
    return p;
  }

  // ================================================================== encrypt

  /** Reads a binary-labelled training table. */
  static Table readTable(Path csv, String label, List<String> features) throws IOException {
    Store.requireFile(csv);
    Table t;
    try {
      t = CsvReader.defaults().withLabel(label).withFeatures(features).read(csv);
    } catch (DataFormatException e) {
      throw Store.bad(e);
    }
    if (!t.isBinary()) {
      throw Store.bad(csv.getFileName() + ": label column '" + t.labelName() + "' is not binary:"
          + " logistic regression needs labels 0/1 or exactly two class names, found "
          + (t.isCategorical() ? t.classNames().size() + " classes " + t.classNames()
              : "values " + Arrays.toString(Arrays.stream(t.distinctLabels()).limit(5).toArray())));
    }
    return t;
  }

  /** 0/1 labels of a binary table (class 1 of a categorical table is positive). */
  static double[] binaryLabels(Table t) {
    if (!t.isCategorical()) {
      return t.labels();
    }
    return Arrays.stream(t.classIndices()).asDoubleStream().toArray();
  }

  /**
   * Reads the CSV, fits the scaler on it (the owner's side), encrypts {@code z_i = y_i (1, x_i)}
   * with the public key and writes the encrypted data set directory.
   */
  static DataInfo encrypt(Path keysDir, Path csv, String label, List<String> features,
      Scaler.Kind scaling, Path out, PrintStream err) throws IOException {
    KeysInfo keys = readKeysInfo(keysDir);
    Path dir = Store.outputDir(out, META);
    Table t = readTable(csv, label, features);
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
    TrainingPlan plan = planner(n, d, keys.iterations(), keys.degree()).withParameters(params)
        .plan();
    Set<Integer> have = Arrays.stream(keys.rotations()).boxed().collect(Collectors.toSet());
    for (int r : plan.rotations()) {
      if (!have.contains(r)) {
        throw Store.bad("the evaluation keys in " + keysDir + " lack the rotation by " + r
            + " that training on " + n + " rows x " + d + " features needs; run veil keygen"
            + " with --rows " + n + " --features " + d);
      }
    }
    Scaler scaler = Scaler.fit(scaling, t.features());
    double[][] x = scaler.transform(t.features());
    double[] y = binaryLabels(t);
    double[][] z = EncryptedLogisticRegression.design(x, y);
    String keyId = Store.fileId(keysDir.resolve(PUBLIC_KEY));
    if (!keyId.equals(keys.keyId())) {
      throw Store.bad(keysDir.resolve(PUBLIC_KEY) + " is not the public key " + PLAN
          + " names (key id " + keys.keyId() + ")");
    }
    DataInfo info;
    try (HeContext ctx = new HeContext(params, threads())) {
      PublicKey pk = Store.readVeil(keysDir.resolve(PUBLIC_KEY),
          in -> VeilIO.readPublicKey(in, ctx));
      Encoder encoder = new Encoder(ctx);
      Encryptor enc = Encryptor.withPublicKey(ctx, pk);
      TablePacker packer = new TablePacker(encoder, plan.layout());
      Plaintext[] pts = packer.encode(z, params.maxLevel(), params.defaultScale());
      info = new DataInfo(Meta.DATA_FORMAT, LOGISTIC, n, d, t.featureNames(),
          new LabelInfo(t.labelName(), t.isCategorical() ? t.classNames() : null),
          ScalerInfo.of(scaler), keys.iterations(), keys.degree(), params.slots(), pts.length,
          params.digestHex(), keyId);
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        try (ProgressBar bar = Bars.start(err, "encrypt", pts.length)) {
          for (int c = 0; c < pts.length; c++) {
            Ciphertext ct = enc.encrypt(pts[c]);
            VeilIO.writeAtomically(tmp.resolve(tableFile(c)), o -> VeilIO.write(o, ct));
            bar.step();
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
    Store.requireFormat(file, info.format(), Meta.DATA_FORMAT);
    return info;
  }

  // ================================================================== train

  /** The trained, still encrypted model. */
  record TrainResult(EncryptedModelInfo info, TrainingPlan plan) {}

  /**
   * Trains on the encrypted data set with the evaluation keys only (no secret key is read or
   * needed) and writes the encrypted model directory.
   *
   * @param iterations null: the ones the keys were planned for
   * @param degree null: the one the keys were planned for
   */
  static TrainResult train(Path dataDir, Path evalKeys, Integer iterations, Integer degree,
      Path out, PrintStream err) throws IOException {
    DataInfo data = readDataInfo(dataDir);
    Path dir = Store.outputDir(out, META);
    Store.requireFile(evalKeys);
    Parameters params = readParams(dataDir.resolve(PARAMS), data.paramsDigest());
    int it = iterations == null ? data.iterations() : iterations;
    int deg = degree == null ? data.degree() : degree;
    TrainingPlan plan = planner(data.rows(), data.features(), it, deg).withParameters(params)
        .plan();
    if (plan.layout().ciphertexts() != data.ciphertexts()) {
      throw Store.bad(dataDir + ": " + data.ciphertexts() + " ciphertexts, the layout of "
          + data.rows() + " rows x " + data.features() + " features has "
          + plan.layout().ciphertexts());
    }
    // A plan.json next to the evaluation keys names their key pair: refuse another one early.
    Path keysPlan = evalKeys.toAbsolutePath().resolveSibling(PLAN);
    if (Files.isRegularFile(keysPlan)) {
      KeysInfo k = Store.readJson(keysPlan, KeysInfo.class);
      if (k.keyId() != null && !k.keyId().equals(data.keyId())
          && k.paramsDigest().equals(data.paramsDigest())) {
        throw Store.bad(evalKeys + ": evaluation keys made for another key pair (key id "
            + k.keyId() + ") than the one " + dataDir + " was encrypted under (" + data.keyId()
            + ")");
      }
    }
    long start = System.nanoTime();
    try (HeContext ctx = new HeContext(params, threads())) {
      EvaluationKeys evk = Store.readVeil(evalKeys, in -> VeilIO.readEvaluationKeys(in, ctx));
      try {
        LogisticTraining.requireKeys(plan, evk);
      } catch (IllegalArgumentException e) {
        throw Store.bad(evalKeys + ": " + e.getMessage());
      }
      Ciphertext[] z = new Ciphertext[data.ciphertexts()];
      for (int c = 0; c < z.length; c++) {
        z[c] = Store.readVeil(dataDir.resolve(tableFile(c)), in -> VeilIO.readCiphertext(in, ctx));
        if (z[c].level() != params.maxLevel()) {
          throw Store.bad(dataDir.resolve(tableFile(c)) + ": at level " + z[c].level()
              + ", expected the top level " + params.maxLevel());
        }
      }
      EncryptedLogisticRegression.Result r;
      try (ProgressBar bar = Bars.start(err, "train", plan.iterations())) {
        r = LogisticTraining.train(ctx, evk, plan, z, (i, k) -> bar.stepTo(i));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      TrainingInfo report = new TrainingInfo(it, deg, plan.levelsPerIteration(),
          r.report().inputLevel(), r.report().outputLevel(), r.report().iterationMillis(),
          seconds);
      EncryptedModelInfo info = new EncryptedModelInfo(Meta.ENCRYPTED_MODEL_FORMAT, LOGISTIC,
          data.features(), data.featureNames(), data.label(), data.scaler(), report,
          data.paramsDigest(), data.keyId());
      Ciphertext weights = r.weights();
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        VeilIO.writeAtomically(tmp.resolve(WEIGHTS), o -> VeilIO.write(o, weights));
        Store.writeJson(tmp.resolve(META), info);
      });
      return new TrainResult(info, plan);
    }
  }

  // ================================================================== decrypt

  /**
   * Decrypts the encrypted model with the secret key and writes the plain model file. The
   * decryption is exact (not flooded): the key holder decrypts for themselves.
   */
  static ModelFile decrypt(Path keysDir, Path modelDir, Path out) throws IOException {
    KeysInfo keys = readKeysInfo(keysDir);
    Store.requireDir(modelDir, "an encrypted model from veil train");
    Path metaFile = modelDir.resolve(META);
    EncryptedModelInfo mi = Store.readJson(metaFile, EncryptedModelInfo.class);
    Store.requireFormat(metaFile, mi.format(), Meta.ENCRYPTED_MODEL_FORMAT);
    Path target = Store.outputFile(out);
    if (!keys.paramsDigest().equals(mi.paramsDigest())) {
      throw Store.bad(modelDir + " was made for other parameters than the keys in " + keysDir
          + " (" + mi.paramsDigest().substring(0, 8) + " vs " + keys.paramsDigest().substring(0, 8)
          + "): wrong key directory?");
    }
    if (mi.keyId() != null && !mi.keyId().equals(keys.keyId())) {
      throw Store.bad(modelDir + " was encrypted for another key pair (key id " + mi.keyId()
          + ") than the one in " + keysDir + " (" + keys.keyId() + "): wrong key directory?");
    }
    Parameters params = readParams(keysDir.resolve(PARAMS), keys.paramsDigest());
    double[] w;
    try (HeContext ctx = new HeContext(params, threads())) {
      SecretKey sk = Store.readVeil(keysDir.resolve(SECRET_KEY),
          in -> VeilIO.readSecretKey(in, ctx));
      Ciphertext ct = Store.readVeil(modelDir.resolve(WEIGHTS),
          in -> VeilIO.readCiphertext(in, ctx));
      w = EncryptedLogisticRegression.decryptWeights(ct, new Encoder(ctx), new Decryptor(ctx, sk),
          mi.features());
    }
    for (double v : w) {
      if (!Double.isFinite(v) || Math.abs(v) > 1e6) {
        throw Store.bad(modelDir + ": decrypts to garbage (weight " + v + "): not encrypted"
            + " under the key in " + keysDir + "?");
      }
    }
    ModelFile model = new ModelFile(Meta.MODEL_FORMAT, LOGISTIC, mi.featureNames(), mi.label(),
        mi.scaler(), w, mi.training());
    Store.writeJson(target, model);
    return model;
  }

  static ModelFile readModel(Path file) throws IOException {
    ModelFile m = Store.readJson(file, ModelFile.class);
    Store.requireFormat(file, m.format(), Meta.MODEL_FORMAT);
    if (m.weights() == null || m.featureNames() == null
        || m.weights().length != m.featureNames().size() + 1) {
      throw Store.bad(file + ": needs " + "one weight per feature plus the intercept");
    }
    return m;
  }

  // ================================================================== predict, evaluate

  /** Rows of a CSV scored by a plain model. */
  record Scored(double[] probabilities, double[] labels, Table table) {}

  /**
   * Reads the model's feature columns (and its label column when {@code withLabels}) from a CSV
   * and computes the probabilities.
   */
  static Scored score(ModelFile m, Path csv, boolean withLabels) throws IOException {
    Store.requireFile(csv);
    CsvReader reader = CsvReader.defaults().withFeatures(m.featureNames());
    Table t;
    try {
      if (withLabels) {
        reader = reader.withLabel(m.label().name());
        if (m.label().classes() != null) {
          reader = reader.withClasses(m.label().classes());
        } else {
          reader = reader.withLabelType(CsvReader.LabelType.NUMERIC);
        }
        t = reader.read(csv);
      } else {
        t = Unlabelled.read(reader, csv, m.label().name());
      }
    } catch (DataFormatException e) {
      throw Store.bad(e);
    }
    double[] labels = null;
    if (withLabels) {
      if (!t.isBinary()) {
        throw Store.bad(csv.getFileName() + ": label column '" + m.label().name()
            + "' holds values other than 0 and 1");
      }
      labels = binaryLabels(t);
    }
    Scaler scaler = m.scaler().scaler();
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

  static List<String> classNames(LabelInfo label) {
    return label == null || label.classes() == null ? List.of("0", "1") : label.classes();
  }
}
