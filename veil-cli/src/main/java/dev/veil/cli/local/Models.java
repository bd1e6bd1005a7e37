package dev.veil.cli.local;

import static dev.veil.cli.local.Workflow.META;
import static dev.veil.cli.local.Workflow.PARAMS;
import static dev.veil.cli.local.Workflow.SECRET_KEY;
import static dev.veil.cli.local.Workflow.WEIGHTS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.DecryptionInfo;
import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.KeysInfo;
import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.api.Scaling;
import dev.veil.api.SchemaFile;
import dev.veil.api.TrainingInfo;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.io.FormatException;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.FloodingDecryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InsufficientPrecisionException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.CertifiedNesterov;
import dev.veil.ml.plain.Sigmoid;
import dev.veil.ml.train.Planner;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;
import dev.veil.ml.train.EncryptedLinearRegression;
import dev.veil.ml.train.EncryptedLogisticRegression;
import dev.veil.ml.train.TrainingNoise;
import dev.veil.ml.train.TrainingPlan;

/**
 * Decrypted models: {@code veil decrypt}'s step (the encrypted model decrypted with the secret key
 * into {@code model.json}, exactly or flooded for sharing, a linear model mapped back to the
 * label's units) and the checks every reader of a model file applies (kind, weights, scaler; a
 * model to publish: a flooded decryption).
 */
public final class Models {
  private Models() {}

  /** {@link #decrypt(Path, Path, Path, Double)} exactly, for the key holder's own eyes. */
  static ModelFile decrypt(Path keysDir, Path modelDir, Path out) throws IOException {
    return decrypt(keysDir, modelDir, out, null);
  }

  /**
   * Decrypts the encrypted model with the secret key and writes the plain model file, recording
   * how ({@link DecryptionInfo}). A linear model's weights are mapped back to the label's units.
   *
   * <p>{@code shareFloorBits} null: the decryption is exact (not flooded), for the key holder
   * alone; {@code veil model publish} refuses its file. Otherwise it is for sharing: each
   * ciphertext is decrypted by a {@link FloodingDecryptor} whose noise bound B is the training
   * circuit's, traced by {@link TrainingNoise} ({@link #trainedNoise}), with the key's s and tau
   * from its persisted {@link DecryptionBudget}; the flooded copies of each weight in the row
   * blocks are averaged (their flooding errors are independent). Before anything is decrypted
   * the precision left is checked against the floor (refused below it, nothing charged), then the
   * budget is charged one decryption per ciphertext and the new count written, then the weights
   * are decrypted and the file written.
   *
   * @throws IllegalArgumentException (exit code 2) on bad input, a missing or damaged budget file,
   *     a spent budget, or precision below the floor
   */
  static ModelFile decrypt(Path keysDir, Path modelDir, Path out, Double shareFloorBits)
      throws IOException {
    KeysInfo keys = Keys.readKeysInfo(keysDir);
    Store.requireDir(modelDir, "an encrypted model from veil train");
    Path metaFile = modelDir.resolve(META);
    EncryptedModelInfo mi = Store.readJson(metaFile, EncryptedModelInfo.class);
    Store.requireFormat(metaFile, mi.format(), EncryptedModelInfo.FORMAT);
    ModelKind kind = ModelKind.of(mi.model(), metaFile);
    Store.validate(metaFile, mi::validate);
    Path target = Store.outputFile(out);
    ModelKind keysKind = Keys.kindOf(keys, keysDir);
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
    int classes = kind == ModelKind.OVR ? Workflow.classCount(mi.label(), modelDir) : 1;
    Parameters params = Workflow.readParams(keysDir.resolve(PARAMS), keys.paramsDigest());
    double[][] w = new double[classes][];
    DecryptionInfo how;
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      SecretKey sk = Store.readVeil(keysDir.resolve(SECRET_KEY),
          in -> VeilIO.readSecretKey(in, ctx));
      Encoder encoder = new Encoder(ctx);
      Ciphertext[] cts = new Ciphertext[classes];
      for (int c = 0; c < classes; c++) {
        String file = kind == ModelKind.OVR ? Workflow.classWeightsFile(c) : WEIGHTS;
        cts[c] = Store.readVeil(modelDir.resolve(file), in -> VeilIO.readCiphertext(in, ctx));
      }
      if (shareFloorBits == null) {
        Decryptor decryptor = new Decryptor(ctx, sk);
        for (int c = 0; c < classes; c++) {
          w[c] = EncryptedLogisticRegression.decryptWeights(cts[c], encoder, decryptor,
              mi.features());
        }
        how = DecryptionInfo.exact();
      } else {
        how = decryptForSharing(ctx, sk, encoder, cts, kind, mi, keys, keysDir, shareFloorBits,
            w);
      }
      for (int c = 0; c < classes; c++) {
        for (double v : w[c]) {
          if (!Double.isFinite(v) || Math.abs(v) > 1e6) {
            throw Store.bad(modelDir + ": decrypts to garbage (weight " + v + "): not encrypted"
                + " under the key in " + keysDir + "?");
          }
        }
      }
    }
    Scaling scaler = mi.scaler();
    if (scaler != null && scaler.standardisation() != null) {
      // trained on the standardised rows veil encrypt prepared: the weights back to the
      // scaler's coordinates (the same predictions), the map dropped
      if (kind != ModelKind.LOGISTIC) {
        throw Store.bad(metaFile + ": a " + kind.id() + " model with a standardised scaler");
      }
      Scaling.Standardisation st = scaler.standardisation();
      try {
        scaler.transform(); // the map's shape against the features
        w[0] = CertifiedNesterov.toCaller(w[0], st.matrix(), st.offset()).weights();
      } catch (IllegalArgumentException e) {
        throw Store.bad(metaFile + ": " + e.getMessage());
      }
      scaler = scaler.base();
    }
    ModelFile plain = switch (kind) {
      case LOGISTIC -> new ModelFile(ModelFile.FORMAT, kind.id(), mi.featureNames(), mi.label(),
          scaler, w[0], null, mi.training());
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
    ModelFile model = plain.withDecryption(how);
    Store.writeJson(target, model);
    return model;
  }

  /**
   * The flooded decryption of {@link #decrypt(Path, Path, Path, Double)}: fills {@code w} with
   * each ciphertext's averaged weights and returns the record of how.
   */
  private static DecryptionInfo decryptForSharing(HeContext ctx, SecretKey sk, Encoder encoder,
      Ciphertext[] cts, ModelKind kind, EncryptedModelInfo mi, KeysInfo keys, Path keysDir,
      double floorBits, double[][] w) throws IOException {
    Parameters params = ctx.parameters();
    DecryptionBudget budget = openBudget(keysDir);
    Trained trained = trainedNoise(kind, mi, keys, params);
    for (Ciphertext ct : cts) {
      if (ct.level() != trained.noise().level()) {
        throw Store.bad("the encrypted model is at level " + ct.level() + ", the training its"
            + " metadata describes ends at level " + trained.noise().level() + ": cannot bound"
            + " its noise, refusing to share it");
      }
    }
    double bound = new NoiseEstimator(params).log2Bound(trained.noise());
    // the average of R independent flooded copies has sqrt(R) times less error
    double gain = 0.5 * Math.log(trained.layout().rowsPerCiphertext()) / Math.log(2);
    Shared shared;
    try {
      shared = decryptShared(ctx, sk, budget, bound, cts, floorBits - gain);
    } catch (InsufficientPrecisionException e) {
      FloodingPolicy p = budget.policy(bound);
      throw Store.bad(String.format(Locale.ROOT, "the flooding for sharing (sigma 2^%.1f: s = %d,"
          + " %d shared decryptions, the training's noise bound 2^%.1f) would leave %.1f bits of"
          + " precision in the weights, below --min-precision %.1f; nothing was decrypted or"
          + " charged: train with keys made with a larger --scale-bits (50 or more) or fewer"
          + " --shared-decryptions", p.log2Sigma(), p.securityBits(), p.maxDecryptions(), bound,
          e.precisionBits() + gain, floorBits));
    }
    for (int c = 0; c < cts.length; c++) {
      w[c] = averageBlocks(encoder.decode(shared.plaintexts()[c]), trained.layout(),
          mi.features() + 1);
    }
    FloodingPolicy policy = shared.policy();
    return new DecryptionInfo(DecryptionInfo.FLOODED, policy.securityBits(),
        policy.maxDecryptions(), round(policy.log2Sigma()), round(shared.precisionBits() + gain));
  }

  /** Flooded decryptions, the policy that sized them, and the precision they leave per slot. */
  record Shared(Plaintext[] plaintexts, FloodingPolicy policy, double precisionBits) {}

  /**
   * The shared decryptions of {@code veil decrypt --for-sharing}: a {@link FloodingDecryptor}
   * with the key's persisted s and tau and the noise bound {@code 2^boundBits}; every ciphertext
   * checked against the floor (per slot) before anything is decrypted or charged, then the budget
   * charged one decryption per ciphertext (written before returning), then the decryptions.
   */
  static Shared decryptShared(HeContext ctx, SecretKey sk, DecryptionBudget budget,
      double boundBits, Ciphertext[] cts, double floorBits) throws IOException {
    FloodingDecryptor flooding = new FloodingDecryptor(ctx, sk, budget.policy(boundBits),
        budget.used());
    double precision = Double.POSITIVE_INFINITY;
    for (Ciphertext ct : cts) {
      flooding.checkFits(ct, floorBits);
      precision = Math.min(precision, flooding.expectedPrecisionBits(ct.scale()));
    }
    try {
      budget.charge(cts.length);
    } catch (DecryptionBudgetExhaustedException e) {
      throw Store.bad(e.getMessage());
    }
    Plaintext[] out = new Plaintext[cts.length];
    for (int c = 0; c < cts.length; c++) {
      out[c] = flooding.decrypt(cts[c], floorBits);
    }
    return new Shared(out, flooding.policy(), precision);
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  /** The key's persisted budget; a missing or damaged one is bad input naming the file. */
  static DecryptionBudget openBudget(Path keysDir) throws IOException {
    try {
      return DecryptionBudget.open(keysDir);
    } catch (FormatException e) {
      throw Store.bad(e.getMessage());
    }
  }

  /** The traced noise of a trained model and the packing of its weights. */
  record Trained(NoiseEstimator.Noise noise, Layout layout) {}

  /**
   * The noise of the encrypted weights {@code veil train} produced, traced through the training
   * circuit the metadata names ({@link TrainingNoise}): the training's iterations and degree, the
   * most rows the keys were planned for, values of the tables up to 1 (up to {@value
   * #STANDARD_BOUND} for standardised features and for a linear model's standardised label,
   * which are not bounded), no assumption on the weights.
   */
  static Trained trainedNoise(ModelKind kind, EncryptedModelInfo mi, KeysInfo keys,
      Parameters params) {
    TrainingInfo t = mi.training();
    if (t == null || t.iterations() == null) {
      throw Store.bad("the encrypted model's metadata has no training report: cannot bound its"
          + " noise, refusing to share it");
    }
    int rows = Math.max(1, keys.rows());
    double inputBound = mi.scaler() != null && "STANDARD".equals(mi.scaler().kind())
        ? STANDARD_BOUND : 1;
    if (kind == ModelKind.LINEAR) {
      double alpha = t.learningRate() == null ? Training.LINEAR_LEARNING_RATE : t.learningRate();
      return new Trained(TrainingNoise.linear(params, rows, mi.features(), t.iterations(),
          LearningRate.constant(alpha), 0, STANDARD_BOUND, Double.POSITIVE_INFINITY),
          EncryptedLinearRegression.layout(params, rows, mi.features()));
    }
    int degree = t.degree() == null ? keys.degree() : t.degree();
    Planner planner = Workflow.planner(rows, mi.features(), t.iterations(), degree);
    if (t.sigmoid() != null) {
      // a certified run: its polynomial, step and lambda_0, on tables up to its input bound
      if (t.sigmoidBound() == null || t.step() == null || t.lambda0() == null
          || t.inputBound() == null) {
        throw Store.bad("the encrypted model's training report names a sigmoid without its"
            + " bound, step, lambda0 and inputBound: cannot bound its noise, refusing to share"
            + " it");
      }
      try {
        planner = planner.withSigmoid(Sigmoid.polynomial("schedule", t.sigmoid()),
            -t.sigmoidBound(), t.sigmoidBound())
            .withLearningRate(LearningRate.constant(t.step())).withLambda0(t.lambda0());
      } catch (IllegalArgumentException e) {
        throw Store.bad("the encrypted model's training report: " + e.getMessage());
      }
      inputBound = Math.max(inputBound, t.inputBound());
    } else if (mi.scaler() != null && mi.scaler().standardisation() != null) {
      throw Store.bad("the encrypted model was trained on standardised rows but its training"
          + " report does not say with which schedule: cannot bound its noise, refusing to"
          + " share it");
    }
    TrainingPlan plan = planner.withParameters(params).plan();
    return new Trained(TrainingNoise.logistic(plan, inputBound, Double.POSITIVE_INFINITY),
        plan.layout());
  }

  /** Bound assumed on standardised feature values (z-scores), which have no bound of their own. */
  static final double STANDARD_BOUND = 8;

  /** The first {@code count} slots of every block of {@code layout}, averaged over the blocks. */
  static double[] averageBlocks(double[] slots, Layout layout, int count) {
    int blocks = layout.rowsPerCiphertext();
    double[] w = new double[count];
    for (int b = 0; b < blocks; b++) {
      for (int j = 0; j < count; j++) {
        w[j] += slots[b * layout.blockSize() + j];
      }
    }
    for (int j = 0; j < count; j++) {
      w[j] /= blocks;
    }
    return w;
  }

  /**
   * Refuses (bad input, exit code 2) a model file about to leave the key holder whose weights do
   * not come from a flooded decryption: no {@code decryption} record, an exact one, or a record
   * that does not validate.
   */
  public static void requireSharable(JsonNode file, Path path) {
    JsonNode node = file.get("decryption");
    DecryptionInfo d = null;
    if (node != null && !node.isNull()) {
      try {
        d = Store.JSON.treeToValue(node, DecryptionInfo.class);
      } catch (JacksonException | IllegalArgumentException e) {
        throw Store.bad(path + ": decryption: not a decryption record (" + e.getMessage() + ")");
      }
      Store.validate(path, d::validate);
    }
    if (d == null || !d.flooded()) {
      throw Store.bad(path + " was " + (d == null ? "not recorded as decrypted for sharing"
          : "decrypted exactly") + ": an exact decryption must stay with the key holder (it"
          + " gives away the secret key to whoever computed the ciphertext); re-decrypt it with"
          + " veil decrypt --for-sharing");
    }
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
}
