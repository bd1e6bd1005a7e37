package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.veil.he.rlwe.Parameters;

/**
 * The expected CKKS noise of each operation, from the parameters alone, so that precision floors
 * follow from the parameters instead of being fixed numbers.
 *
 * <p>Every variance here is the variance of the complex error of one slot in units of {@code
 * 1/scale}, i.e. of (decrypted value - true value) * scale. A noise polynomial with independent
 * coefficients of variance v puts an error of variance N v on each slot (a slot is the polynomial
 * evaluated at a primitive 2N-th root of unity: a sum of N terms of modulus 1). Slot-wise
 * products multiply errors by the other operand's value, bounded here by its largest modulus.
 *
 * <p>Sources: rounding the scaled coefficients (uniform in [-1/2, 1/2], variance 1/12); the
 * Gaussian error of an encryption (variance sigma^2); a division with rounding of {@code (c0, c1)}
 * by a modulus (rescale, ModDown) leaves {@code r0 + r1 s}, coefficient variance {@code (1 + N
 * Var(s)) / 12}; a key switch adds {@code sum_j d_j e_j / P} with centered digits {@code d_j}
 * (variance D_j^2 / 12 for digit modulus D_j) times key errors {@code e_j}, then its ModDown
 * rounding. The fast basis conversion over k > 1 primes adds an integer multiple of the source
 * modulus that is uniform-ish over k values: counted as k/12 more variance per unit.
 */
final class NoiseModel {
  /**
   * Bits below the model's RMS precision that the mean and the median may fall. For a complex
   * Gaussian error of RMS sigma, E[-log2 |e|] = -log2(sigma) + 0.42 and the median is
   * -log2(sigma) + 0.26, so a 1-bit margin fails only when the noise variance is about 2.5 times
   * the model's (averaged over N/2 slots, the mean itself fluctuates by about 0.02 bits).
   */
  static final double MEAN_MARGIN_BITS = 1;

  /**
   * Extra bits allowed for the worst slot beyond the Gaussian tail. Over S slots the largest
   * |e|^2 of a complex Gaussian is about sigma^2 ln S (costing 0.5 log2 ln S bits, 1.46 for 2048
   * slots); products with the ternary secret have a heavier tail (measured: about 1 bit more),
   * and 2 bits remain as margin.
   */
  static final double TAIL_MARGIN_BITS = 3;

  private final Parameters params;
  private final double n;
  private final double secretVariance;
  private final double sigma2;

  NoiseModel(Parameters params) {
    this.params = params;
    this.n = params.n();
    this.secretVariance =
        params.secretDistribution() == Parameters.SecretDistribution.UNIFORM_TERNARY
            ? 2.0 / 3
            : (double) params.hammingWeight() / params.n();
    this.sigma2 = params.sigma() * params.sigma();
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** Rounding the scaled coefficients to integers. */
  double encoding() {
    return n / 12;
  }

  /**
   * Floating-point error of the special FFT on values up to {@code maxAbs} at {@code scale}: a
   * relative error of at most 2^-52 per butterfly stage, logN stages.
   */
  double fft(double maxAbs, double scale) {
    double e = 0x1p-52 * params.logN() * maxAbs * scale;
    return e * e;
  }

  /** An encoded plaintext (rounding plus FFT error). */
  double encoded(double maxAbs, double scale) {
    return encoding() + fft(maxAbs, scale);
  }

  /** A fresh secret-key encryption: one Gaussian error polynomial plus the encoding rounding. */
  double freshSecretKey() {
    return n * sigma2 + encoding();
  }

  /**
   * A fresh public-key encryption: {@code (b u + e0, a u + e1)} is divided by P, which shrinks
   * its noise below 1 and leaves the ModDown rounding, plus the encoding rounding.
   */
  double freshPublicKey() {
    return rounding(params.pCount(), 1) + encoding();
  }

  /**
   * Division with rounding of a degree-{@code degree} ciphertext by a product of {@code primes}
   * primes: {@code r0 + r1 s (+ r2 s^2)}; the coefficients of s^2 have variance N Var(s)^2.
   */
  double rounding(int primes, int degree) {
    double perCoefficient = 1 + n * secretVariance;
    if (degree == 2) {
      perCoefficient += n * n * secretVariance * secretVariance;
    }
    return n * perCoefficient * conversion(primes) / 12;
  }

  /** Variance factor of a fast basis conversion from {@code primes} primes (1: exact). */
  private static double conversion(int primes) {
    return primes == 1 ? 1 : 1 + primes;
  }

  /** Hybrid key switching of a ciphertext at {@code level}. */
  double keySwitch(int level) {
    double logP = 0;
    for (long p : params.pPrimes()) {
      logP += log2(p);
    }
    double digits = 0;
    int alpha = params.alpha();
    for (int j = 0; j < params.digitsAt(level); j++) {
      int from = j * alpha;
      int to = Math.min(level + 1, from + alpha);
      double logD = 0;
      for (int i = from; i < to; i++) {
        logD += log2(params.q(i));
      }
      digits += Math.pow(2, 2 * (logD - logP)) * conversion(to - from) / 12;
    }
    return n * n * sigma2 * digits + rounding(params.pCount(), 1);
  }

  /** After a rescale of a degree-{@code degree} ciphertext at {@code level}. */
  double rescale(double variance, int level, int degree) {
    double q = params.q(level);
    return variance / (q * q) + rounding(1, degree);
  }

  double rescale(double variance, int level) {
    return rescale(variance, level, 1);
  }

  /**
   * Slot-wise product of a (variance va, scale sa, values bounded by maxSqA in squared modulus)
   * and b: {@code e_a m_b s_b + e_b m_a s_a + e_a e_b} at scale {@code sa sb}.
   */
  static double product(double va, double sa, double maxSqA, double vb, double sb, double maxSqB) {
    return sb * sb * va * maxSqB + sa * sa * vb * maxSqA + va * vb;
  }

  /** Floors on the precision of a result at {@code scale} whose slot error has {@code variance}. */
  record Floors(double mean, double median, double min) {
    /** The same mean and median floors with no floor on the worst slot. */
    Floors withoutWorstSlot() {
      return new Floors(mean, median, Double.NEGATIVE_INFINITY);
    }

    @Override
    public String toString() {
      return String.format("floors mean %.2f, median %.2f, min %.2f", mean, median, min);
    }
  }

  /**
   * {@code expected = log2(scale) - log2(RMS error)}; mean and median at least expected - {@link
   * #MEAN_MARGIN_BITS}; the worst of S slots at least expected - 0.5 log2(ln S) - {@link
   * #TAIL_MARGIN_BITS}.
   */
  static Floors floors(double scale, double variance, int slots) {
    double expected = log2(scale) - 0.5 * log2(variance);
    double mean = expected - MEAN_MARGIN_BITS;
    double min = expected - 0.5 * log2(Math.log(slots)) - TAIL_MARGIN_BITS;
    return new Floors(mean, mean, min);
  }

  /**
   * Floors for an error that is essentially one value shared by every slot (a sum over all the
   * slots): the mean and the median are then a single draw of -log2 |e|, not an average. For a
   * complex Gaussian P(|e| > 4 sigma) = e^-16, so they may fall 2 bits below expected; the worst
   * slot keeps the usual floor.
   */
  static Floors sharedFloors(double scale, double variance, int slots) {
    Floors usual = floors(scale, variance, slots);
    double single = log2(scale) - 0.5 * log2(variance) - 2;
    return new Floors(single, single, Math.min(usual.min(), single));
  }

  /** Asserts the three statistics against the floors; prints them with -Dveil.precision.log. */
  static void assertPrecision(String what, PrecisionStats stats, Floors floors) {
    if (System.getProperty("veil.precision.log") != null) {
      System.out.printf("PRECISION %-60s %s | %s%n", what, stats, floors);
    }
    String description = what + ": " + stats + " vs " + floors;
    assertThat(stats.meanBits()).as("mean bits of " + description).isGreaterThanOrEqualTo(floors.mean());
    assertThat(stats.medianBits()).as("median bits of " + description)
        .isGreaterThanOrEqualTo(floors.median());
    assertThat(stats.minBits()).as("worst-slot bits of " + description)
        .isGreaterThanOrEqualTo(floors.min());
  }
}
