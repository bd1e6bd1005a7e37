package dev.veil.he.rlwe;

/**
 * Public key {@code (b, a) = (-a s + e, a)} over every prime of Q and P, NTT form. The uniform
 * {@code a} is the expansion of a 32-byte seed, so the key travels as {@code b} plus the seed.
 */
public final class PublicKey {
  private final Parameters params;
  private final long[][] b;
  private final long[][] a;
  private final byte[] seed;

  public PublicKey(Parameters params, long[][] b, long[][] a, byte[] seed) {
    int rows = params.qCount() + params.pCount();
    SwitchingKey.checkPoly(params, b, rows, "public key b");
    SwitchingKey.checkPoly(params, a, rows, "public key a");
    SwitchingKey.checkSeed(seed);
    this.params = params;
    this.b = b;
    this.a = a;
    this.seed = seed == null ? null : seed.clone();
  }

  public Parameters parameters() {
    return params;
  }

  /** Rows in ring order (data primes, then special primes). Not a copy: do not modify. */
  public long[][] b() {
    return b;
  }

  public long[][] a() {
    return a;
  }

  /** Seed of {@code a}, or null when {@code a} is not a seed expansion. */
  public byte[] seed() {
    return seed == null ? null : seed.clone();
  }
}
