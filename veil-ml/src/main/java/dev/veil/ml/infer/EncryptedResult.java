package dev.veil.ml.infer;

import java.util.Objects;

import dev.veil.he.rlwe.Ciphertext;

/**
 * Encrypted inference outputs and their {@link ResultDescriptor}: ciphertext c holds the outputs
 * of the rows {@code descriptor.layout().firstRow(c) ..}, at the slots {@link
 * ResultDescriptor#resultSlots(int)}. The array is a copy; the ciphertexts themselves are shared
 * (mutable, like every {@link Ciphertext}).
 */
public record EncryptedResult(Ciphertext[] ciphertexts, ResultDescriptor descriptor) {
  public EncryptedResult {
    Objects.requireNonNull(descriptor, "descriptor");
    ciphertexts = ciphertexts.clone();
    if (ciphertexts.length != descriptor.ciphertexts()) {
      throw new IllegalArgumentException("the descriptor's layout has "
          + descriptor.ciphertexts() + " ciphertexts, got " + ciphertexts.length);
    }
    for (Ciphertext ct : ciphertexts) {
      Objects.requireNonNull(ct, "ciphertext");
    }
  }

  @Override
  public Ciphertext[] ciphertexts() {
    return ciphertexts.clone();
  }

  /** Ciphertext {@code c}. */
  public Ciphertext ciphertext(int c) {
    return ciphertexts[c];
  }

  public int size() {
    return ciphertexts.length;
  }
}
