package dev.veil.he.rlwe;

import java.util.Arrays;

/**
 * A ciphertext {@code (c0, c1[, c2])}: polynomials over the data primes up to {@link #level()}, in
 * NTT form, decrypting to {@code c0 + c1 s (+ c2 s^2)}, with its exact scale.
 *
 * <p>A fresh secret-key encryption remembers the seed of {@code c1}, so it can be written in half
 * the space; any change through an evaluator drops the seed. Mutable: evaluators write results
 * into a ciphertext passed as {@code out}, reusing its arrays when they are large enough.
 */
public final class Ciphertext {
  private final Parameters params;
  private long[][][] polys;
  private int degree;
  private int level;
  private double scale;
  private byte[] seed;

  public Ciphertext(Parameters params, int degree, int level, double scale) {
    Plaintext.checkLevel(params, level);
    Plaintext.checkScale(scale);
    checkDegree(degree);
    this.params = params;
    this.polys = new long[degree + 1][level + 1][params.n()];
    this.degree = degree;
    this.level = level;
    this.scale = scale;
  }

  /**
   * Wraps polynomials (NTT form, each with at least level + 1 rows of N coefficients); takes
   * ownership. For readers that allocate rows as their bytes arrive.
   */
  public Ciphertext(Parameters params, long[][][] polys, int level, double scale) {
    Plaintext.checkLevel(params, level);
    Plaintext.checkScale(scale);
    checkDegree(polys.length - 1);
    for (long[][] p : polys) {
      if (p == null || p.length < level + 1) {
        throw new IllegalArgumentException("ciphertext polynomials need " + (level + 1) + " rows");
      }
      for (int i = 0; i <= level; i++) {
        if (p[i] == null || p[i].length != params.n()) {
          throw new IllegalArgumentException("ciphertext rows must have N = " + params.n()
              + " coefficients");
        }
      }
    }
    this.params = params;
    this.polys = polys;
    this.degree = polys.length - 1;
    this.level = level;
    this.scale = scale;
  }

  /** An empty ciphertext to pass as {@code out}; its size is set by the first operation. */
  public static Ciphertext empty(Parameters params) {
    return new Ciphertext(params, 1, 0, 1.0);
  }

  private static void checkDegree(int degree) {
    if (degree < 1 || degree > 2) {
      throw new IllegalArgumentException("ciphertext degree must be 1 or 2, got " + degree);
    }
  }

  public Parameters parameters() {
    return params;
  }

  /** 1 for {@code (c0, c1)}, 2 after a multiplication without relinearisation. */
  public int degree() {
    return degree;
  }

  public int level() {
    return level;
  }

  public double scale() {
    return scale;
  }

  public void setScale(double scale) {
    Plaintext.checkScale(scale);
    this.scale = scale;
  }

  /** Polynomial i (rows 0..level, maybe more allocated); not a copy. */
  public long[][] poly(int i) {
    if (i < 0 || i > degree) {
      throw new IndexOutOfBoundsException("polynomial " + i + " of a degree-" + degree + " ciphertext");
    }
    return polys[i];
  }

  /** Seed of {@code c1} for a fresh secret-key encryption, else null. */
  public byte[] seed() {
    return seed == null ? null : seed.clone();
  }

  /** Marks c1 as the expansion of {@code seed} (32 bytes; degree-1 ciphertexts only). */
  public void setSeed(byte[] seed) {
    if (seed != null && degree != 1) {
      throw new IllegalArgumentException("only a degree-1 ciphertext can be seeded");
    }
    SwitchingKey.checkSeed(seed);
    this.seed = seed == null ? null : seed.clone();
  }

  /**
   * Makes this ciphertext ready to receive a result of the given shape: reuses or grows the
   * arrays, sets level, scale and degree, and forgets the seed. Contents are unspecified.
   */
  public void reset(int degree, int level, double scale) {
    Plaintext.checkLevel(params, level);
    Plaintext.checkScale(scale);
    checkDegree(degree);
    if (polys.length < degree + 1 || polys[0].length < level + 1) {
      int rows = Math.max(level + 1, polys[0].length);
      long[][][] grown = new long[Math.max(degree + 1, polys.length)][][];
      for (int i = 0; i < grown.length; i++) {
        grown[i] = i < polys.length && polys[i].length >= rows
            ? polys[i] : new long[rows][params.n()];
      }
      polys = grown;
    }
    this.degree = degree;
    this.level = level;
    this.scale = scale;
    this.seed = null;
  }

  /** Drops the rows above {@code newLevel}; the value and scale are unchanged. */
  public void dropToLevel(int newLevel) {
    if (newLevel < 0 || newLevel > level) {
      throw new IllegalArgumentException(
          "cannot drop from level " + level + " to " + newLevel);
    }
    level = newLevel;
    seed = null;
  }

  public Ciphertext copy() {
    Ciphertext c = new Ciphertext(params, degree, level, scale);
    for (int i = 0; i <= degree; i++) {
      for (int r = 0; r <= level; r++) {
        System.arraycopy(polys[i][r], 0, c.polys[i][r], 0, params.n());
      }
    }
    c.seed = seed == null ? null : seed.clone();
    return c;
  }

  /** Copies {@code src} into this ciphertext. */
  public void copyFrom(Ciphertext src) {
    params.requireSame(src.params, "copy");
    reset(src.degree, src.level, src.scale);
    for (int i = 0; i <= degree; i++) {
      for (int r = 0; r <= level; r++) {
        System.arraycopy(src.polys[i][r], 0, polys[i][r], 0, params.n());
      }
    }
    seed = src.seed == null ? null : src.seed.clone();
  }

  @Override
  public String toString() {
    return "Ciphertext[degree=" + degree + ", level=" + level + ", scale=2^"
        + String.format("%.3f", Math.log(scale) / Math.log(2))
        + (seed != null ? ", seeded" : "") + "]";
  }

  /** True if both hold the same polynomials, level, degree and scale. */
  public boolean contentEquals(Ciphertext o) {
    if (degree != o.degree || level != o.level || Double.compare(scale, o.scale) != 0) {
      return false;
    }
    for (int i = 0; i <= degree; i++) {
      for (int r = 0; r <= level; r++) {
        if (!Arrays.equals(polys[i][r], o.polys[i][r])) {
          return false;
        }
      }
    }
    return true;
  }
}
