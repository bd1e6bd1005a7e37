package dev.veil.ml.train;

import dev.veil.he.rlwe.Ciphertext;

/**
 * Gives ciphertexts whose levels are spent fresh encryptions of (approximately) the same values at
 * the top level. Called by the encrypted trainers only where their {@link TrainingPlan} planned a
 * refresh. The untrusted node cannot do this alone (without bootstrapping, it needs the key
 * holder); {@link KeyHolderRefresher} is the key holder's side.
 */
@FunctionalInterface
public interface Refresher {
  /**
   * @param cts ciphertexts at a low level (any scale)
   * @return fresh encryptions of the same slot values at the top level and the default scale, in
   *     the same order
   */
  Ciphertext[] refresh(Ciphertext[] cts);
}
