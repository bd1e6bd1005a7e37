package dev.veil.he.rlwe;

import java.util.Objects;

/**
 * The secret key {@code s}: small coefficients, also kept in NTT form over every prime of Q and P.
 * Never leaves its owner: the platform never receives this object or its file format.
 */
public final class SecretKey {
  private final Parameters params;
  private final byte[] coefficients;
  private final long[][] ntt;

  SecretKey(Parameters params, byte[] coefficients, long[][] ntt) {
    this.params = params;
    this.coefficients = coefficients;
    this.ntt = ntt;
  }

  /** Rebuilds a key from its coefficients (in {-1, 0, 1}), e.g. when reading the owner's file. */
  public static SecretKey fromCoefficients(HeContext ctx, byte[] coefficients) {
    Parameters p = ctx.parameters();
    if (coefficients.length != p.n()) {
      throw new IllegalArgumentException(
          "secret key needs " + p.n() + " coefficients, got " + coefficients.length);
    }
    int weight = 0;
    for (byte c : coefficients) {
      if (c < -1 || c > 1) {
        throw new IllegalArgumentException("secret key coefficient out of {-1, 0, 1}: " + c);
      }
      weight += c != 0 ? 1 : 0;
    }
    if (p.secretDistribution() == Parameters.SecretDistribution.FIXED_HAMMING_WEIGHT
        && weight != p.hammingWeight()) {
      throw new IllegalArgumentException(
          "secret key has Hamming weight " + weight + ", the parameters require "
              + p.hammingWeight());
    }
    byte[] s = coefficients.clone();
    int[] all = ctx.qpIndices(p.maxLevel());
    long[][] poly = ctx.ring().newPoly(all.length);
    dev.veil.he.ring.Sampler.toRns(ctx.ring(), s, poly, all);
    ctx.ring().forwardNtt(poly, all);
    return new SecretKey(p, s, poly);
  }

  public Parameters parameters() {
    return params;
  }

  /** The coefficients in {-1, 0, 1}; a copy. */
  public byte[] coefficients(SecretKeyAccess access) {
    Objects.requireNonNull(access, "access");
    return coefficients.clone();
  }

  /** NTT form over all primes, rows in ring order. Internal: not a copy. */
  long[][] nttForm() {
    return ntt;
  }

  @Override
  public String toString() {
    return "SecretKey[" + params.shortId() + "]";
  }
}
