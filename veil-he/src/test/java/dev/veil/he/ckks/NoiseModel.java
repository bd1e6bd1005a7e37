package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;


/**
 * Precision floors of the tests, from the variances of {@link NoiseEstimator} (the one copy of
 * the noise formulas), so that floors follow from the parameters instead of being fixed numbers.
 *
 * <p>Variances are those of the error of one slot in units of {@code 1/scale}, as {@link
 * NoiseEstimator} gives them.
 */
final class NoiseModel {
  private NoiseModel() {}

  static double log2(double x) {
    return NoiseEstimator.log2(x);
  }

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
