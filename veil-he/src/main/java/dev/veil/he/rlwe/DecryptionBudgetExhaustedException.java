package dev.veil.he.rlwe;

/** A key has made all the shared (flooded) decryptions its policy allows. */
public final class DecryptionBudgetExhaustedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public DecryptionBudgetExhaustedException(String message) {
    super(message);
  }
}
