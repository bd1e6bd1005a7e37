package dev.veil.api;

import java.util.List;

/**
 * {@code model.veil/meta.json} ({@code veil train}, or a training job's result, format {@value
 * #FORMAT}): the public description of a model still encrypted under the data owner's key. With
 * the weights' ciphertexts and the parameters, {@code veil decrypt} reads it with the owner's
 * secret key. Null fields are written as null.
 *
 * @param format {@value #FORMAT}
 * @param model logistic, linear or ovr
 * @param features feature columns
 * @param featureNames the data set's feature names
 * @param label its label
 * @param scaler the data owner's scaling
 * @param training what the run did
 * @param paramsDigest the parameters the weights are encrypted under
 * @param keyId the key pair they are encrypted under (the data owner's)
 */
public record EncryptedModelInfo(String format, String model, int features,
    List<String> featureNames, Label label, Scaling scaler, TrainingInfo training,
    String paramsDigest, String keyId) {
  /** The format tag of an encrypted model. */
  public static final String FORMAT = "veil-encrypted-model/1";

  /**
   * Checks the format tag, the model, the features (positive, one name each when named) and the
   * parameters' digest.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public EncryptedModelInfo validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.atLeast(features, 1, "features");
    FileChecks.featureNames(featureNames, features);
    FileChecks.present(paramsDigest, "paramsDigest");
    return this;
  }
}
