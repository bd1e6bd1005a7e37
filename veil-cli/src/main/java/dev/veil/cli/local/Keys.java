package dev.veil.cli.local;

import static dev.veil.cli.local.Workflow.EVALUATION_KEYS;
import static dev.veil.cli.local.Workflow.PARAMS;
import static dev.veil.cli.local.Workflow.PLAN;
import static dev.veil.cli.local.Workflow.PUBLIC_KEY;
import static dev.veil.cli.local.Workflow.SECRET_KEY;
import static dev.veil.cli.local.Workflow.TRAINING_SCALE_BITS;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.veil.api.KeysInfo;
import dev.veil.cli.output.Bars;
import dev.veil.cli.output.Progress;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;
import dev.veil.he.rlwe.SwitchingKey;
import dev.veil.ml.train.EncryptedLinearRegression;
import dev.veil.ml.train.TrainingPlan;

/**
 * {@code veil keygen}'s step and the key directory it writes: planning the parameters and the
 * rotations a model kind needs (always 128-bit secure), generating the keys, and reading a key
 * directory back ({@code plan.json}, the public key it names).
 */
public final class Keys {
  private Keys() {}

  private static int ceilPow2(long x) {
    return x <= 1 ? 1 : (int) Math.min(1 << 30, Long.highestOneBit(x - 1) << 1);
  }


  /** Shared decryptions a new key may make, unless {@code veil keygen} is told otherwise. */
  static final long DEFAULT_SHARED_DECRYPTIONS = 16;

  /**
   * The key's budget of shared decryptions ({@link DecryptionBudget}): the flooding's statistical
   * security s and the number tau of decryptions it is sized for.
   */
  record Sharing(int securityBits, long decryptions) {
    static final Sharing DEFAULT =
        new Sharing(FloodingPolicy.DEFAULT_SECURITY_BITS, DEFAULT_SHARED_DECRYPTIONS);
  }

  /** Bits of the training scale (and of the primes) unless {@code --scale-bits} says otherwise. */
  static final int DEFAULT_SCALE_BITS = TRAINING_SCALE_BITS;

  /** What a key directory holds: the parameters, the rotations, whether a relinearisation key. */
  record KeyPlan(Parameters params, int[] rotations, boolean relinearization) {}

  /** Logistic keys (the demo's). */
  static KeysInfo keygen(Path out, int rows, int features, int iterations, int degree,
      Bars bars) throws IOException {
    return keygen(out, ModelKind.LOGISTIC, rows, features, iterations, degree, null, bars);
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
      int degree, Inference.Output output, Bars bars) throws IOException {
    return keygen(out, kind, rows, features, iterations, degree, output, Sharing.DEFAULT,
        DEFAULT_SCALE_BITS, bars);
  }

  /**
   * As above, with the key's budget of shared decryptions ({@code decryptions.json}, written with
   * the secret key) and the training scale (training kinds; inference plans its own scales). A
   * model to be shared needs a larger scale than the default: the flooding of a shared
   * decryption costs about 20 bits at s = 30 (see {@code veil decrypt --for-sharing}).
   */
  static KeysInfo keygen(Path out, ModelKind kind, int rows, int features, int iterations,
      int degree, Inference.Output output, Sharing sharing, int scaleBits, Bars bars)
      throws IOException {
    Path dir = Store.outputDir(out, null);
    boolean[] compact = {false};
    KeyPlan kp = switch (kind) {
      case LOGISTIC, OVR -> {
        // refuses, before any key, a key set that cannot fit this JVM's heap
        TrainingPlan plan = Workflow.planner(rows, features, iterations, degree)
            .withScaleBits(scaleBits).checkingHeap().plan();
        compact[0] = plan.compactKeys();
        yield new KeyPlan(plan.params(), plan.rotations(), true);
      }
      case LINEAR -> {
        Parameters p = linearParameters(rows, features, iterations, scaleBits);
        yield new KeyPlan(p, EncryptedLinearRegression.rotationsNeeded(p, rows, features), true);
      }
      case INFERENCE -> Inference.keyPlan(output, degree);
    };
    Parameters params = kp.params();
    try (HeContext ctx = new HeContext(params, Workflow.threads())) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      PublicKey pk = kg.publicKey(sk);
      SwitchingKey relin = kp.relinearization() ? kg.relinearizationKey(sk) : null;
      long[] elements = Evaluator.galoisElements(params, kp.rotations());
      List<SwitchingKey> galois = new ArrayList<>();
      if (elements.length > 0) {
        try (Progress bar = bars.start("galois keys", elements.length)) {
          for (long e : elements) {
            SwitchingKey k = kg.galoisKey(sk, e);
            galois.add(compact[0] ? k.compact() : k); // written alike, seeded
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
        DecryptionBudget.create(tmp, sharing.securityBits(), sharing.decryptions());
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

  /** {@link #linearParameters(int, int, int, int)} at the default scale. */
  static Parameters linearParameters(int rows, int features, int iterations) {
    return linearParameters(rows, features, iterations, DEFAULT_SCALE_BITS);
  }

  /**
   * Secure parameters for {@code iterations} steps of encrypted linear regression on {@code rows x
   * features}: {@link EncryptedLinearRegression#LEVELS_PER_ITERATION} levels per step at scale
   * 2^scaleBits, enough slots for the rows (as the logistic planner chooses them).
   */
  static Parameters linearParameters(int rows, int features, int iterations, int scaleBits) {
    int per = EncryptedLinearRegression.LEVELS_PER_ITERATION;
    int slots = (int) Math.min(1 << 15, ceilPow2((long) rows * ceilPow2(features + 2)));
    try {
      return ParameterSelector.select(iterations * per, scaleBits, slots);
    } catch (InvalidParametersException e) {
      int most = 0;
      for (int t = iterations - 1; t >= 1 && most == 0; t--) {
        try {
          ParameterSelector.select(t * per, scaleBits, slots);
          most = t;
        } catch (InvalidParametersException tooDeep) {
          // fewer
        }
      }
      throw Store.bad(String.format(Locale.ROOT, "%d iterations of linear regression need %d"
          + " levels (%d per iteration) but N = 2^16 holds fewer at scale 2^%d with 128-bit"
          + " security: use at most %d iterations", iterations, iterations * per, per,
          scaleBits, most));
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

  /** Checks that the key directory's public key is the one its plan.json names; its key id. */
  static String checkPublicKey(Path keysDir, KeysInfo keys) throws IOException {
    String keyId = Store.fileId(keysDir.resolve(PUBLIC_KEY));
    if (!keyId.equals(keys.keyId())) {
      throw Store.bad(keysDir.resolve(PUBLIC_KEY) + " is not the public key " + PLAN
          + " names (key id " + keys.keyId() + ")");
    }
    return keyId;
  }
}
