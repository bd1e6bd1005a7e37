package dev.veil.he.rlwe;

/**
 * How much flooding noise a shared decryption gets.
 *
 * <p>The decrypted polynomial {@code m + e} carries the ciphertext noise {@code e}, which depends
 * on the secret key and on every operation that produced the ciphertext; publishing it lets an
 * observer recover the key (Li and Micciancio, EUROCRYPT 2021). Adding independent Gaussian noise
 * of standard deviation
 *
 * <pre>  sigma = 2^(s/2) * B * sqrt(D * N)</pre>
 *
 * <p>where B bounds every coefficient of {@code e}, D is the number of decryptions the key will
 * ever share and N the ring degree, makes the published values statistically close to values
 * whose noise is independent of the secret: the Renyi divergence of order {@code 2^s} between
 * the two worlds, over all D decryptions, is at most {@code e^(1/2)}, so an event (say, key
 * recovery) of probability p with flooding has probability about p in the ideal world — the
 * s-bit statistical argument of Li, Micciancio, Schultz and Sorrell (CRYPTO 2022).
 *
 * <p>The price is precision: about {@code s/2 + log2(B) + (log2(D) + log2(N))/2} bits of every
 * coefficient, relative to the scale. Multiplying the ciphertext by a constant does not help
 * (the noise grows with it, and so must B); values meant to be shared must be encoded at a large
 * scale from the start, with modulus to spare at the level where they are decrypted. {@link
 * FloodingDecryptor} refuses when the noise would not fit the modulus or would drown the scale,
 * and {@link FloodingDecryptor#expectedPrecisionBits} predicts what is left.
 *
 * @param securityBits statistical security s, at least 40
 * @param noiseBoundBits log2 of the declared bound B on the ciphertext noise's coefficients
 * @param maxDecryptions D, the number of shared decryptions this key may make
 */
public record FloodingPolicy(int securityBits, double noiseBoundBits, long maxDecryptions) {
  public static final int MIN_SECURITY_BITS = 40;

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

  /** 40-bit security, the given noise bound and decryption budget. */
  public static FloodingPolicy of(double noiseBoundBits, long maxDecryptions) {
    return new FloodingPolicy(MIN_SECURITY_BITS, noiseBoundBits, maxDecryptions);
  }

  /** log2 of the flooding standard deviation for ring degree {@code 2^logN}. */
  public double log2Sigma(int logN) {
    return securityBits / 2.0 + noiseBoundBits
        + 0.5 * (Math.log(maxDecryptions) / Math.log(2) + logN);
  }
}
