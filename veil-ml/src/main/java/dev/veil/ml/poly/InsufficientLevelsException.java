package dev.veil.ml.poly;

/**
 * The input ciphertext has fewer levels than a polynomial evaluation needs. Raised before any
 * homomorphic operation; the message says how many levels are needed, for what, and how many the
 * ciphertext has.
 */
public final class InsufficientLevelsException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final int levelsNeeded;
  private final int levelsAvailable;

  public InsufficientLevelsException(String message, int levelsNeeded, int levelsAvailable) {
    super(message);
    this.levelsNeeded = levelsNeeded;
    this.levelsAvailable = levelsAvailable;
  }

  /** Levels the evaluation consumes. */
  public int levelsNeeded() {
    return levelsNeeded;
  }

  /** The input ciphertext's level. */
  public int levelsAvailable() {
    return levelsAvailable;
  }
}
