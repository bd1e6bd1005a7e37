package dev.veil.he.rlwe;

/**
 * A hybrid key-switching key from {@code s'} to {@code s}: for each digit j, {@code (b_j, a_j) =
 * (-a_j s + e_j + P g_j s', a_j)} over every prime of Q and P in NTT form, where {@code g_j} is 1
 * modulo the primes of digit j and 0 modulo the others. The {@code a_j} are expansions of one seed
 * (stream j).
 *
 * <p>{@link #galoisElement()} is 0 for the relinearisation key ({@code s' = s^2}) and the Galois
 * element {@code g} for an automorphism key ({@code s' = s(X^g)}).
 */
public final class SwitchingKey {
  private final Parameters params;
  private final long galoisElement;
  private final long[][][] b;
  private final long[][][] a;
  private final byte[] seed;

  public SwitchingKey(
      Parameters params, long galoisElement, long[][][] b, long[][][] a, byte[] seed) {
    if (galoisElement != 0
        && (galoisElement < 0 || galoisElement >= 2L * params.n() || (galoisElement & 1) == 0)) {
      throw new IllegalArgumentException(
          "Galois element must be 0 (relinearisation) or odd in (0, 2N): " + galoisElement);
    }
    if (b.length != params.dnum() || a.length != params.dnum()) {
      throw new IllegalArgumentException(
          "switching key needs " + params.dnum() + " digits, got " + b.length + "/" + a.length);
    }
    int rows = params.qCount() + params.pCount();
    for (int j = 0; j < b.length; j++) {
      checkPoly(params, b[j], rows, "switching key b[" + j + "]");
      checkPoly(params, a[j], rows, "switching key a[" + j + "]");
    }
    checkSeed(seed);
    this.params = params;
    this.galoisElement = galoisElement;
    this.b = b;
    this.a = a;
    this.seed = seed == null ? null : seed.clone();
  }

  static void checkPoly(Parameters params, long[][] p, int rows, String what) {
    if (p == null || p.length != rows) {
      throw new IllegalArgumentException(what + ": expected " + rows + " rows");
    }
    for (long[] r : p) {
      if (r == null || r.length != params.n()) {
        throw new IllegalArgumentException(what + ": rows must have N = " + params.n()
            + " coefficients");
      }
    }
  }

  static void checkSeed(byte[] seed) {
    if (seed != null && seed.length != dev.veil.he.ring.Prng.SEED_BYTES) {
      throw new IllegalArgumentException(
          "seed must be " + dev.veil.he.ring.Prng.SEED_BYTES + " bytes, got " + seed.length);
    }
  }

  public Parameters parameters() {
    return params;
  }

  public long galoisElement() {
    return galoisElement;
  }

  public boolean isRelinearization() {
    return galoisElement == 0;
  }

  public int digits() {
    return b.length;
  }

  /** {@code b[j]}: rows in ring order. Not a copy: do not modify. */
  public long[][] b(int j) {
    return b[j];
  }

  public long[][] a(int j) {
    return a[j];
  }

  public byte[] seed() {
    return seed == null ? null : seed.clone();
  }

  /** Heap bytes held by the key's polynomials. */
  public long memoryBytes() {
    long rows = 0;
    for (long[][] d : b) {
      rows += d.length;
    }
    return 2 * rows * params.n() * 8L;
  }
}
