package dev.veil.ml.linalg;

import dev.veil.he.rlwe.Parameters;

/**
 * How a table of {@code rows x features} real values is packed, row-major, into the slots of CKKS
 * ciphertexts (the layout of the secure logistic-regression literature: a block of samples x
 * features per ciphertext).
 *
 * <p>Features are padded with zeros to {@link #blockSize()}, the next power of two, so that each
 * row occupies one aligned block of slots and rotations by 1, 2, 4, ... sum inside a block. A
 * ciphertext holds {@link #rowsPerCiphertext()} = slots / blockSize consecutive rows (a power of
 * two); the table takes {@link #ciphertexts()} = ceil(rows / rowsPerCiphertext) ciphertexts, the
 * last one padded with zero rows. Row r, feature f sits in ciphertext {@code r /
 * rowsPerCiphertext}, slot {@code (r mod rowsPerCiphertext) * blockSize + f}.
 *
 * <p>Immutable public metadata: it reveals the table's shape, nothing of its values.
 */
public final class Layout {
  private final int slots;
  private final int rows;
  private final int features;
  private final int blockSize;
  private final int rowsPerCiphertext;
  private final int ciphertexts;

  private Layout(int slots, int rows, int features) {
    if (slots < 1 || Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, got " + slots);
    }
    if (rows < 1) {
      throw new IllegalArgumentException("a layout needs at least one row, got " + rows);
    }
    if (features < 1) {
      throw new IllegalArgumentException("a layout needs at least one feature, got " + features);
    }
    if (features > slots) {
      throw new IllegalArgumentException(
          "too many features for the slots: " + features + " features do not fit in " + slots
              + " slots (use a larger ring degree or split the features)");
    }
    this.slots = slots;
    this.rows = rows;
    this.features = features;
    this.blockSize = nextPowerOfTwo(features);
    this.rowsPerCiphertext = slots / blockSize;
    this.ciphertexts = (int) ((rows + (long) rowsPerCiphertext - 1) / rowsPerCiphertext);
  }

  /** A layout for {@code slots} slots (a power of two). */
  public static Layout of(int slots, int rows, int features) {
    return new Layout(slots, rows, features);
  }

  /** A layout for the slots of these parameters (N/2). */
  public static Layout of(Parameters params, int rows, int features) {
    return new Layout(params.slots(), rows, features);
  }

  static int nextPowerOfTwo(int x) {
    if (x <= 1) {
      return 1;
    }
    int p = Integer.highestOneBit(x - 1) << 1;
    if (p <= 0) {
      throw new IllegalArgumentException("no power of two fits an int above " + x);
    }
    return p;
  }

  public int slots() {
    return slots;
  }

  /** Number of rows n of the table. */
  public int rows() {
    return rows;
  }

  /** Number of features d of the table. */
  public int features() {
    return features;
  }

  /** Slots per row: d' = the smallest power of two at least {@link #features()}. */
  public int blockSize() {
    return blockSize;
  }

  /** Rows packed into one ciphertext: slots / blockSize (a power of two). */
  public int rowsPerCiphertext() {
    return rowsPerCiphertext;
  }

  /** Number of ciphertexts of the table: ceil(rows / rowsPerCiphertext). */
  public int ciphertexts() {
    return ciphertexts;
  }

  /** The ciphertext holding row {@code row}. */
  public int ciphertextOf(int row) {
    checkRow(row);
    return row / rowsPerCiphertext;
  }

  /** The slot of (row, feature) inside its ciphertext. */
  public int slotOf(int row, int feature) {
    checkRow(row);
    if (feature < 0 || feature >= features) {
      throw new IndexOutOfBoundsException(
          "feature " + feature + " outside [0, " + features + ")");
    }
    return (row % rowsPerCiphertext) * blockSize + feature;
  }

  /** The first slot of the row's block in its ciphertext (where a per-row sum lands). */
  public int blockStart(int row) {
    return slotOf(row, 0);
  }

  /** The first row held by ciphertext {@code c}. */
  public int firstRow(int c) {
    checkCiphertext(c);
    return c * rowsPerCiphertext;
  }

  /** Number of real (not padding) rows in ciphertext {@code c}. */
  public int rowsIn(int c) {
    checkCiphertext(c);
    return Math.min(rowsPerCiphertext, rows - c * rowsPerCiphertext);
  }

  private void checkRow(int row) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("row " + row + " outside [0, " + rows + ")");
    }
  }

  private void checkCiphertext(int c) {
    if (c < 0 || c >= ciphertexts) {
      throw new IndexOutOfBoundsException(
          "ciphertext " + c + " outside [0, " + ciphertexts + ")");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Layout l && l.slots == slots && l.rows == rows && l.features == features;
  }

  @Override
  public int hashCode() {
    return (slots * 31 + rows) * 31 + features;
  }

  @Override
  public String toString() {
    return "Layout[" + rows + " rows x " + features + " features, block " + blockSize + ", "
        + rowsPerCiphertext + " rows per ciphertext, " + ciphertexts + " ciphertexts of " + slots
        + " slots]";
  }
}
