package dev.veil.ml.infer;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.infer.ResultDescriptor.Output;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.linalg.RotateSum;
import dev.veil.ml.linalg.RotateSum.Placement;
import dev.veil.ml.linalg.TablePacker;

/**
 * Plaintext rows scored by an <em>encrypted</em> linear or logistic model: the model (e.g. one
 * trained under encryption, that only its owner can decrypt) is a ciphertext holding its weights
 * {@code (beta_0, beta_1, ..., beta_d)}, intercept first, replicated in every row block. Whoever
 * holds the rows and the evaluation keys computes the encrypted scores of its rows; only the
 * model's key holder can decrypt them.
 *
 * <h2>Packing</h2>
 *
 * The intercept is handled as a feature: the rows are augmented with a leading constant 1, so the
 * layout has {@code features + 1} columns ({@link #layoutFor}) and the score of row r is the
 * inner product of its augmented row with the model vector. The model ciphertext depends only on
 * the block size and the slots, not on the number of rows: one encryption ({@link
 * #encryptModel}) serves any batch whose layout has the same block size.
 *
 * <h2>Cost, per ciphertext of rows</h2>
 *
 * The augmented rows are encoded (at the model's level and at the scale of the prime the rescale
 * removes, so the scores keep the model's scale exactly), multiplied into the model ({@code
 * mulPlain}, no relinearisation), rescaled (one level), and summed over each block with {@code
 * log2(blockSize)} rotations ({@link RotateSum}); {@link Placement#FIRST} masks the other slots
 * for one more level. Thread-safe if ciphertexts are not shared between threads.
 */
public final class PlainRowsEncryptedModel {
  private final Evaluator ev;
  private final Encoder encoder;
  private final Layout layout;
  private final Parameters params;
  private final RotateSum sums;

  /**
   * @param layout the layout of the augmented rows: {@link #layoutFor}(params, rows, features)
   */
  public PlainRowsEncryptedModel(Evaluator evaluator, Encoder encoder, Layout layout) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.params = evaluator.context().parameters();
    if (layout.features() < 2) {
      throw new IllegalArgumentException(
          "the layout must hold the intercept column and at least one feature");
    }
    this.sums = new RotateSum(evaluator, encoder, layout);
  }

  /** The layout of {@code rows} rows of {@code features} features plus the intercept column. */
  public static Layout layoutFor(Parameters params, int rows, int features) {
    return Layout.of(params, rows, features + 1);
  }

  /** Rotations the scores need with this placement. */
  public static int[] rotationsNeeded(Layout layout, Placement placement) {
    return RotateSum.featureSumRotations(layout, placement);
  }

  /**
   * The model's encrypted vector: {@code weightsWithIntercept} (intercept first) replicated in
   * every block of {@code layout}, at the top level and the default scale. For the model's key
   * holder (or anyone with its public key).
   */
  public static Ciphertext encryptModel(Encoder encoder, Encryptor encryptor, Layout layout,
      double[] weightsWithIntercept) {
    return new TablePacker(encoder, layout).encryptReplicated(weightsWithIntercept, encryptor);
  }

  public Layout layout() {
    return layout;
  }

  /**
   * Encrypted scores {@code beta_0 + <beta, x_r>} of plaintext rows.
   *
   * @param rows {@code layout.rows()} rows of {@code layout.features() - 1} features (no
   *     intercept column: it is added here)
   * @param model the replicated encrypted model vector (intercept first)
   * @param placement RAW (one level; non-result slots hold partial sums) or FIRST (two; zeros)
   * @throws dev.veil.he.rlwe.MissingKeyException before any work without a rotation key
   * @throws LevelException before any work if the model lacks the levels
   */
  public EncryptedResult scores(double[][] rows, Ciphertext model, Placement placement) {
    Objects.requireNonNull(model, "model");
    if (placement == Placement.REPLICATED) {
      throw new IllegalArgumentException(
          "REPLICATED placement is not an inference output: use RAW or FIRST");
    }
    int needed = 1 + placement.levelCost();
    if (model.level() < needed) {
      throw new LevelException("plaintext rows x encrypted model with placement " + placement
          + " consume " + needed + " level(s); the model is at level " + model.level());
    }
    if (model.degree() != 1) {
      throw new IllegalArgumentException("the model ciphertext must be relinearised (degree 1)");
    }
    // keys first: the feature sum checks them, but before any work is better
    if (layout.blockSize() > 1) {
      for (int k : rotationsNeeded(layout, placement)) {
        ev.keys().galoisKey(Evaluator.galoisElement(params, k), "rotation by " + k
            + " (plaintext rows x encrypted model)");
      }
    }
    double[][] slots = new TablePacker(encoder, layout).toSlots(augment(rows));
    int level = model.level();
    double scale = model.scale();
    Ciphertext[] out = new Ciphertext[slots.length];
    for (int c = 0; c < slots.length; c++) {
      Plaintext pt = encoder.encode(slots[c], level, (double) params.q(level));
      Ciphertext prod = ev.mulPlainNew(model, pt);
      ev.rescale(prod, prod);
      prod.setScale(scale); // (scale * q_l) / q_l, exact up to rounding
      out[c] = sums.sumFeatures(prod, placement);
    }
    return new EncryptedResult(out,
        new ResultDescriptor(layout, Output.SCORES, placement == Placement.FIRST));
  }

  private double[][] augment(double[][] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length != layout.rows()) {
      throw new IllegalArgumentException(
          "got " + rows.length + " rows, the layout has " + layout.rows());
    }
    int d = layout.features() - 1;
    double[][] aug = new double[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != d) {
        throw new IllegalArgumentException("row " + r + " has "
            + (rows[r] == null ? "no" : String.valueOf(rows[r].length))
            + " values, the model " + d + " features");
      }
      aug[r] = new double[d + 1];
      aug[r][0] = 1;
      System.arraycopy(rows[r], 0, aug[r], 1, d);
    }
    return aug;
  }
}
