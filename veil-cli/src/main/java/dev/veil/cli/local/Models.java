package dev.veil.cli.local;

import static dev.veil.cli.local.Workflow.META;
import static dev.veil.cli.local.Workflow.PARAMS;
import static dev.veil.cli.local.Workflow.SECRET_KEY;
import static dev.veil.cli.local.Workflow.WEIGHTS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import dev.veil.api.EncryptedModelInfo;
import dev.veil.api.KeysInfo;
import dev.veil.api.Label;
import dev.veil.api.ModelFile;
import dev.veil.api.Scaling;
import dev.veil.api.SchemaFile;
import dev.veil.he.ckks.Encoder;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.train.EncryptedLogisticRegression;

/**
 * Decrypted models: {@code veil decrypt}'s step (the encrypted model decrypted with the secret key
 * into {@code model.json}, a linear model mapped back to the label's units) and the checks every
 * reader of a model file applies (kind, weights, scaler).
 */
public final class Models {
  private Models() {}

  /**
   * Decrypts the encrypted model with the secret key and writes the plain model file. The
   * decryption is exact (not flooded): the key holder decrypts for themselves. A linear model's
   * weights are mapped back to the label's units.
   */
  static ModelFile decrypt(Path keysDir, Path modelDir, Path out) throws IOException {
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
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      SecretKey sk = Store.readVeil(keysDir.resolve(SECRET_KEY),
          in -> VeilIO.readSecretKey(in, ctx));
      Encoder encoder = new Encoder(ctx);
      Decryptor decryptor = new Decryptor(ctx, sk);
      for (int c = 0; c < classes; c++) {
        String file = kind == ModelKind.OVR ? Workflow.classWeightsFile(c) : WEIGHTS;
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
}
