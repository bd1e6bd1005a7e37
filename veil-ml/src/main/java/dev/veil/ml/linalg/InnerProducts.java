package dev.veil.ml.linalg;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.ml.linalg.RotateSum.Placement;

/**
 * Row-by-vector inner products over a table packed with a {@link Layout}: the score
 * {@code <x_i, w>} of every row at once, in the first slot of the row's block (or over the whole
 * block). This is batched inference for linear and logistic models.
 *
 * <h2>Cost</h2>
 *
 * <ul>
 *   <li>Plaintext weights ({@link #scores(Ciphertext[], double[], Placement)}): one plaintext
 *       multiplication and a rescale (one level; the weights are encoded at the scale of the prime
 *       the rescale removes, so the scores keep the table's scale exactly), then a feature sum:
 *       {@code log2(blockSize)} rotations, plus the placement's level and rotations (see {@link
 *       RotateSum}).
 *   <li>Encrypted weights ({@link #scores(Ciphertext[], Ciphertext, Placement)}), replicated per
 *       block as {@link TablePacker#encryptReplicated} makes them: a multiplication, a
 *       relinearisation (needs the relinearisation key) and a rescale (one level; scale
 *       {@code s_x s_w / q}), then the feature sum.
 * </ul>
 *
 * Rotation keys: {@link #rotationsNeeded(Layout, Placement)}. Keys are checked before any work.
 */
public final class InnerProducts {
  private final Evaluator ev;
  private final Encoder encoder;
  private final Layout layout;
  private final Parameters params;
  private final RotateSum sums;

  public InnerProducts(Evaluator evaluator, Encoder encoder, Layout layout) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.params = evaluator.context().parameters();
    this.sums = new RotateSum(evaluator, encoder, layout);
  }

  /** The rotations the scores need with this placement. */
  public static int[] rotationsNeeded(Layout layout, Placement placement) {
    return RotateSum.featureSumRotations(layout, placement);
  }

  /** Levels consumed: 1 for the product, plus the placement's mask. */
  public static int levelCost(Placement placement) {
    return 1 + placement.levelCost();
  }

  /**
   * Scores of every row against plaintext weights ({@code features} values).
   *
   * @return one ciphertext per table ciphertext, {@code <x_r, w>} at row r's block start
   */
  public Ciphertext[] scores(Ciphertext[] table, double[] weights, Placement placement) {
    Keys.requireRotations(ev, rotationsNeeded(layout, placement), "inner products");
    requireLevels(table, placement);
    double[] w = new TablePacker(encoder, layout).replicatedSlots(weights);
    Ciphertext[] out = new Ciphertext[table.length];
    Plaintext pt = null;
    for (int c = 0; c < table.length; c++) {
      Ciphertext ct = table[c];
      int level = ct.level();
      if (pt == null || pt.level() != level) {
        pt = encoder.encode(w, level, (double) params.q(level));
      }
      Ciphertext prod = ev.mulPlainNew(ct, pt);
      ev.rescale(prod, prod);
      prod.setScale(ct.scale());
      out[c] = sums.sumFeaturesChecked(prod, placement);
    }
    return out;
  }

  /**
   * Scores of every row against encrypted weights replicated in every block.
   *
   * @throws dev.veil.he.rlwe.MissingKeyException before any work without the relinearisation key
   *     or a rotation key
   */
  public Ciphertext[] scores(Ciphertext[] table, Ciphertext weights, Placement placement) {
    Keys.requireRelinearization(ev, "encrypted inner products");
    Keys.requireRotations(ev, rotationsNeeded(layout, placement), "inner products");
    requireLevels(table, placement);
    requireLevels(new Ciphertext[] {weights}, placement);
    Ciphertext[] out = new Ciphertext[table.length];
    for (int c = 0; c < table.length; c++) {
      Ciphertext prod = ev.mulRelinNew(table[c], weights);
      ev.rescale(prod, prod);
      out[c] = sums.sumFeaturesChecked(prod, placement);
    }
    return out;
  }

  private void requireLevels(Ciphertext[] table, Placement placement) {
    int needed = levelCost(placement);
    for (Ciphertext ct : table) {
      if (ct.level() < needed) {
        throw new dev.veil.he.ckks.LevelException("inner products with placement " + placement
            + " consume " + needed + " level(s); an operand is at level " + ct.level());
      }
    }
  }

  /**
   * Decrypts the scores: one value per row of the layout (slot of row r's block start).
   */
  public double[] decryptScores(Ciphertext[] scores, Decryptor decryptor) {
    double[][] slots = new TablePacker(encoder, layout).decryptSlots(scores, decryptor);
    return new TablePacker(encoder, layout).column(slots, 0);
  }
}
