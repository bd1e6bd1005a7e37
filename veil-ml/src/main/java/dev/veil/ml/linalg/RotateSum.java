package dev.veil.ml.linalg;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * Sums over a table packed with a {@link Layout}: across the features of each row (inside each
 * block of {@code blockSize} slots), across the rows of one ciphertext (the same feature of every
 * block), and across ciphertexts.
 *
 * <h2>Feature sums and their cost</h2>
 *
 * Rotating left by 1, 2, ..., blockSize/2 and adding leaves the sum of each row's block in the
 * block's first slot ({@code log2(blockSize)} rotations). The other slots then hold partial sums
 * that run into the next block; {@link Placement} says what to do with them:
 *
 * <ul>
 *   <li>{@link Placement#RAW}: nothing. No level consumed; only each block's first slot is
 *       meaningful. Use when a later plaintext multiplication masks anyway.
 *   <li>{@link Placement#FIRST}: multiplies by a 0/1 mask of the block starts and rescales: one
 *       level consumed, zeros elsewhere. The mask is encoded at the scale of the prime the rescale
 *       removes, so the scale of the result equals the scale of the input exactly.
 *   <li>{@link Placement#REPLICATED}: FIRST, then rotations right by 1, 2, ..., blockSize/2 copy
 *       each sum over its whole block: one level and {@code 2 log2(blockSize)} rotations.
 * </ul>
 *
 * <h2>Row sums</h2>
 *
 * Rows of one ciphertext are summed by rotations by blockSize, 2 blockSize, ..., slots/2: since
 * the blocks tile the slots exactly, the result is already replicated (every block holds the
 * column sums) and no mask or level is needed. Across ciphertexts, sums are plain additions.
 *
 * <p>{@link #rotationsNeeded} lists the exact rotations of each operation, so that a planner
 * generates exactly those Galois keys; every method checks its keys before doing any work and
 * throws {@link dev.veil.he.rlwe.MissingKeyException} naming the missing rotation.
 */
public final class RotateSum {
  /** Where a feature sum lands, and at what cost (see the class documentation). */
  public enum Placement {
    /** First slot of each block; other slots garbage. No level. */
    RAW,
    /** First slot of each block; other slots zero. One level. */
    FIRST,
    /** Every slot of the block. One level. */
    REPLICATED;

    /** Levels this placement consumes. */
    public int levelCost() {
      return this == RAW ? 0 : 1;
    }
  }

  /** The operations whose rotations {@link #rotationsNeeded} lists. */
  public enum Op {
    FEATURES_RAW,
    FEATURES_FIRST,
    FEATURES_REPLICATED,
    ROWS
  }

  private final Evaluator ev;
  private final Encoder encoder;
  private final Layout layout;
  private final Parameters params;

  public RotateSum(Evaluator evaluator, Encoder encoder, Layout layout) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.params = evaluator.context().parameters();
    if (layout.slots() != params.slots()) {
      throw new IllegalArgumentException("layout has " + layout.slots()
          + " slots, the parameters have " + params.slots());
    }
  }

  public Layout layout() {
    return layout;
  }

  // ------------------------------------------------------------------ rotations

  /** Rotations of a feature sum with this placement (left 1, 2, ...; right for REPLICATED). */
  public static int[] featureSumRotations(Layout layout, Placement placement) {
    int[] left = Evaluator.rotateAndSumRotations(layout.blockSize());
    if (placement != Placement.REPLICATED) {
      return left;
    }
    int[] both = new int[2 * left.length];
    for (int i = 0; i < left.length; i++) {
      both[i] = left[i];
      both[left.length + i] = -left[i];
    }
    return Keys.sorted(both);
  }

  /** Rotations of a row sum: blockSize, 2 blockSize, ..., slots/2. */
  public static int[] rowSumRotations(Layout layout) {
    int per = layout.rowsPerCiphertext();
    int[] r = new int[Integer.numberOfTrailingZeros(per)];
    for (int i = 0; i < r.length; i++) {
      r[i] = layout.blockSize() << i;
    }
    return r;
  }

  /** The distinct rotations (sorted, no 0) used by the given operations. */
  public static int[] rotationsNeeded(Layout layout, Op... ops) {
    int[][] sets = new int[ops.length][];
    for (int i = 0; i < ops.length; i++) {
      sets[i] = switch (ops[i]) {
        case FEATURES_RAW -> featureSumRotations(layout, Placement.RAW);
        case FEATURES_FIRST -> featureSumRotations(layout, Placement.FIRST);
        case FEATURES_REPLICATED -> featureSumRotations(layout, Placement.REPLICATED);
        case ROWS -> rowSumRotations(layout);
      };
    }
    return Keys.union(sets);
  }

  // ------------------------------------------------------------------ feature sums

  /**
   * Sums the features of every row of {@code ct}: row r's sum lands per {@code placement}.
   * The input is not modified.
   *
   * @throws dev.veil.he.rlwe.MissingKeyException before any work if a rotation key is missing
   * @throws LevelException before any work if a masking placement meets a level-0 ciphertext
   */
  public Ciphertext sumFeatures(Ciphertext ct, Placement placement) {
    Keys.requireRotations(ev, featureSumRotations(layout, placement), "feature sum");
    requireLevelFor(ct, placement, "feature sum");
    return sumFeaturesChecked(ct, placement);
  }

  /** {@link #sumFeatures(Ciphertext, Placement)} on every ciphertext. */
  public Ciphertext[] sumFeatures(Ciphertext[] cts, Placement placement) {
    Keys.requireRotations(ev, featureSumRotations(layout, placement), "feature sum");
    for (Ciphertext ct : cts) {
      requireLevelFor(ct, placement, "feature sum");
    }
    Ciphertext[] out = new Ciphertext[cts.length];
    for (int c = 0; c < cts.length; c++) {
      out[c] = sumFeaturesChecked(cts[c], placement);
    }
    return out;
  }

  static void requireLevelFor(Ciphertext ct, Placement placement, String op) {
    if (placement != Placement.RAW && ct.level() == 0) {
      throw new LevelException(op + ": placement " + placement
          + " masks with a plaintext multiplication and a rescale, which needs one level; the"
          + " ciphertext is at level 0 (use RAW, or keep a level for the mask)");
    }
  }

  /** Keys and level already checked. */
  Ciphertext sumFeaturesChecked(Ciphertext ct, Placement placement) {
    int block = layout.blockSize();
    Ciphertext acc = block == 1 ? ct.copy() : ev.rotateAndSumNew(ct, block);
    if (placement == Placement.RAW) {
      return acc;
    }
    maskBlockStarts(acc);
    if (placement == Placement.REPLICATED) {
      Ciphertext tmp = Ciphertext.empty(params);
      for (int k = 1; k < block; k <<= 1) {
        ev.rotate(acc, -k, tmp);
        ev.add(acc, tmp, acc);
      }
    }
    return acc;
  }

  /** In place: keeps the first slot of every block, zeroes the rest; one level, same scale. */
  void maskBlockStarts(Ciphertext ct) {
    double[] mask = new double[layout.slots()];
    for (int s = 0; s < mask.length; s += layout.blockSize()) {
      mask[s] = 1;
    }
    multiplyRescaleKeepScale(ct, mask);
  }

  /**
   * In place: slot-wise product with {@code values} encoded at the scale of the prime the rescale
   * removes, then rescale; the scale is unchanged, one level is consumed.
   */
  void multiplyRescaleKeepScale(Ciphertext ct, double[] values) {
    int level = ct.level();
    Plaintext pt = encoder.encode(values, level, (double) params.q(level));
    double scale = ct.scale();
    ev.mulPlain(ct, pt, ct);
    ev.rescale(ct, ct);
    ct.setScale(scale); // exact up to rounding: (scale * q_l) / q_l
  }

  // ------------------------------------------------------------------ row and ciphertext sums

  /**
   * Sums the rows of one ciphertext, feature by feature: every block of the result holds the
   * column sums of the ciphertext's rows. No level consumed; log2(rowsPerCiphertext) rotations.
   */
  public Ciphertext sumRows(Ciphertext ct) {
    int[] rot = rowSumRotations(layout);
    Keys.requireRotations(ev, rot, "row sum");
    Ciphertext acc = ct.copy();
    Ciphertext tmp = Ciphertext.empty(params);
    for (int k : rot) {
      ev.rotate(acc, k, tmp);
      ev.add(acc, tmp, acc);
    }
    return acc;
  }

  /** The slot-wise sum of the ciphertexts (plain additions, no rotation, no level). */
  public Ciphertext sumCiphertexts(Ciphertext... cts) {
    if (cts.length == 0) {
      throw new IllegalArgumentException("sumCiphertexts: no ciphertext given");
    }
    Ciphertext acc = cts[0].copy();
    for (int c = 1; c < cts.length; c++) {
      ev.add(acc, cts[c], acc);
    }
    return acc;
  }

  /**
   * Column sums of the whole table: the ciphertexts added, then their rows summed; every block
   * of the result holds the sums over all rows (padding rows are zero). No level consumed.
   */
  public Ciphertext sumAllRows(Ciphertext... cts) {
    Keys.requireRotations(ev, rowSumRotations(layout), "row sum");
    return sumRows(sumCiphertexts(cts));
  }
}
