package dev.veil.he.ckks;

import java.util.Arrays;
import java.util.Locale;

import dev.veil.he.rlwe.Parameters;

/**
 * Named 128-bit-secure parameter sets. A name says the ring degree and the modulus size:
 * {@code N15QP881} is N = 2^15 with log2(QP) = 881 bits. The N13-N15 sets have the ring degree,
 * levels and scale of SEAL's standard benchmark rows (a 60-bit first prime, 40-bit scale primes)
 * with a 61-bit special prime.
 */
public enum Presets {
  /** N = 2^13, 2 levels, scale 2^40: Q = {60, 40, 40}, P = {61}. */
  N13QP201(13, new int[] {60, 40, 40}, new int[] {61}, 40),
  /** N = 2^14, 7 levels, scale 2^40: Q = {60, 7 x 40}, P = {61}. */
  N14QP401(14, chain(60, 40, 7), new int[] {61}, 40),
  /** N = 2^15, 19 levels, scale 2^40: Q = {60, 19 x 40}, P = {61}. */
  N15QP881(15, chain(60, 40, 19), new int[] {61}, 40),
  /** N = 2^16, 34 levels, scale 2^40: Q = {60, 34 x 40}, P = {3 x 61}, 9 key-switching digits. */
  N16QP1603(16, chain(60, 40, 34), new int[] {61, 61, 61}, 40);

  private final int logN;
  private final int[] logQ;
  private final int[] logP;
  private final double logScale;
  private volatile Parameters cached;

  Presets(int logN, int[] logQ, int[] logP, double logScale) {
    this.logN = logN;
    this.logQ = logQ;
    this.logP = logP;
    this.logScale = logScale;
  }

  static int[] chain(int first, int bits, int levels) {
    int[] c = new int[levels + 1];
    Arrays.fill(c, bits);
    c[0] = first;
    return c;
  }

  public Parameters.Literal literal() {
    return Parameters.builder().logN(logN).logQ(logQ).logP(logP).logDefaultScale(logScale)
        .literal();
  }

  /** The validated parameters (generated once). */
  public Parameters parameters() {
    Parameters p = cached;
    if (p == null) {
      p = Parameters.create(literal());
      cached = p;
    }
    return p;
  }

  public int logN() {
    return logN;
  }

  /** Levels: data primes minus one. */
  public int levels() {
    return logQ.length - 1;
  }

  /**
   * The preset whose name is {@code name} or starts with it (case-insensitive), e.g. "N15".
   *
   * @throws IllegalArgumentException listing the names when none or several match
   */
  public static Presets byName(String name) {
    String n = name.toUpperCase(Locale.ROOT);
    Presets found = null;
    for (Presets p : values()) {
      if (p.name().equals(n)) {
        return p;
      }
      if (p.name().startsWith(n)) {
        if (found != null) {
          throw new IllegalArgumentException("preset name '" + name + "' is ambiguous");
        }
        found = p;
      }
    }
    if (found == null) {
      throw new IllegalArgumentException(
          "no preset named '" + name + "'; known: " + Arrays.toString(values()));
    }
    return found;
  }
}
