package dev.veil.he.ckks;

import java.util.Arrays;

/**
 * Precision of decrypted values against the expected ones, in bits: {@code -log2 |error|} per
 * slot, summarised as minimum (worst slot), mean and median, plus the largest absolute error.
 * Errors below 2^-60 count as 60 bits.
 */
public record PrecisionStats(double minBits, double meanBits, double medianBits, double maxError) {

  private static final double CAP = 60;

  /** Compares real values; {@code expected.length} slots are compared. */
  public static PrecisionStats of(double[] expected, double[] actual) {
    return of(expected, null, actual, null);
  }

  /** Compares complex values (imaginary arrays may be null, meaning 0). */
  public static PrecisionStats of(double[] expRe, double[] expIm, double[] actRe, double[] actIm) {
    int n = expRe.length;
    if (actRe.length < n) {
      throw new IllegalArgumentException("fewer actual values than expected ones");
    }
    double[] bits = new double[n];
    double max = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      double dr = actRe[i] - expRe[i];
      double di = (actIm == null ? 0 : actIm[i]) - (expIm == null ? 0 : expIm[i]);
      double err = Math.hypot(dr, di);
      if (Double.isNaN(err)) {
        err = Double.POSITIVE_INFINITY;
      }
      max = Math.max(max, err);
      double b = err == 0 ? CAP : Math.min(CAP, -Math.log(err) / Math.log(2));
      bits[i] = b;
      sum += b;
    }
    double[] sorted = bits.clone();
    Arrays.sort(sorted);
    double median = n == 0 ? CAP : (n % 2 == 1 ? sorted[n / 2]
        : (sorted[n / 2 - 1] + sorted[n / 2]) / 2);
    return new PrecisionStats(n == 0 ? CAP : sorted[0], n == 0 ? CAP : sum / n, median, max);
  }

  @Override
  public String toString() {
    return String.format("min %.2f, mean %.2f, median %.2f bits (max error %.3e)",
        minBits, meanBits, medianBits, maxError);
  }
}
