package dev.veil.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The training report in an encrypted model's metadata and in a decrypted model file.
 * Informational: readers ignore fields they do not know and take a partial report (the server
 * accepts a model file whose report holds only some of these), so every field is boxed and a
 * missing one is null (omitted when written); {@code veil train} writes them all.
 *
 * @param iterations iterations run
 * @param degree the sigmoid's degree
 * @param levelsPerIteration levels each iteration consumed
 * @param inputLevel the level of the encrypted data
 * @param outputLevel the level of the encrypted weights
 * @param iterationMillis every iteration's time, class after class for one-vs-rest
 * @param totalSeconds the whole run's time
 * @param learningRate linear regression's constant step; null (omitted) for the logistic models,
 *     whose steps are Kim et al.'s
 * @param sigmoid a certified logistic run's sigmoid polynomial (ascending powers), or null:
 *     Kim et al.'s schedule on [-8, 8]
 * @param sigmoidBound its interval's bound B
 * @param step its constant step
 * @param lambda0 its lambda_0
 * @param inputBound the largest absolute value of its table
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainingInfo(Integer iterations, Integer degree, Integer levelsPerIteration,
    Integer inputLevel, Integer outputLevel, double[] iterationMillis, Double totalSeconds,
    Double learningRate, double[] sigmoid, Double sigmoidBound, Double step, Double lambda0,
    Double inputBound) {
  /** A report without a certified schedule. */
  public TrainingInfo(Integer iterations, Integer degree, Integer levelsPerIteration,
      Integer inputLevel, Integer outputLevel, double[] iterationMillis, Double totalSeconds,
      Double learningRate) {
    this(iterations, degree, levelsPerIteration, inputLevel, outputLevel, iterationMillis,
        totalSeconds, learningRate, null, null, null, null, null);
  }
}
