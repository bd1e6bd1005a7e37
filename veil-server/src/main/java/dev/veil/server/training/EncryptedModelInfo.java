package dev.veil.server.training;

import java.util.List;

import dev.veil.api.Label;
import dev.veil.api.Scaling;

/**
 * A training job's result description: the {@code meta.json} of an encrypted model directory as
 * {@code veil train} writes it (format {@value #FORMAT}). With the result blob as {@code
 * weights.ct} and the key set's parameters as {@code params.bin}, {@code veil decrypt} reads it
 * with the data owner's secret key.
 *
 * @param format {@value #FORMAT}
 * @param model {@code logistic}
 * @param features d
 * @param featureNames the data set's features
 * @param label its label
 * @param scaler the data owner's scaling
 * @param training what the run did
 * @param paramsDigest the parameters the weights are encrypted under
 * @param keyId the key pair they are encrypted under (the data owner's)
 */
public record EncryptedModelInfo(String format, String model, int features,
    List<String> featureNames, Label label, Scaling scaler,
    Training training, String paramsDigest, String keyId) {
  public static final String FORMAT = "veil-encrypted-model/1";

  /** The training report, as {@code veil train} writes it. */
  public record Training(int iterations, int degree, int levelsPerIteration, int inputLevel,
      int outputLevel, double[] iterationMillis, double totalSeconds) {}
}
