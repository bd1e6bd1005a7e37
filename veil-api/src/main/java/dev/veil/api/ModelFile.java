package dev.veil.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code model.json} ({@code veil decrypt}, format {@value #FORMAT}): a decrypted model, applied to
 * the scaled features {@code x'}. Logistic: {@code weights[0]} is the intercept, then one weight
 * per feature, {@code p = sigmoid(w0 + sum_j w_j x'_j)}. Linear: {@code weights} in the label's
 * units, {@code y = w0 + sum_j w_j x'_j}. One-vs-rest ({@code ovr}): {@code classWeights[c]} is
 * class c's logistic weight vector, {@code weights} absent. Null fields are omitted; readers
 * ignore fields they do not know.
 *
 * @param format {@value #FORMAT}
 * @param model logistic, linear or ovr
 * @param featureNames the input columns, in order
 * @param label the label's name and classes (a linear model: its standardisation), or null
 * @param scaler the scaling applied to the features before the weights
 * @param weights intercept first, then one per feature (logistic, linear), else null
 * @param classWeights one such vector per class (ovr), else null
 * @param training the training report, or null
 * @param decryption how the weights were decrypted ({@link DecryptionInfo}); null in files
 *     written before it was recorded, which count as exact
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelFile(String format, String model, List<String> featureNames, Label label,
    Scaling scaler, double[] weights, double[][] classWeights, TrainingInfo training,
    DecryptionInfo decryption) {
  /** The format tag of a decrypted model. */
  public static final String FORMAT = "veil-model/1";

  /** The model kind whose weights are {@link #classWeights()}. */
  public static final String ONE_VS_REST = "ovr";

  /** A model file without a decryption record (one made by hand, or before it was recorded). */
  public ModelFile(String format, String model, List<String> featureNames, Label label,
      Scaling scaler, double[] weights, double[][] classWeights, TrainingInfo training) {
    this(format, model, featureNames, label, scaler, weights, classWeights, training, null);
  }

  /** The same model with the record of how it was decrypted. */
  public ModelFile withDecryption(DecryptionInfo d) {
    return new ModelFile(format, model, featureNames, label, scaler, weights, classWeights,
        training, d);
  }

  /** Whether the weights come from a flooded decryption, fit to leave the key holder. */
  public boolean sharable() {
    return decryption != null && decryption.flooded();
  }

  /**
   * Checks the model's shape: the format tag, the model, at least one named feature, finite
   * weights with the intercept and one per feature ({@code classWeights}, at least two, for
   * {@code ovr}; {@code weights} otherwise, where {@code classWeights} is ignored) and a valid
   * scaler of as many features when present, and a valid decryption record when present.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public ModelFile validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.present(featureNames, "featureNames");
    if (featureNames.isEmpty()) {
      throw new IllegalArgumentException("featureNames must list at least one feature");
    }
    int d = featureNames.size();
    FileChecks.featureNames(featureNames, d);
    if (ONE_VS_REST.equals(model)) {
      if (weights != null || classWeights == null || classWeights.length < 2) {
        throw new IllegalArgumentException("classWeights must hold one weight vector per class"
            + " (two or more) and weights must be absent for a one-vs-rest model");
      }
      for (int c = 0; c < classWeights.length; c++) {
        FileChecks.weights(classWeights[c], d, "classWeights[" + c + "]");
      }
    } else {
      FileChecks.weights(weights, d, "weights");
    }
    FileChecks.scaler(scaler, d, "the model");
    if (decryption != null) {
      decryption.validate();
    }
    return this;
  }
}
