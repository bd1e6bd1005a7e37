package dev.veil.ml.train;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.plain.Sigmoid;

/**
 * Veil's standard encrypted logistic-regression run, the one {@code veil keygen/encrypt/train}
 * and the server's training jobs share: Kim et al.'s Nesterov method with their polynomial
 * sigmoid of degree 3, 5 or 7 on [{@value #SIGMOID_A}, {@value #SIGMOID_B}], planned for the
 * table's shape (and, once the data is encrypted, for the parameters it was encrypted under).
 *
 * <p>{@link #train} checks the evaluation keys and the encrypted table against the plan before
 * any homomorphic work, so that a wrong key set or table fails at once with a message naming
 * what is missing, never midway. Never uses a secret key. Stateless.
 */
public final class LogisticTraining {
  /** Left end of the interval the sigmoid's argument is assumed in (Kim et al.). */
  public static final double SIGMOID_A = -8;
  /** Right end of that interval. */
  public static final double SIGMOID_B = 8;

  private LogisticTraining() {}

  /**
   * Kim et al.'s sigmoid approximation of this degree.
   *
   * @throws IllegalArgumentException unless the degree is 3, 5 or 7
   */
  public static Sigmoid sigmoid(int degree) {
    try {
      return Sigmoid.kim(degree);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the sigmoid degree must be 3, 5 or 7 (Kim et al.'s"
          + " sigmoid approximations), got " + degree, e);
    }
  }

  /**
   * The planner for {@code rows x features} data: this many iterations, Kim's sigmoid of this
   * degree on [{@value #SIGMOID_A}, {@value #SIGMOID_B}], Kim's learning rate, no L2. Add {@link
   * Planner#withParameters} once the data is encrypted, {@link Planner#withL2} to regularise.
   *
   * @throws IllegalArgumentException for an empty shape, fewer than one iteration or a degree
   *     other than 3, 5 or 7
   */
  public static Planner planner(int rows, int features, int iterations, int degree) {
    return Planner.logistic(rows, features).withIterations(iterations)
        .withSigmoid(sigmoid(degree), SIGMOID_A, SIGMOID_B);
  }

  /**
   * Checks that the evaluation keys hold the relinearisation key and every rotation the plan
   * needs, for the plan's parameters.
   *
   * @throws MissingKeyException naming the first missing key
   * @throws IllegalArgumentException if the keys were made for other parameters
   */
  public static void requireKeys(TrainingPlan plan, EvaluationKeys keys) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(keys, "keys");
    Parameters params = plan.params();
    params.requireSame(keys.parameters(), "training keys");
    if (!keys.hasRelinearizationKey()) {
      throw new MissingKeyException("the evaluation keys hold no relinearisation key, which"
          + " every training iteration needs");
    }
    for (int r : plan.rotations()) {
      if (!keys.hasGaloisKey(Evaluator.galoisElement(params, r))) {
        throw new MissingKeyException("the evaluation keys hold no Galois key for the rotation by "
            + r + " that training on " + plan.rows() + " rows x " + plan.features()
            + " features needs");
      }
    }
  }

  /**
   * Checks that the encrypted table has one ciphertext per ciphertext of the plan's layout, each
   * under the plan's parameters, of degree 1 and at the top level (where {@code veil encrypt}
   * puts it: the plan's level budget counts from there).
   *
   * @throws IllegalArgumentException naming the first ciphertext that does not fit
   */
  public static void requireTable(TrainingPlan plan, Ciphertext[] z) {
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(z, "z");
    int expected = plan.layout().ciphertexts();
    if (z.length != expected) {
      throw new IllegalArgumentException("the layout of " + plan.rows() + " rows x "
          + plan.features() + " features has " + expected + " ciphertexts, the table "
          + z.length);
    }
    Parameters params = plan.params();
    for (int c = 0; c < z.length; c++) {
      Objects.requireNonNull(z[c], "table ciphertext");
      params.requireSame(z[c].parameters(), "training table");
      if (z[c].degree() != 1) {
        throw new IllegalArgumentException("table ciphertext " + c + " has degree "
            + z[c].degree() + ", expected 1");
      }
      if (z[c].level() != params.maxLevel()) {
        throw new IllegalArgumentException("table ciphertext " + c + " is at level "
            + z[c].level() + ", expected the top level " + params.maxLevel());
      }
    }
  }

  /**
   * Checks keys and table ({@link #requireKeys}, {@link #requireTable}), then runs the plan.
   *
   * @param ctx a context for the plan's parameters
   * @param progress called after each iteration (may be null); an unchecked exception it throws
   *     stops the run there and propagates (how a caller cancels between iterations)
   * @throws IllegalArgumentException before any work if the plan needs refreshes (this run has no
   *     key holder to refresh with) or keys or table do not fit
   */
  public static EncryptedLogisticRegression.Result train(HeContext ctx, EvaluationKeys keys,
      TrainingPlan plan, Ciphertext[] z, EncryptedLogisticRegression.Progress progress) {
    Objects.requireNonNull(ctx, "ctx");
    ctx.parameters().requireSame(plan.params(), "training context");
    if (plan.refreshes() > 0) {
      throw new IllegalArgumentException("the plan schedules " + plan.refreshes()
          + " refreshes; a run without the key holder needs parameters with enough levels for"
          + " all " + plan.iterations() + " iterations (" + plan.totalLevels() + ")");
    }
    requireKeys(plan, keys);
    requireTable(plan, z);
    Evaluator ev = new Evaluator(ctx, keys);
    EncryptedLogisticRegression trainer =
        new EncryptedLogisticRegression(ev, new Encoder(ctx), plan);
    return trainer.train(z, null, progress);
  }
}
