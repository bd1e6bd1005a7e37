package dev.veil.ml.train;

/**
 * What an encrypted training run did.
 *
 * @param iterations iterations run
 * @param levelsPerIteration levels one iteration consumed (as planned)
 * @param inputLevel level of the encrypted table
 * @param outputLevel level of the returned weights
 * @param levelsUsed levels consumed in all, refreshes included
 * @param refreshes refreshes made
 * @param iterationMillis wall time of each iteration (refresh included where it followed)
 */
public record TrainingReport(int iterations, int levelsPerIteration, int inputLevel,
    int outputLevel, int levelsUsed, int refreshes, double[] iterationMillis) {
  public TrainingReport {
    iterationMillis = iterationMillis.clone();
  }

  @Override
  public double[] iterationMillis() {
    return iterationMillis.clone();
  }

  /** Mean wall time of an iteration, in milliseconds. */
  public double meanIterationMillis() {
    double s = 0;
    for (double m : iterationMillis) {
      s += m;
    }
    return iterationMillis.length == 0 ? 0 : s / iterationMillis.length;
  }
}
