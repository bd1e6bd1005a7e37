package dev.veil.ml.infer;

import java.util.Objects;

import dev.veil.ml.linalg.Layout;

/**
 * Public metadata of an encrypted inference result: which slot of which ciphertext holds which
 * row's output. Row r's value sits in ciphertext {@code layout.ciphertextOf(r)}, slot {@code
 * layout.blockStart(r)} (the first slot of the row's block); every other slot is not a result
 * slot (padding rows included).
 *
 * <p>It reveals the shape of the query (rows, features, packing), nothing of the values, and goes
 * back to the buyer with the ciphertexts. Immutable.
 *
 * @param layout the packing of the rows the result was computed from
 * @param output what the result slots hold
 * @param otherSlotsZero true when every non-result slot holds (an encryption of, up to noise)
 *     zero, e.g. after {@link OutputSanitizer} cleared them; false when they hold partial sums or
 *     other by-products of the computation
 */
public record ResultDescriptor(Layout layout, Output output, boolean otherSlotsZero) {
  /** What the result slots hold. */
  public enum Output {
    /** The linear score {@code beta_0 + <beta, x>} of each row. */
    SCORES,
    /** The polynomial sigmoid of the score of each row (a probability). */
    PROBABILITIES
  }

  public ResultDescriptor {
    Objects.requireNonNull(layout, "layout");
    Objects.requireNonNull(output, "output");
  }

  /** Number of rows (= result values). */
  public int rows() {
    return layout.rows();
  }

  /** Number of ciphertexts of the result. */
  public int ciphertexts() {
    return layout.ciphertexts();
  }

  /** The ciphertext holding row {@code row}'s result. */
  public int ciphertextOf(int row) {
    return layout.ciphertextOf(row);
  }

  /** The slot holding row {@code row}'s result, inside its ciphertext. */
  public int slotOf(int row) {
    return layout.blockStart(row);
  }

  /** The result slots of ciphertext {@code c}, ascending (real rows only, no padding). */
  public int[] resultSlots(int c) {
    int first = layout.firstRow(c);
    int[] out = new int[layout.rowsIn(c)];
    for (int i = 0; i < out.length; i++) {
      out[i] = layout.blockStart(first + i);
    }
    return out;
  }

  /** The 0/1 slot vector of ciphertext {@code c}: 1 at its result slots, 0 elsewhere. */
  public double[] resultMask(int c) {
    double[] mask = new double[layout.slots()];
    for (int s : resultSlots(c)) {
      mask[s] = 1;
    }
    return mask;
  }

  /** The same descriptor, with the non-result slots marked as cleared. */
  ResultDescriptor cleared() {
    return new ResultDescriptor(layout, output, true);
  }

  /**
   * One value per row read from decoded slot vectors (one per ciphertext).
   *
   * @throws IllegalArgumentException if the number or size of the slot vectors does not match
   */
  public double[] read(double[][] slotVectors) {
    if (slotVectors.length != layout.ciphertexts()) {
      throw new IllegalArgumentException("the result has " + layout.ciphertexts()
          + " ciphertexts, got " + slotVectors.length + " slot vectors");
    }
    double[] out = new double[layout.rows()];
    for (int r = 0; r < out.length; r++) {
      double[] v = slotVectors[layout.ciphertextOf(r)];
      if (v.length != layout.slots()) {
        throw new IllegalArgumentException("slot vector of " + v.length + " values, the layout has "
            + layout.slots() + " slots");
      }
      out[r] = v[layout.blockStart(r)];
    }
    return out;
  }
}
