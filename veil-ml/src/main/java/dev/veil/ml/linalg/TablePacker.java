package dev.veil.ml.linalg;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * Packs a table into the ciphertexts of a {@link Layout} and back, and encodes "replicated"
 * vectors: a d-vector repeated in every row block, so that its slot-wise product with the packed
 * table holds {@code x[i][j] * w[j]} in slot (i, j).
 *
 * <p>Encryption takes an {@link Encryptor} built by the caller, with the public key (anyone may
 * upload data) or the secret key (smaller, seeded ciphertexts); decryption, for tests and for the
 * key owner, takes a {@link Decryptor}. Thread-safe (holds only the encoder and the layout).
 */
public final class TablePacker {
  private final Encoder encoder;
  private final Layout layout;
  private final Parameters params;

  /**
   * @throws IllegalArgumentException if the layout was made for a different number of slots
   */
  public TablePacker(Encoder encoder, Layout layout) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.params = encoder.parameters();
    if (layout.slots() != encoder.slots()) {
      throw new IllegalArgumentException("layout has " + layout.slots()
          + " slots, the parameters have " + encoder.slots());
    }
  }

  public Layout layout() {
    return layout;
  }

  // ------------------------------------------------------------------ plain slot vectors

  /**
   * The slot vectors of the table: {@code ciphertexts()} arrays of {@code slots()} values, padding
   * zero.
   *
   * @throws IllegalArgumentException if the table is not rows x features or holds a value that is
   *     not finite
   */
  public double[][] toSlots(double[][] table) {
    Objects.requireNonNull(table, "table");
    if (table.length != layout.rows()) {
      throw new IllegalArgumentException(
          "table has " + table.length + " rows, the layout " + layout.rows());
    }
    int d = layout.features();
    int block = layout.blockSize();
    int per = layout.rowsPerCiphertext();
    double[][] out = new double[layout.ciphertexts()][layout.slots()];
    for (int r = 0; r < table.length; r++) {
      double[] row = table[r];
      if (row == null || row.length != d) {
        throw new IllegalArgumentException("row " + r + " has "
            + (row == null ? "no" : String.valueOf(row.length)) + " values, the layout " + d
            + " features");
      }
      double[] dst = out[r / per];
      int base = (r % per) * block;
      for (int f = 0; f < d; f++) {
        double v = row[f];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("table[" + r + "][" + f + "] is not finite: " + v);
        }
        dst[base + f] = v;
      }
    }
    return out;
  }

  /** The table read back from its slot vectors (the inverse of {@link #toSlots}). */
  public double[][] fromSlots(double[][] slotVectors) {
    if (slotVectors.length != layout.ciphertexts()) {
      throw new IllegalArgumentException("expected " + layout.ciphertexts()
          + " slot vectors, got " + slotVectors.length);
    }
    int d = layout.features();
    int block = layout.blockSize();
    int per = layout.rowsPerCiphertext();
    double[][] table = new double[layout.rows()][d];
    for (int r = 0; r < table.length; r++) {
      System.arraycopy(slotVectors[r / per], (r % per) * block, table[r], 0, d);
    }
    return table;
  }

  /**
   * The slot vector holding {@code vector} (length features) in every row block, padding zero.
   */
  public double[] replicatedSlots(double[] vector) {
    if (vector.length != layout.features()) {
      throw new IllegalArgumentException("vector has " + vector.length + " values, the layout "
          + layout.features() + " features");
    }
    double[] out = new double[layout.slots()];
    int block = layout.blockSize();
    for (int f = 0; f < vector.length; f++) {
      if (!Double.isFinite(vector[f])) {
        throw new IllegalArgumentException("vector[" + f + "] is not finite: " + vector[f]);
      }
    }
    for (int base = 0; base < out.length; base += block) {
      System.arraycopy(vector, 0, out, base, vector.length);
    }
    return out;
  }

  /** One value per row: slot (row, feature) of each row's ciphertext. */
  public double[] column(double[][] slotVectors, int feature) {
    double[] out = new double[layout.rows()];
    for (int r = 0; r < out.length; r++) {
      out[r] = slotVectors[layout.ciphertextOf(r)][layout.slotOf(r, feature)];
    }
    return out;
  }

  // ------------------------------------------------------------------ encode, encrypt

  /** The table encoded at {@code level} and {@code scale}, one plaintext per ciphertext. */
  public Plaintext[] encode(double[][] table, int level, double scale) {
    double[][] slots = toSlots(table);
    Plaintext[] out = new Plaintext[slots.length];
    for (int c = 0; c < slots.length; c++) {
      out[c] = encoder.encode(slots[c], level, scale);
    }
    return out;
  }

  /** Encrypts the table at the top level and the default scale. */
  public Ciphertext[] encrypt(double[][] table, Encryptor encryptor) {
    return encrypt(table, encryptor, params.maxLevel(), params.defaultScale());
  }

  /** Encrypts the table at {@code level} and {@code scale}. */
  public Ciphertext[] encrypt(double[][] table, Encryptor encryptor, int level, double scale) {
    Plaintext[] pts = encode(table, level, scale);
    Ciphertext[] out = new Ciphertext[pts.length];
    for (int c = 0; c < pts.length; c++) {
      out[c] = encryptor.encrypt(pts[c]);
    }
    return out;
  }

  /** {@code vector} replicated in every row block, encoded at {@code level} and {@code scale}. */
  public Plaintext encodeReplicated(double[] vector, int level, double scale) {
    return encoder.encode(replicatedSlots(vector), level, scale);
  }

  /** {@code vector} replicated in every row block, encrypted at the top level, default scale. */
  public Ciphertext encryptReplicated(double[] vector, Encryptor encryptor) {
    return encryptor.encrypt(
        encodeReplicated(vector, params.maxLevel(), params.defaultScale()));
  }

  // ------------------------------------------------------------------ decrypt

  /** Decrypts and decodes each ciphertext to its slot vector. */
  public double[][] decryptSlots(Ciphertext[] cts, Decryptor decryptor) {
    double[][] out = new double[cts.length][];
    for (int c = 0; c < cts.length; c++) {
      out[c] = encoder.decode(decryptor.decrypt(cts[c]));
    }
    return out;
  }

  /** Decrypts the table (the inverse of {@link #encrypt}, up to CKKS noise). */
  public double[][] decrypt(Ciphertext[] cts, Decryptor decryptor) {
    return fromSlots(decryptSlots(cts, decryptor));
  }
}
