package dev.veil.ml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.ml.linalg.TablePacker;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.plain.OneVsRest;

/**
 * Multiclass logistic regression on encrypted data by one-vs-rest: the encrypted counterpart of
 * {@link dev.veil.ml.plain.OneVsRest} over {@link dev.veil.ml.plain.NesterovLogisticRegression}.
 *
 * <h2>Protocol</h2>
 *
 * <ol>
 *   <li><b>Data owner</b> ({@link #designs}, {@link #encrypt}): for each class {@code c} of
 *       {@code K} it forms {@code z_c = y_c (1, x)} with {@code y_c = +1} on the rows of class
 *       {@code c} and {@code -1} elsewhere ({@link EncryptedLogisticRegression#design}), packs
 *       and encrypts it with the public key. {@code K} encrypted tables of the same shape go to
 *       the node. (The node learns {@code K}, the rows and the features, as with one plan; it
 *       does not learn which rows belong to which class.)
 *   <li><b>Untrusted node</b> ({@link #train}): runs one {@link EncryptedLogisticRegression} per
 *       class, all with the same {@link TrainingPlan} and the same evaluation keys (one plan
 *       serves every class since the tables have the same shape). The cost is {@code K} times one
 *       binary training; no secret key is used.
 *   <li><b>Key holder</b> ({@link #decrypt}): decrypts the {@code K} weight vectors into a
 *       {@link Model}; a row is predicted as the class with the highest score
 *       {@code beta_c . (1, x)} (equivalently the highest probability, the logistic function
 *       being increasing; the lowest class index on ties, as in {@code OneVsRest}).
 * </ol>
 *
 * Every binary problem is trained exactly as {@code NesterovLogisticRegression} would with the
 * plan's sigmoid, iterations, learning rate, L2 and {@code lambda_0}, so the decrypted weights
 * equal the plain one-vs-rest weights up to CKKS noise.
 */
public final class EncryptedOneVsRest {
  /** The node's output: class {@code c}'s training result at index {@code c}. */
  public record Result(List<EncryptedLogisticRegression.Result> perClass) {
    public Result {
      perClass = List.copyOf(perClass);
    }

    /** The encrypted weights of every class, by class index. */
    public List<Ciphertext> weights() {
      List<Ciphertext> w = new ArrayList<>();
      for (EncryptedLogisticRegression.Result r : perClass) {
        w.add(r.weights());
      }
      return w;
    }
  }

  private final EncryptedLogisticRegression trainer;

  /**
   * @param evaluator holding the relinearisation key and the plan's rotations
   * @throws IllegalArgumentException if the plan was made for other parameters
   */
  public EncryptedOneVsRest(Evaluator evaluator, Encoder encoder, TrainingPlan plan) {
    this.trainer = new EncryptedLogisticRegression(evaluator, encoder, plan);
  }

  public TrainingPlan plan() {
    return trainer.plan();
  }

  /**
   * Data owner: the {@code K} designs {@code z_c = y_c (1, x)}, {@code y_c = +1} for class
   * {@code c} and {@code -1} otherwise.
   *
   * @param classes class index of each row, in {@code [0, numClasses)}; every class must occur
   */
  public static double[][][] designs(double[][] x, int[] classes, int numClasses) {
    if (numClasses < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
    }
    if (x.length != classes.length) {
      throw new IllegalArgumentException(x.length + " rows but " + classes.length + " classes");
    }
    boolean[] present = new boolean[numClasses];
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] < 0 || classes[i] >= numClasses) {
        throw new IllegalArgumentException("row " + i + " has class " + classes[i]
            + ", outside [0, " + numClasses + ")");
      }
      present[classes[i]] = true;
    }
    double[][][] z = new double[numClasses][][];
    for (int c = 0; c < numClasses; c++) {
      if (!present[c]) {
        throw new IllegalArgumentException("class " + c + " has no training rows");
      }
      double[] y = new double[classes.length];
      for (int i = 0; i < y.length; i++) {
        y[i] = classes[i] == c ? 1 : -1;
      }
      z[c] = EncryptedLogisticRegression.design(x, y);
    }
    return z;
  }

  /** Data owner: packs and encrypts every design of {@link #designs} for the plan's layout. */
  public static Ciphertext[][] encrypt(double[][][] designs, TrainingPlan plan, Encoder encoder,
      Encryptor encryptor) {
    TablePacker packer = new TablePacker(encoder, plan.layout());
    Ciphertext[][] out = new Ciphertext[designs.length][];
    for (int c = 0; c < designs.length; c++) {
      out[c] = packer.encrypt(designs[c], encryptor);
    }
    return out;
  }

  /** {@link #train(Ciphertext[][], Refresher)} without refresh. */
  public Result train(Ciphertext[][] z) {
    return train(z, null);
  }

  /**
   * Untrusted node: trains one binary model per class with the shared plan and keys.
   *
   * @param z one packed encrypted design per class
   * @param refresher used where the plan schedules refreshes (may be null if none is planned)
   * @throws IllegalArgumentException before any work if fewer than 2 classes are given or a
   *     table does not match the plan
   */
  public Result train(Ciphertext[][] z, Refresher refresher) {
    Objects.requireNonNull(z, "z");
    if (z.length < 2) {
      throw new IllegalArgumentException("need at least 2 class tables, got " + z.length);
    }
    int expected = plan().layout().ciphertexts();
    for (int c = 0; c < z.length; c++) {
      if (z[c] == null || z[c].length != expected) {
        throw new IllegalArgumentException("class " + c + ": the plan's layout has " + expected
            + " ciphertexts, got " + (z[c] == null ? "none" : z[c].length));
      }
    }
    List<EncryptedLogisticRegression.Result> results = new ArrayList<>();
    for (Ciphertext[] table : z) {
      results.add(trainer.train(table, refresher, null));
    }
    return new Result(results);
  }

  /**
   * Key holder: decrypts the {@code K} weight vectors ({@code features + 1} values each) into a
   * plain one-vs-rest model; its prediction, the argmax of the per-class probabilities, is the
   * argmax of the linear scores (lowest class index on ties).
   */
  public static OneVsRest decrypt(Result result, Encoder encoder, Decryptor decryptor,
      int features) {
    List<LogisticModel> models = new ArrayList<>();
    for (Ciphertext w : result.weights()) {
      models.add(new LogisticModel(
          EncryptedLogisticRegression.decryptWeights(w, encoder, decryptor, features)));
    }
    return OneVsRest.of(models);
  }
}
