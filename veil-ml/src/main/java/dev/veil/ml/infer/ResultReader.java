package dev.veil.ml.infer;

import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;

/**
 * The key holder's side of inference: decrypts an {@link EncryptedResult} and reads one value per
 * row (score or probability) from the slots its {@link ResultDescriptor} names. Thread-safe.
 */
public final class ResultReader {
  private final Encoder encoder;
  private final Decryptor decryptor;

  public ResultReader(Encoder encoder, Decryptor decryptor) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.decryptor = Objects.requireNonNull(decryptor, "decryptor");
  }

  /** The decoded slot vectors, one per ciphertext (all slots, for inspection). */
  public double[][] slots(EncryptedResult result) {
    Ciphertext[] cts = result.ciphertexts();
    double[][] out = new double[cts.length][];
    for (int c = 0; c < cts.length; c++) {
      out[c] = encoder.decode(decryptor.decrypt(cts[c]));
    }
    return out;
  }

  /** One value per row, in row order. */
  public double[] read(EncryptedResult result) {
    return result.descriptor().read(slots(result));
  }
}
