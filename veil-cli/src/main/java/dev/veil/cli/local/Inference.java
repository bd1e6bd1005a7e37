package dev.veil.cli.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import dev.veil.api.DataInfo;
import dev.veil.api.KeysInfo;
import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.api.PredictionsInfo;
import dev.veil.api.RowsInfo;
import dev.veil.api.SanitizerInfo;
import dev.veil.api.Scaling;
import dev.veil.api.SchemaFile;
import dev.veil.cli.output.Bars;
import dev.veil.cli.output.Progress;
import dev.veil.client.VeilFiles;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.data.CsvReader;
import dev.veil.ml.data.DataFormatException;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Table;
import dev.veil.ml.infer.EncryptedResult;
import dev.veil.ml.infer.FeatureMajorInference;
import dev.veil.ml.infer.OutputSanitizer;
import dev.veil.ml.infer.ScoringNoise;
import dev.veil.ml.infer.ResultDescriptor;
import dev.veil.ml.infer.ResultReader;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.poly.SigmoidApproximation;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Encrypted inference from files: encrypted rows x a plaintext model, where the row owner keeps
 * the secret key and the model holder keeps the weights.
 *
 * <ol>
 *   <li>Row owner: {@code veil keygen --model inference} ({@link #keyPlan}: the levels of
 *       {@link FeatureMajorInference} plus one for the sanitiser's mask, no rotation).
 *   <li>Model holder: {@code veil schema} ({@link #schema}): the model's feature names, scaler
 *       and label, without the weights.
 *   <li>Row owner: {@code veil encrypt --schema} ({@link #encryptRows}): scales the rows with the
 *       schema's scaler and encrypts them feature-major (batch b, feature j: one ciphertext
 *       holding feature j of N/2 rows).
 *   <li>Model holder: {@code veil predict --data} ({@link #predict}): scores or probabilities of
 *       every row with {@link FeatureMajorInference} (evaluation keys only), each result
 *       sanitised by {@link OutputSanitizer} (non-result slots cleared, level 0, re-randomised
 *       under the row owner's public key, flooded) so that it reveals the outputs and nothing
 *       else of the weights.
 *   <li>Row owner: {@code veil decrypt --predictions} ({@link #decryptPredictions}): the
 *       predictions CSV, in the columns of {@code veil predict --csv}.
 * </ol>
 *
 * <h2>Precision</h2>
 *
 * Flooding costs precision: a sanitised value keeps about {@code log2(scale) - log2(sigma) -
 * log2(N)/2} bits with {@code log2(sigma) = log2(12 D)/2 + s/2 + log2(B)} ({@link
 * OutputSanitizer}, {@code FloodingPolicy}); s = {@value #FLOODING_SECURITY_BITS}, B the bound
 * {@link ScoringNoise} traces for the circuit run (scores or probabilities, the model's weights,
 * fresh rows at the top level) and D the result budget.
 *
 * <h2>The result budget is per run</h2>
 *
 * {@code --result-budget D} sizes the flooding for D result ciphertexts and refuses a run that
 * returns more. It is the model holder's sanitiser budget toward one row owner, not a decryption
 * with the model holder's key (the row owner decrypts with their own), and nothing counts it
 * across runs: the guarantee holds only if the model holder returns at most D results to that
 * row owner in all. The server's per-buyer budget counts them; this command does not.
 *
 * <p>The result must also fit the first prime, 2^{@value #FIRST_PRIME_BITS}, where it is
 * returned. Probabilities (in [0, 1]) are therefore computed at scale 2^{@value
 * #PROBABILITY_SCALE_BITS} (values up to 4 in magnitude fit), scores at 2^{@value
 * #SCORE_SCALE_BITS} (up to 32); the predictions' metadata reports the precision left.
 */
public final class Inference {
  private Inference() {}

  /** What the model holder computes for every row. */
  public enum Output {
    /** The polynomial sigmoid (Kim et al.'s, on [-8, 8]) of the score: classifiers only. */
    PROBABILITIES("probabilities", ResultDescriptor.Output.PROBABILITIES),
    /** The linear score: logistic and one-vs-rest log-odds, linear regression predictions. */
    SCORES("scores", ResultDescriptor.Output.SCORES);

    private final String id;
    private final ResultDescriptor.Output result;

    Output(String id, ResultDescriptor.Output result) {
      this.id = id;
      this.result = result;
    }

    String id() {
      return id;
    }

    /** The output named in a metadata file; bad input naming the file for another name. */
    public static Output of(String id, Object file) {
      for (Output o : values()) {
        if (o.id.equals(id)) {
          return o;
        }
      }
      throw Store.bad(file + ": unknown inference output '" + id + "' (expected probabilities"
          + " or scores)");
    }

    /** picocli converter, case-insensitive. */
    static final class Converter implements ITypeConverter<Output> {
      @Override
      public Output convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        for (Output o : values()) {
          if (o.id.equals(v)) {
            return o;
          }
        }
        throw new TypeConversionException("unknown output '" + value + "': choose probabilities"
            + " or scores");
      }
    }
  }

  static final int FIRST_PRIME_BITS = 61;
  static final int PROBABILITY_SCALE_BITS = 58;
  static final int SCORE_SCALE_BITS = 55;
  static final int FLOODING_SECURITY_BITS = 40;
  /** The sanitiser refuses results that would keep fewer bits than this. */
  static final double MIN_PRECISION_BITS = 8;
  static final long DEFAULT_RESULT_BUDGET = 64;

  static String rowFile(int batch, int feature) {
    return VeilFiles.rowsFile(batch, feature);
  }

  /** The file of the encrypted predictions of {@code column} in {@code batch}. */
  public static String resultFile(int column, int batch) {
    return VeilFiles.predictionsFile(column, batch);
  }

  /** Kim et al.'s polynomial sigmoid on [-8, 8], the one training uses. */
  static SigmoidApproximation sigmoid(int degree) {
    Workflow.sigmoid(degree); // 3, 5 or 7, with the usual message
    return SigmoidApproximation.kimEtAl(degree);
  }

  /** Levels the model holder uses: the inference's, plus one for the sanitiser's mask. */
  static int levels(Output output, int degree) {
    int inference = output == Output.PROBABILITIES
        ? FeatureMajorInference.levelsNeeded(sigmoid(degree))
        : FeatureMajorInference.levelsNeeded();
    return inference + 1;
  }

  /**
   * The keys for encrypted inference: 128-bit-secure parameters with the levels of {@link
   * #levels} at the output's scale, a first prime of {@value #FIRST_PRIME_BITS} bits, no
   * rotation, a relinearisation key for probabilities only.
   */
  static Keys.KeyPlan keyPlan(Output output, int degree) {
    int scale = output == Output.PROBABILITIES ? PROBABILITY_SCALE_BITS : SCORE_SCALE_BITS;
    Parameters p = ParameterSelector.select(levels(output, degree), scale, 1,
        FIRST_PRIME_BITS - scale);
    return new Keys.KeyPlan(p, new int[0], output == Output.PROBABILITIES);
  }

  // ================================================================== schema

  /** Writes the model's public input schema: the model file without its weights. */
  static SchemaFile schema(Path modelFile, Path out) throws IOException {
    ModelFile m = Models.readModel(modelFile);
    Path target = Store.outputFile(out);
    SchemaFile s = new SchemaFile(SchemaFile.FORMAT, m.model(), m.featureNames(), m.label(),
        m.scaler());
    Store.writeJson(target, s);
    return s;
  }

  /** Reads a schema, or the schema part of a model file. */
  static SchemaFile readSchema(Path file) throws IOException {
    SchemaFile s = Store.readJson(file, SchemaFile.class);
    if (ModelFile.FORMAT.equals(s.format())) {
      ModelFile m = Models.readModel(file);
      return new SchemaFile(SchemaFile.FORMAT, m.model(), m.featureNames(), m.label(),
          m.scaler());
    }
    Store.requireFormat(file, s.format(), SchemaFile.FORMAT);
    ModelKind kind = ModelKind.of(s.model(), file);
    if (kind == ModelKind.INFERENCE || s.featureNames() == null || s.featureNames().isEmpty()) {
      throw Store.bad(file + ": needs a model kind (logistic, linear, ovr) and featureNames");
    }
    Models.checkScaler(s.scaler(), s.featureNames().size(), file);
    Store.validate(file, s::validate);
    return s;
  }

  // ================================================================== encrypt rows

  /**
   * Row owner: reads the schema's feature columns from the CSV (no label), scales them with the
   * schema's scaler, encrypts them feature-major with the public key and writes the rows
   * directory (with a copy of the public key, which the sanitiser re-randomises under).
   */
  static RowsInfo encryptRows(Path keysDir, Path csv, Path schemaFile, Path out, Bars bars)
      throws IOException {
    KeysInfo keys = Keys.readKeysInfo(keysDir);
    ModelKind keysKind = Keys.kindOf(keys, keysDir);
    if (keysKind != ModelKind.INFERENCE) {
      throw Store.bad("the keys in " + keysDir + " were made for training " + keysKind
          .description() + " ('" + keysKind.id() + "'): rows for inference need keys made with"
          + " veil keygen --model inference");
    }
    Output output = Output.of(keys.output(), keysDir.resolve(Workflow.PLAN));
    SchemaFile s = readSchema(schemaFile);
    ModelKind kind = ModelKind.of(s.model(), schemaFile);
    if (kind == ModelKind.LINEAR && output == Output.PROBABILITIES) {
      throw Store.bad(schemaFile + " is a linear model's schema, whose predictions are scores;"
          + " the keys in " + keysDir + " were made for probabilities: make keys with veil keygen"
          + " --model inference --output scores");
    }
    Path dir = Store.outputDir(out, Workflow.META);
    Store.requireFile(csv);
    Table t;
    try {
      t = Unlabelled.read(CsvReader.defaults().withFeatures(s.featureNames()), csv, null);
    } catch (DataFormatException e) {
      throw Store.bad(e);
    }
    int n = t.rows();
    int d = t.columns();
    if (n == 0) {
      throw Store.bad(csv.getFileName() + ": no rows");
    }
    if (d > keys.features()) {
      throw Store.bad("too many features for the keys in " + keysDir + ": the model takes " + d
          + " features, the keys were made for at most " + keys.features() + "; run veil keygen"
          + " --model inference with --features " + d);
    }
    Parameters params = Workflow.readParams(keysDir.resolve(Workflow.PARAMS),
        keys.paramsDigest());
    String keyId = Keys.checkPublicKey(keysDir, keys);
    FeatureTransform scaler = s.scaler().transform();
    double[][] x = scaler.transform(t.features());
    int slots = params.slots();
    int batches = (n + slots - 1) / slots;
    RowsInfo info = new RowsInfo(RowsInfo.FORMAT, kind.id(), n, d, s.featureNames(), s.scaler(),
        output.id(), keys.degree(), slots, batches, params.digestHex(), keyId);
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      PublicKey pk = Store.readVeil(keysDir.resolve(Workflow.PUBLIC_KEY),
          in -> VeilIO.readPublicKey(in, ctx));
      FeatureMajorInference.Owner owner = new FeatureMajorInference.Owner(new Encoder(ctx),
          Encryptor.withPublicKey(ctx, pk), null);
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(Workflow.PARAMS), o -> VeilIO.write(o, params));
        Files.copy(keysDir.resolve(Workflow.PUBLIC_KEY), tmp.resolve(Workflow.PUBLIC_KEY));
        try (Progress bar = bars.start("encrypt", (long) batches * d)) {
          for (int b = 0; b < batches; b++) {
            double[][] rows = Arrays.copyOfRange(x, b * slots, Math.min(n, (b + 1) * slots));
            Ciphertext[] cts = owner.encrypt(rows).get(0).features();
            for (int j = 0; j < d; j++) {
              Ciphertext ct = cts[j];
              VeilIO.writeAtomically(tmp.resolve(rowFile(b, j)), o -> VeilIO.write(o, ct));
              bar.step();
            }
          }
        }
        Store.writeJson(tmp.resolve(Workflow.META), info);
      });
    }
    return info;
  }

  /** Reads and checks the metadata of rows encrypted for inference ({@code encrypt --schema}). */
  public static RowsInfo readRowsInfo(Path rowsDir) throws IOException {
    Store.requireDir(rowsDir, "rows encrypted for inference by veil encrypt --schema");
    Path file = rowsDir.resolve(Workflow.META);
    RowsInfo info = Store.readJson(file, RowsInfo.class);
    if (DataInfo.FORMAT.equals(info.format())) {
      throw Store.bad(rowsDir + " is an encrypted training data set, not rows encrypted for"
          + " inference: encrypt the rows with veil encrypt --schema");
    }
    Store.requireFormat(file, info.format(), RowsInfo.FORMAT);
    Output.of(info.output(), file);
    if (info.featureNames() == null || info.featureNames().size() != info.features()
        || info.rows() < 1 || info.slots() < 1
        || info.batches() != (info.rows() + info.slots() - 1) / info.slots()) {
      throw Store.bad(file + ": inconsistent shape (rows, features, slots, batches)");
    }
    Store.validate(file, info::validate);
    return info;
  }

  private static int rowsIn(int batch, int rows, int slots) {
    return Math.min(slots, rows - batch * slots);
  }

  // ================================================================== predict (model holder)

  /** The encrypted predictions and what they cost. */
  record PredictResult(PredictionsInfo info, double seconds) {}

  /**
   * Model holder: applies the plaintext model to the encrypted rows with the evaluation keys
   * only (no secret key), sanitises every result and writes the predictions directory.
   *
   * @param evalKeys the row owner's evaluation keys; needed for probabilities (the
   *     relinearisation key), may be null for scores
   * @param resultBudget D: the sanitised result ciphertexts the row owner may receive from this
   *     model, which the flooding is sized for; this run may return at most that many
   */
  static PredictResult predict(Path modelFile, Path rowsDir, Path evalKeys, long resultBudget,
      Path out, Bars bars) throws IOException {
    ModelFile m = Models.readModel(modelFile);
    ModelKind kind = ModelKind.of(m.model(), modelFile);
    RowsInfo r = readRowsInfo(rowsDir);
    Path metaFile = rowsDir.resolve(Workflow.META);
    Output output = Output.of(r.output(), metaFile);
    Path dir = Store.outputDir(out, Workflow.META);
    if (!r.featureNames().equals(m.featureNames())) {
      throw Store.bad(rowsDir + " holds the features " + r.featureNames() + ", the model in "
          + modelFile + " takes " + m.featureNames() + ": encrypt the rows with this model's"
          + " schema (veil schema)");
    }
    if (!sameScaler(r.scaler(), m.scaler())) {
      throw Store.bad(rowsDir + " was scaled with another scaler than the model in " + modelFile
          + ": encrypt the rows with this model's schema (veil schema)");
    }
    if (kind == ModelKind.LINEAR && output == Output.PROBABILITIES) {
      throw Store.bad("the model in " + modelFile + " is a linear regression, whose predictions"
          + " are scores, but " + rowsDir + " was encrypted under keys made for probabilities:"
          + " the row owner needs keys made with --output scores");
    }
    Parameters params = Workflow.readParams(rowsDir.resolve(Workflow.PARAMS), r.paramsDigest());
    Path pkFile = rowsDir.resolve(Workflow.PUBLIC_KEY);
    String keyId = Store.fileId(pkFile);
    if (!keyId.equals(r.keyId())) {
      throw Store.bad(pkFile + " is not the public key the rows were encrypted under (key id "
          + r.keyId() + ", found " + keyId + ")");
    }
    int columns = kind == ModelKind.OVR ? m.classWeights().length : 1;
    long results = (long) r.batches() * columns;
    if (results > resultBudget) {
      throw Store.bad(String.format(Locale.ROOT, "this run returns %d result ciphertexts (%d"
          + " batches of up to %d rows x %d outputs), more than --result-budget %d", results,
          r.batches(), r.slots(), columns, resultBudget));
    }
    if (output == Output.PROBABILITIES && evalKeys == null) {
      throw Store.bad("probabilities need the row owner's relinearisation key: give --eval-keys"
          + " KEYDIR/evaluation.keys");
    }
    if (evalKeys != null) {
      Store.requireFile(evalKeys);
      Training.checkEvaluationKeysMatch(evalKeys, ModelKind.INFERENCE, r.paramsDigest(), keyId,
          rowsDir);
    }
    double[][] weights = weights(m, kind);
    SigmoidApproximation sig = output == Output.PROBABILITIES ? sigmoid(r.degree()) : null;
    double noiseBound = ScoringNoise.noiseBoundBits(params, sig == null
        ? ScoringNoise.Circuit.FEATURE_MAJOR_SCORES
        : ScoringNoise.Circuit.FEATURE_MAJOR_PROBABILITIES, params.maxLevel(),
        params.defaultScale(), ScoringNoise.INPUT_BOUND, weights, null, sig);
    FloodingPolicy policy = new FloodingPolicy(FLOODING_SECURITY_BITS, noiseBound,
        resultBudget);
    long start = System.nanoTime();
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      EvaluationKeys evk = evalKeys == null ? EvaluationKeys.empty(params)
          : Store.readVeil(evalKeys, in -> VeilIO.readEvaluationKeys(in, ctx));
      if (sig != null && !evk.hasRelinearizationKey()) {
        throw Store.bad(evalKeys + ": no relinearisation key, which probabilities need");
      }
      PublicKey pk = Store.readVeil(pkFile, in -> VeilIO.readPublicKey(in, ctx));
      OutputSanitizer sanitizer = new OutputSanitizer(ctx, pk, policy, MIN_PRECISION_BITS);
      double bits = sanitizer.expectedPrecisionBits(params.defaultScale());
      if (bits < MIN_PRECISION_BITS) {
        throw Store.bad(String.format(Locale.ROOT, "flooding for --result-budget %d would leave"
            + " %.1f bits of precision, below %.0f: lower the result budget", resultBudget, bits,
            MIN_PRECISION_BITS));
      }
      FeatureMajorInference inference = new FeatureMajorInference(new Evaluator(ctx, evk));
      PredictionsInfo info = new PredictionsInfo(PredictionsInfo.FORMAT, kind.id(), output.id(),
          sig == null ? 0 : r.degree(), r.rows(), columns, r.slots(), r.batches(), m.label(),
          new SanitizerInfo(FLOODING_SECURITY_BITS, noiseBound, resultBudget, bits),
          r.paramsDigest(), keyId);
      Store.writeDirectory(dir, tmp -> {
        try (Progress bar = bars.start("predict", results)) {
          for (int b = 0; b < r.batches(); b++) {
            int rows = rowsIn(b, r.rows(), r.slots());
            Ciphertext[] x = new Ciphertext[r.features()];
            for (int j = 0; j < x.length; j++) {
              Path file = rowsDir.resolve(rowFile(b, j));
              x[j] = Store.readVeil(file, in -> VeilIO.readCiphertext(in, ctx));
              if (x[j].level() != params.maxLevel()) {
                throw Store.bad(file + ": at level " + x[j].level() + ", expected the top level "
                    + params.maxLevel());
              }
            }
            FeatureMajorInference.Batch batch = new FeatureMajorInference.Batch(x, rows);
            ResultDescriptor descriptor = new ResultDescriptor(Layout.of(params, rows, 1),
                output.result, false);
            for (int c = 0; c < columns; c++) {
              FeatureMajorInference.Result res = sig == null
                  ? inference.scores(batch, weights[c])
                  : inference.probabilities(batch, new LogisticModel(weights[c]), sig);
              Ciphertext sanitized = sanitizer.sanitize(new EncryptedResult(
                  new Ciphertext[] {res.ciphertext()}, descriptor)).ciphertext(0);
              VeilIO.writeAtomically(tmp.resolve(resultFile(c, b)),
                  o -> VeilIO.write(o, sanitized));
              bar.step();
            }
          }
        }
        Store.writeJson(tmp.resolve(Workflow.META), info);
      });
      return new PredictResult(info, (System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * The weight vectors the model holder applies, one per output column: a linear model's in
   * standardised label units ({@code (w - offset e_0) / scale}), so that its predictions stay
   * small enough for the first prime; the row owner maps them back.
   */
  static double[][] weights(ModelFile m, ModelKind kind) {
    return switch (kind) {
      case LOGISTIC -> new double[][] {m.weights()};
      case OVR -> m.classWeights();
      case LINEAR -> {
        double[] w = m.weights();
        double[] v = new double[w.length];
        for (int j = 0; j < w.length; j++) {
          v[j] = w[j] / m.label().scale();
        }
        v[0] -= m.label().offset() / m.label().scale();
        yield new double[][] {v};
      }
      default -> throw new IllegalStateException(kind.id());
    };
  }

  static boolean sameScaler(Scaling a, Scaling b) {
    return a != null && b != null && java.util.Objects.equals(a.kind(), b.kind())
        && Arrays.equals(a.offsets(), b.offsets()) && Arrays.equals(a.scales(), b.scales())
        && Arrays.deepEquals(a.matrix(), b.matrix());
  }

  static PredictionsInfo readPredictionsInfo(Path dir) throws IOException {
    Store.requireDir(dir, "encrypted predictions from veil predict --data");
    Path file = dir.resolve(Workflow.META);
    PredictionsInfo info = Store.readJson(file, PredictionsInfo.class);
    Store.requireFormat(file, info.format(), PredictionsInfo.FORMAT);
    ModelKind kind = ModelKind.of(info.model(), file);
    Output.of(info.output(), file);
    int expectedColumns = kind == ModelKind.OVR ? (info.label() == null
        || info.label().classes() == null ? -1 : info.label().classes().size()) : 1;
    if (info.columns() != expectedColumns || info.rows() < 1 || info.slots() < 1
        || info.batches() != (info.rows() + info.slots() - 1) / info.slots()) {
      throw Store.bad(file + ": inconsistent shape (rows, columns, slots, batches, classes)");
    }
    if (kind == ModelKind.LINEAR && (info.label() == null || info.label().offset() == null
        || info.label().scale() == null)) {
      throw Store.bad(file + ": linear predictions need the label's offset and scale");
    }
    Store.validate(file, info::validate);
    return info;
  }

  // ================================================================== decrypt (row owner)

  /**
   * Row owner: decrypts the sanitised predictions with the secret key and writes the predictions
   * CSV ({@link Scoring}'s columns). Scores of classifiers become probabilities by the exact
   * sigmoid; polynomial probabilities are clamped to [0, 1]; a linear model's standardised
   * predictions are mapped back to the label's units.
   */
  static Scoring.Outputs decryptPredictions(Path keysDir, Path predsDir, Path out,
      Bars bars) throws IOException {
    KeysInfo keys = Keys.readKeysInfo(keysDir);
    ModelKind keysKind = Keys.kindOf(keys, keysDir);
    PredictionsInfo p = readPredictionsInfo(predsDir);
    Path target = Store.outputFile(out);
    if (keysKind != ModelKind.INFERENCE) {
      throw Store.bad("the keys in " + keysDir + " were made for training " + keysKind
          .description() + ", not for inference: " + predsDir + " needs the key directory the"
          + " rows were encrypted with (veil keygen --model inference)");
    }
    if (!keys.paramsDigest().equals(p.paramsDigest())) {
      throw Store.bad(predsDir + " was made for other parameters than the keys in " + keysDir
          + " (" + p.paramsDigest().substring(0, 8) + " vs " + keys.paramsDigest().substring(0, 8)
          + "): wrong key directory?");
    }
    if (!keys.keyId().equals(p.keyId())) {
      throw Store.bad(predsDir + " was encrypted for another key pair (key id " + p.keyId()
          + ") than the one in " + keysDir + " (" + keys.keyId() + "): wrong key directory?");
    }
    ModelKind kind = ModelKind.of(p.model(), predsDir.resolve(Workflow.META));
    Output output = Output.of(p.output(), predsDir.resolve(Workflow.META));
    Parameters params = Workflow.readParams(keysDir.resolve(Workflow.PARAMS),
        keys.paramsDigest());
    if (p.slots() != params.slots()) {
      throw Store.bad(predsDir.resolve(Workflow.META) + ": " + p.slots() + " slots per batch,"
          + " the parameters have " + params.slots());
    }
    double[][] values = new double[p.rows()][p.columns()];
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      SecretKey sk = Store.readVeil(keysDir.resolve(Workflow.SECRET_KEY),
          in -> VeilIO.readSecretKey(in, ctx));
      ResultReader reader = new ResultReader(new Encoder(ctx), new Decryptor(ctx, sk));
      try (Progress bar = bars.start("decrypt", (long) p.batches() * p.columns())) {
        for (int b = 0; b < p.batches(); b++) {
          int rows = rowsIn(b, p.rows(), p.slots());
          ResultDescriptor descriptor = new ResultDescriptor(Layout.of(params, rows, 1),
              output.result, true);
          for (int c = 0; c < p.columns(); c++) {
            Path file = predsDir.resolve(resultFile(c, b));
            Ciphertext ct = Store.readVeil(file, in -> VeilIO.readCiphertext(in, ctx));
            double[] v = reader.read(new EncryptedResult(new Ciphertext[] {ct}, descriptor));
            for (int i = 0; i < rows; i++) {
              values[b * p.slots() + i][c] = value(v[i], kind, output, p.label());
            }
            bar.step();
          }
        }
      }
    }
    Scoring.Outputs o = new Scoring.Outputs(kind, values,
        p.label() == null ? null : p.label().classes());
    Scoring.write(target, o);
    return o;
  }

  private static double value(double v, ModelKind kind, Output output, Label label) {
    if (!Double.isFinite(v)) {
      throw Store.bad("a prediction decrypts to " + v + ": not encrypted under this key?");
    }
    if (kind == ModelKind.LINEAR) {
      return label.offset() + label.scale() * v;
    }
    return output == Output.SCORES ? Sigmoid.logistic(v) : Math.min(1, Math.max(0, v));
  }
}
