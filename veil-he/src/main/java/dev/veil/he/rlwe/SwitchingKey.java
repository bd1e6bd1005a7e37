package dev.veil.he.rlwe;

import dev.veil.he.ring.Prng;

/**
 * A hybrid key-switching key from {@code s'} to {@code s}: for each digit j, {@code (b_j, a_j) =
 * (-a_j s + e_j + P g_j s', a_j)} over every prime of Q and P in NTT form, where {@code g_j} is 1
 * modulo the primes of digit j and 0 modulo the others. The {@code a_j} are expansions of one seed
 * (stream j).
 *
 * <p>{@link #galoisElement()} is 0 for the relinearisation key ({@code s' = s^2}) and the Galois
 * element {@code g} for an automorphism key ({@code s' = s(X^g)}).
 *
 * <h2>Compact keys</h2>
 *
 * A seeded key can be held {@linkplain #compact() compact}: only its {@code b_j} and the 32-byte
 * seed stay in memory, half the bytes of the expanded key, and {@link KeySwitcher} expands the
 * {@code a_j} it needs into its own workspace at every key switch (the same AES-CTR streams as at
 * generation, so the result is bit for bit that of the expanded key). {@link #a(int)} of a compact
 * key expands a new copy on each call.
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

  /** A compact key: {@code b} kept, the {@code a_j} left to their seed. */
  private SwitchingKey(SwitchingKey full) {
    this.params = full.params;
    this.galoisElement = full.galoisElement;
    this.b = full.b;
    this.a = null;
    this.seed = full.seed;
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
    if (seed != null && seed.length != Prng.SEED_BYTES) {
      throw new IllegalArgumentException(
          "seed must be " + Prng.SEED_BYTES + " bytes, got " + seed.length);
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

  /**
   * {@code a[j]}: rows in ring order. Of an expanded key, not a copy (do not modify); of a
   * {@linkplain #isCompact() compact} key, a new expansion of the seed on each call.
   */
  public long[][] a(int j) {
    if (a != null) {
      return a[j];
    }
    long[][] rows = new long[params.qCount() + params.pCount()][params.n()];
    expandA(j, rows);
    return rows;
  }

  /**
   * Writes {@code a[j]} expanded from the seed into {@code out} (rows in ring order, at least
   * {@code qCount + pCount} of N coefficients): the uniform stream j of the seed, as {@link
   * KeyGenerator} drew it.
   *
   * @throws IllegalStateException if the key has no seed
   */
  public void expandA(int j, long[][] out) {
    if (seed == null) {
      throw new IllegalStateException("this switching key has no seed to expand its a parts from");
    }
    long[] primes = params.allPrimes();
    Prng prng = new Prng(seed, j);
    for (int i = 0; i < primes.length; i++) {
      prng.fillUniform(out[i], primes[i]);
    }
  }

  /** Whether only {@code b} and the seed are held ({@link #compact()}). */
  public boolean isCompact() {
    return a == null;
  }

  /**
   * This key holding only its {@code b_j} and seed (half the memory); the key itself if it is
   * compact already. Key switching with it gives the same result and expands the {@code a_j}
   * each time (AES-CTR, about as many bytes as the {@code a_j} hold).
   *
   * @throws IllegalStateException if the key has no seed (read from a full-form file without
   *     one)
   */
  public SwitchingKey compact() {
    if (a == null) {
      return this;
    }
    if (seed == null) {
      throw new IllegalStateException(
          "a switching key without a seed cannot be held compact: its a parts are not derivable");
    }
    return new SwitchingKey(this);
  }

  public byte[] seed() {
    return seed == null ? null : seed.clone();
  }

  /** Heap bytes held by the key's polynomials (the {@code b_j} only when compact). */
  public long memoryBytes() {
    long rows = 0;
    for (long[][] d : b) {
      rows += d.length;
    }
    return (a == null ? 1 : 2) * rows * params.n() * 8L;
  }

  /**
   * Heap bytes of one switching key under {@code params}: {@code dnum (qCount + pCount) N 8} per
   * part, two parts expanded, one compact.
   */
  public static long memoryBytes(Parameters params, boolean compact) {
    long part = (long) params.dnum() * (params.qCount() + params.pCount()) * params.n() * 8L;
    return compact ? part : 2 * part;
  }
}
