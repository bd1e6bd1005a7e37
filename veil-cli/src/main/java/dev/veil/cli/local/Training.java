package dev.veil.cli.local;

import static dev.veil.cli.local.Workflow.META;
import static dev.veil.cli.local.Workflow.PARAMS;
import static dev.veil.cli.local.Workflow.PLAN;
import static dev.veil.cli.local.Workflow.WEIGHTS;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import dev.veil.api.DataInfo;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.KeysInfo;
import dev.veil.api.TrainingInfo;
import dev.veil.api.TrainingSchedule;
import dev.veil.cli.output.Bars;
import dev.veil.cli.output.Progress;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SwitchingKey;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.train.InsufficientMemoryException;
import dev.veil.ml.train.ModelTraining;
import dev.veil.ml.train.TrainingKind;
import dev.veil.ml.train.TrainingPlan;
import dev.veil.ml.train.TrainingReport;

/**
 * {@code veil train}'s step: training on an encrypted data set with the evaluation keys only (no
 * secret key is read or needed), writing the encrypted model directory with its training report.
 * The run itself is {@link ModelTraining}'s, the one the server's training jobs run too.
 */
public final class Training {
  private Training() {}

  /** Linear regression's default constant step size (plain.LinearRegression's default). */
  public static final double LINEAR_LEARNING_RATE = ModelTraining.LINEAR_LEARNING_RATE;


  /** The trained, still encrypted model. */
  public record TrainResult(EncryptedModelInfo info, TrainingPlan plan) {}

  /** {@link #train(Path, Path, ModelKind, Integer, Integer, Double, Path, PrintStream)}. */
  static TrainResult train(Path dataDir, Path evalKeys, Integer iterations, Integer degree,
      Path out, Bars bars) throws IOException {
    return train(dataDir, evalKeys, null, iterations, degree, null, out, bars);
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
  public static TrainResult train(Path dataDir, Path evalKeys, ModelKind model, Integer iterations,
      Integer degree, Double learningRate, Path out, Bars bars) throws IOException {
    DataInfo data = Encryption.readDataInfo(dataDir);
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
    Parameters params = Workflow.readParams(dataDir.resolve(PARAMS), data.paramsDigest());
    int it = iterations != null ? iterations : Objects.requireNonNullElse(data.iterations(), 0);
    int deg = degree != null ? degree : Objects.requireNonNullElse(data.degree(), 0);
    int n = data.rows();
    int d = data.features();
    int classes = kind == ModelKind.OVR ? Workflow.classCount(data.label(), dataDir) : 1;
    if (kind.hasSigmoid()) {
      Workflow.sigmoid(deg); // the option's name in the message
    }
    ModelTraining.Schedule schedule = null;
    TrainingSchedule certified = data.schedule();
    if (certified != null) {
      // the owner certified exactly this run: other iterations or another degree could leave the
      // sigmoid's interval unnoticed
      if (it != Objects.requireNonNullElse(data.iterations(), it)
          || deg != certified.degree()) {
        try { // what the parameters cannot hold first
          ModelTraining.setup(new ModelTraining.Spec(kind.training(), n, d, classes, it, deg, 0,
              alpha), params);
        } catch (IllegalArgumentException e) {
          throw Store.bad(e.getMessage());
        }
        throw Store.bad(dataDir + " was certified for " + data.iterations() + " iterations of a"
            + " degree-" + certified.degree() + " sigmoid (" + certified.sigmoid() + " on [-"
            + certified.bound() + ", " + certified.bound() + "]): train it without --iterations"
            + " and --degree, or encrypt it again with keys made for " + it + " iterations and"
            + " degree " + deg);
      }
      try {
        schedule = certified.toModelTraining();
      } catch (IllegalArgumentException e) {
        throw Store.bad(dataDir.resolve(META) + ": " + e.getMessage());
      }
    }
    ModelTraining.Setup setup;
    try {
      setup = ModelTraining.setup(new ModelTraining.Spec(kind.training(), n, d, classes, it, deg,
          0, alpha, schedule), params);
    } catch (IllegalArgumentException e) {
      throw Store.bad(e.getMessage());
    }
    Layout layout = setup.layout();
    if (layout.ciphertexts() != data.ciphertexts()) {
      throw Store.bad(dataDir + ": " + data.ciphertexts() + " ciphertexts, the layout of "
          + n + " rows x " + d + " features has " + layout.ciphertexts());
    }
    checkEvaluationKeysMatch(evalKeys, kind, data.paramsDigest(), data.keyId(), dataDir);
    // before reading any key: the plan must fit this JVM's heap, the keys compact if need be
    boolean compact;
    try {
      compact = setup.plan() != null
          && setup.plan().requireHeap(Runtime.getRuntime().maxMemory()).compactKeys();
    } catch (InsufficientMemoryException e) {
      throw Store.bad(e.getMessage());
    }
    long start = System.nanoTime();
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      EvaluationKeys evk = Store.readVeil(evalKeys, in -> compact ? readCompact(in, ctx)
          : VeilIO.readEvaluationKeys(in, ctx));
      try {
        ModelTraining.requireKeys(setup, evk);
      } catch (MissingKeyException e) {
        throw Store.bad(evalKeys + ": " + e.getMessage());
      }
      List<String> names = setup.tables();
      Ciphertext[][] tables = new Ciphertext[names.size()][];
      for (int k = 0; k < tables.length; k++) {
        tables[k] = readTable(dataDir, names.get(k), layout.ciphertexts(), ctx);
      }
      ModelTraining.Result result;
      // linear regression has no per-iteration callback: an indefinite bar that shows the time
      long total = kind == ModelKind.LINEAR ? -1 : (long) tables.length * it;
      try (Progress bar = bars.start("train", total)) {
        result = ModelTraining.train(ctx, evk, setup, tables, (done, all) -> {
          bar.maxHint(all);
          bar.stepTo(done);
        });
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      EncryptedModelInfo info = new EncryptedModelInfo(EncryptedModelInfo.FORMAT, kind.id(),
          d, data.featureNames(), data.label(), data.scaler(), report(result, seconds),
          data.paramsDigest(), data.keyId());
      List<Ciphertext> weights = result.weights();
      Store.writeDirectory(dir, tmp -> {
        VeilIO.writeAtomically(tmp.resolve(PARAMS), o -> VeilIO.write(o, params));
        for (int k = 0; k < weights.size(); k++) {
          Ciphertext w = weights.get(k);
          String file = kind == ModelKind.OVR ? Workflow.classWeightsFile(k) : WEIGHTS;
          VeilIO.writeAtomically(tmp.resolve(file), o -> VeilIO.write(o, w));
        }
        Store.writeJson(tmp.resolve(META), info);
      });
      return new TrainResult(info, setup.plan());
    }
  }

  /**
   * The training report of a run, as {@code meta.json} of an encrypted model records it (the
   * iteration times of every class one after the other for ovr).
   */
  public static TrainingInfo report(ModelTraining.Result result, double seconds) {
    ModelTraining.Spec spec = result.setup().spec();
    boolean linear = spec.kind() == TrainingKind.LINEAR;
    TrainingReport first = result.reports().get(0);
    double[] millis = result.reports().stream().flatMapToDouble(rep ->
        Arrays.stream(rep.iterationMillis())).toArray();
    ModelTraining.Schedule s = spec.schedule();
    return new TrainingInfo(spec.iterations(), linear ? 0 : spec.degree(),
        result.setup().levelsPerIteration(), first.inputLevel(), first.outputLevel(), millis,
        seconds, linear ? spec.learningRate() : null,
        s == null ? null : s.sigmoid().coefficients(), s == null ? null : s.bound(),
        s == null ? null : s.step(), s == null ? null : s.lambda0(),
        s == null ? null : s.inputBound());
  }

  /** Reads the ciphertexts of one table of a data set, checking that they are at the top level. */
  private static Ciphertext[] readTable(Path dataDir, String table, int count, HeContext ctx)
      throws IOException {
    Parameters params = ctx.parameters();
    Ciphertext[] z = new Ciphertext[count];
    for (int c = 0; c < count; c++) {
      Path file = dataDir.resolve(Workflow.tableFile(table, c));
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
  /** An evaluation-key set read one key at a time, each seeded key held compact. */
  static EvaluationKeys readCompact(InputStream in, HeContext ctx) throws IOException {
    SwitchingKey[] relin = new SwitchingKey[1];
    List<SwitchingKey> galois = new ArrayList<>();
    VeilIO.scanEvaluationKeys(in, ctx, k -> {
      SwitchingKey held = k.seed() != null ? k.compact() : k;
      if (held.isRelinearization()) {
        relin[0] = held;
      } else {
        galois.add(held);
      }
    });
    return new EvaluationKeys(ctx.parameters(), relin[0], galois);
  }

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
}
