package dev.veil.he.rlwe;

/**
 * Token required to read a secret key's coefficients. Its one instance has a name that is easy to
 * search for: every place that handles raw secret material says {@code SecretKeyAccess.INSECURE}.
 */
public final class SecretKeyAccess {
  /** The only token. Use it only where the secret must be written to its owner's storage. */
  public static final SecretKeyAccess INSECURE = new SecretKeyAccess();

  private SecretKeyAccess() {}
}
