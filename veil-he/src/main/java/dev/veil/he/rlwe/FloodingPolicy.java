package dev.veil.he.rlwe;

/**
 * How much flooding noise a shared decryption gets: the one place of the formula.
 *
 * <p>The decrypted polynomial {@code m + e} carries the ciphertext noise {@code e}, which depends
 * on the secret key and on every operation that produced the ciphertext; publishing it lets an
 * observer recover the key (Li and Micciancio, EUROCRYPT 2021). Adding independent Gaussian noise
 * to every coefficient, of standard deviation
 *
 * <pre>  sigma = sqrt(12 tau) * 2^(s/2) * B</pre>
 *
 * <p>(the rule of thumb OpenFHE applies in its NOISE_FLOODING_DECRYPT mode, from Li, Micciancio,
 * Schultz and Sorrell, CRYPTO 2022), where B bounds every coefficient of {@code e}, tau is the
 * number of shared decryptions the key will ever make and s the statistical security in bits,
 * makes the tau published decryptions statistically close to decryptions whose noise does not
 * depend on the secret: an adversary who sees them gains an advantage of about {@code 2^-s} at
 * most over one who does not. B must come from a bound of the circuit that produced the
 * ciphertext ({@code dev.veil.he.ckks.NoiseEstimator}); a B below the real noise voids the
 * guarantee, a generous one only costs precision.
 *
 * <p>The price is precision: each decoded slot gets an error of standard deviation about
 * {@code sigma sqrt(N)}, so a value at scale D keeps {@link #precisionBits} {@code = log2(D) -
 * log2(sigma) - log2(N)/2} bits. Multiplying the ciphertext by a constant does not help (the
 * noise grows with it, and so must B); values meant to be shared must be computed at a large
 * enough scale. {@link FloodingDecryptor} refuses when the noise would not fit the modulus or
 * would leave less than the caller's floor.
 *
 * <p>Why s = {@value #DEFAULT_SECURITY_BITS} by default and {@value #MIN_SECURITY_BITS} at least:
 * a statistical (not computational) distance, which an adversary cannot improve by computing
 * more, only by obtaining more decryptions, which tau counts; OpenFHE's default is 30 too. Each
 * further bit of s costs half a bit of precision: at the CLI's training scale 2^40 a larger s
 * leaves a decrypted model too few bits to be useful (see the README's "Shared decryptions").
 *
 * @param securityBits statistical security s, in [{@value #MIN_SECURITY_BITS}, 128]
 * @param noiseBoundBits log2 of the bound B on the ciphertext noise's coefficients
 * @param maxDecryptions tau, the number of shared decryptions this key may make
 */
public record FloodingPolicy(int securityBits, double noiseBoundBits, long maxDecryptions) {
  /** The least statistical security accepted. */
  public static final int MIN_SECURITY_BITS = 30;

  /** The statistical security of {@link #of}. */
  public static final int DEFAULT_SECURITY_BITS = 30;

  public FloodingPolicy {
    if (securityBits < MIN_SECURITY_BITS || securityBits > 128) {
      throw new IllegalArgumentException(
          "flooding security must be in [" + MIN_SECURITY_BITS + ", 128] bits, got "
              + securityBits);
    }
    if (!(noiseBoundBits >= 0) || noiseBoundBits > 200) {
      throw new IllegalArgumentException("noise bound must be in [0, 200] bits, got "
          + noiseBoundBits);
    }
    if (maxDecryptions < 1) {
      throw new IllegalArgumentException("maxDecryptions must be at least 1, got "
          + maxDecryptions);
    }
  }

  /** {@value #DEFAULT_SECURITY_BITS}-bit security, the given noise bound and decryption budget. */
  public static FloodingPolicy of(double noiseBoundBits, long maxDecryptions) {
    return new FloodingPolicy(DEFAULT_SECURITY_BITS, noiseBoundBits, maxDecryptions);
  }

  /** The same s and tau for a ciphertext whose noise is bounded by {@code 2^noiseBoundBits}. */
  public FloodingPolicy withNoiseBound(double bits) {
    return new FloodingPolicy(securityBits, bits, maxDecryptions);
  }

  /** {@code log2(sigma) = log2(12 tau)/2 + s/2 + log2(B)}. */
  public double log2Sigma() {
    return 0.5 * Math.log(12.0 * maxDecryptions) / Math.log(2) + securityBits / 2.0
        + noiseBoundBits;
  }

  /**
   * Bits of precision left in each decoded slot of a value at {@code scale}, ring degree {@code
   * 2^logN}: {@code log2(scale) - log2(sigma) - logN/2} (minus log2 of the slot error's standard
   * deviation relative to the scale; measured, about half a bit better).
   */
  public double precisionBits(double scale, int logN) {
    return Math.log(scale) / Math.log(2) - log2Sigma() - logN / 2.0;
  }
}
