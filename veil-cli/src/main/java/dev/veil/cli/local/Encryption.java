package dev.veil.cli.local;

import static dev.veil.cli.local.Workflow.META;
import static dev.veil.cli.local.Workflow.PARAMS;
import static dev.veil.cli.local.Workflow.PUBLIC_KEY;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.veil.api.DataInfo;
import dev.veil.api.KeysInfo;
import dev.veil.api.Label;
import dev.veil.api.RowsInfo;
import dev.veil.api.Scaling;
import dev.veil.api.TrainingSchedule;
import dev.veil.cli.output.Bars;
import dev.veil.cli.output.Progress;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.DataFormatException;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Table;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.train.EncryptedLinearRegression;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.EncryptedOneVsRest;
import dev.veil.ml.train.TrainingPlan;

/**
 * {@code veil encrypt}'s training step: reading the owner's CSV (binary, k-class or numeric
 * labels), fitting the scaler, forming the tables the model kind trains on and encrypting them
 * with the public key into an encrypted data set directory; and reading that directory's
 * metadata back.
 */
public final class Encryption {
  private Encryption() {}

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
      dev.veil.ml.data.Scaling scaling, Path out, Bars bars) throws IOException {
    KeysInfo keys = Keys.readKeysInfo(keysDir);
    ModelKind kind = Keys.kindOf(keys, keysDir);
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
    Parameters params = Workflow.readParams(keysDir.resolve(PARAMS), keys.paramsDigest());
    Layout layout;
    int[] rotations;
    if (kind == ModelKind.LINEAR) {
      layout = EncryptedLinearRegression.layout(params, n, d);
      rotations = EncryptedLinearRegression.rotationsNeeded(params, n, d);
    } else {
      TrainingPlan plan = Workflow.planner(n, d, keys.iterations(), keys.degree())
          .withParameters(params).plan();
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
    Scaling scalerInfo = Scaling.of(scaler);
    TrainingSchedule schedule = null;
    switch (kind) {
      case LOGISTIC -> {
        labelInfo = new Label(t.labelName(), t.isCategorical() ? t.classNames() : null);
        // the owner prepares the rows and certifies the run in clear (CertifiedNesterov): the
        // encrypted table holds the standardised rows, the metadata the schedule and the map
        double[] y = Workflow.binaryLabels(t);
        CertifiedNesterov.Prepared prep;
        try {
          prep = CertifiedNesterov.prepare(x, y, keys.degree(), keys.iterations());
        } catch (IllegalStateException e) {
          throw Store.bad(csv.getFileName() + ": " + e.getMessage());
        }
        tables = new double[][][] {EncryptedLogisticRegression.design(prep.rows(), y)};
        scalerInfo = scalerInfo.withStandardisation(prep.matrix(), prep.offset());
        schedule = new TrainingSchedule(prep.sigmoid().name(), prep.sigmoid().coefficients(),
            prep.bound(), prep.width(), prep.step(), CertifiedNesterov.LAMBDA0,
            prep.maxInnerProduct(), prep.inputBound());
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
    List<String> names = Workflow.tables(kind, tables.length);
    String keyId = Keys.checkPublicKey(keysDir, keys);
    DataInfo info = new DataInfo(DataInfo.FORMAT, kind.id(), n, d, t.featureNames(), labelInfo,
        scalerInfo, keys.iterations(), keys.degree(), params.slots(),
        layout.ciphertexts(), params.digestHex(), keyId, names, schedule);
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      PublicKey pk = Store.readVeil(keysDir.resolve(PUBLIC_KEY),
          in -> VeilIO.readPublicKey(in, ctx));
      Encoder encoder = new Encoder(ctx);
      Encryptor enc = Encryptor.withPublicKey(ctx, pk);
      TablePacker packer = new TablePacker(encoder, layout);
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        try (Progress bar = bars.start("encrypt",
            (long) tables.length * layout.ciphertexts())) {
          for (int k = 0; k < tables.length; k++) {
            Plaintext[] pts = packer.encode(tables[k], params.maxLevel(), params.defaultScale());
            for (int c = 0; c < pts.length; c++) {
              Ciphertext ct = enc.encrypt(pts[c]);
              VeilIO.writeAtomically(tmp.resolve(Workflow.tableFile(names.get(k), c)),
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
}
