package dev.veil.he.rlwe;

/**
 * An encoded message: one polynomial over the data primes up to {@link #level()}, in NTT form,
 * with the scale it was encoded at.
 */
public final class Plaintext {
  private final Parameters params;
  private long[][] poly;
  private int level;
  private double scale;

  public Plaintext(Parameters params, int level, double scale) {
    checkLevel(params, level);
    checkScale(scale);
    this.params = params;
    this.poly = new long[level + 1][params.n()];
    this.level = level;
    this.scale = scale;
  }

  /** Wraps rows (NTT form, one per data prime up to the level); takes ownership. */
  public Plaintext(Parameters params, long[][] poly, int level, double scale) {
    checkLevel(params, level);
    if (poly.length < level + 1) {
      throw new IllegalArgumentException("plaintext needs " + (level + 1) + " rows");
    }
    this.params = params;
    this.poly = poly;
    this.level = level;
    this.scale = scale;
  }

  static void checkScale(double scale) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be positive and finite, got " + scale);
    }
  }

  static void checkLevel(Parameters params, int level) {
    if (level < 0 || level > params.maxLevel()) {
      throw new IllegalArgumentException(
          "level must be in [0, " + params.maxLevel() + "], got " + level);
    }
  }

  public Parameters parameters() {
    return params;
  }

  public int level() {
    return level;
  }

  public double scale() {
    return scale;
  }

  public void setScale(double scale) {
    checkScale(scale);
    this.scale = scale;
  }

  /** Rows 0..level; not a copy. */
  public long[][] poly() {
    return poly;
  }

  /** Reuses the rows for another level (growing them if needed) and sets the scale. */
  public void reset(int level, double scale) {
    checkLevel(params, level);
    checkScale(scale);
    if (poly.length < level + 1) {
      poly = new long[level + 1][params.n()];
    }
    this.level = level;
    this.scale = scale;
  }
}
