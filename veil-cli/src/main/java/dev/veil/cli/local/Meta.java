package dev.veil.cli.local;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.api.Label;
import dev.veil.api.Scaling;

/**
 * The public metadata files of the file-based workflow, as JSON records. None of them holds a
 * secret: they describe shapes, parameters, the owner's scaling and, for a decrypted model, its
 * weights. Each carries a {@code format} tag that readers check.
 */
public final class Meta {
  private Meta() {}

  static final String KEYS_FORMAT = "veil-keys/1";
  public static final String DATA_FORMAT = "veil-data/1";
  public static final String ENCRYPTED_MODEL_FORMAT = "veil-encrypted-model/1";
  public static final String MODEL_FORMAT = "veil-model/1";
  public static final String SCHEMA_FORMAT = "veil-schema/1";
  static final String ROWS_FORMAT = "veil-rows/1";
  public static final String PREDICTIONS_FORMAT = "veil-predictions/1";

  /**
   * {@code KEYDIR/plan.json}: what the keys were generated for.
   *
   * @param model {@link ModelKind#id()}: logistic, linear, ovr (training) or inference
   * @param rows most training rows (0 for inference: any number, N/2 per batch)
   * @param iterations training iterations (0 for inference)
   * @param degree the sigmoid's degree (training: logistic and ovr; inference: probabilities)
   * @param output inference only: {@code probabilities} or {@code scores}
   * @param keyId the first 16 hex digits of SHA-256 of {@code public.key}: names the key pair, so
   *     that a file encrypted under another key pair of the same parameters is refused
   * @param paramsDigest {@code Parameters.digestHex()}
   * @param rotations the Galois rotations in {@code evaluation.keys}
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record KeysInfo(String format, String model, int rows, int features, int iterations, int degree,
      String output, int logN, int levels, int scaleBits, String paramsDigest, String keyId,
      int[] rotations) {}

  /** {@code data.veil/meta.json}: the encrypted data set's public description. */
  public record DataInfo(String format, String model, int rows, int features,
      List<String> featureNames, Label label, Scaling scaler, int iterations, int degree,
      int slots, int ciphertexts, String paramsDigest, String keyId) {}

  /**
   * The training report in the encrypted model's metadata: {@code iterationMillis} holds every
   * iteration's time, class after class for one-vs-rest; {@code learningRate} is linear
   * regression's constant step (absent for the logistic models, whose steps are Kim et al.'s).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TrainingInfo(int iterations, int degree, int levelsPerIteration, int inputLevel,
      int outputLevel, double[] iterationMillis, double totalSeconds, Double learningRate) {}

  /** {@code model.veil/meta.json}: the encrypted model's public description. */
  public record EncryptedModelInfo(String format, String model, int features,
      List<String> featureNames, Label label, Scaling scaler, TrainingInfo training,
      String paramsDigest, String keyId) {}

  /**
   * {@code model.json}: a decrypted model, applied to the scaled features {@code x'}. Logistic:
   * {@code weights[0]} is the intercept, then one weight per feature, {@code p = sigmoid(w0 +
   * sum_j w_j x'_j)}. Linear: {@code weights} in the label's units, {@code y = w0 + sum_j w_j
   * x'_j}. One-vs-rest: {@code classWeights[c]} is class c's logistic weight vector, {@code
   * weights} absent.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record ModelFile(String format, String model, List<String> featureNames, Label label,
      Scaling scaler, double[] weights, double[][] classWeights, TrainingInfo training) {}

  /**
   * {@code schema.json} ({@code veil schema}): a model's public input schema, everything a row
   * owner needs to encrypt rows for it (feature names in order, the scaler) and to read its
   * predictions (the label), without the weights.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SchemaFile(String format, String model, List<String> featureNames, Label label,
      Scaling scaler) {}

  /**
   * {@code rows.veil/meta.json}: rows encrypted feature-major for inference: batch b, feature j
   * in {@code x-BBBBB-JJJJ.ct}, row {@code b * slots + s} in slot s.
   *
   * @param model the model kind of the schema the rows were scaled for
   * @param output what the keys were planned for: probabilities or scores
   * @param degree the sigmoid degree the keys were planned for (probabilities)
   */
  public record RowsInfo(String format, String model, int rows, int features,
      List<String> featureNames, Scaling scaler, String output, int degree, int slots,
      int batches, String paramsDigest, String keyId) {}

  /** How the returned results were sanitised (OutputSanitizer's flooding policy). */
  record SanitizerInfo(int securityBits, double noiseBoundBits, long resultBudget,
      double expectedPrecisionBits) {}

  /**
   * {@code preds.veil/meta.json}: sanitised encrypted predictions, column c of batch b in {@code
   * out-CCC-BBBBB.ct}, row {@code b * slots + s} in slot s.
   *
   * @param model the kind of the model applied
   * @param output probabilities (the polynomial sigmoid) or scores (linear scores; standardised
   *     predictions for a linear model)
   * @param columns one per class for one-vs-rest, else 1
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PredictionsInfo(String format, String model, String output, int degree, int rows,
      int columns, int slots, int batches, Label label, SanitizerInfo sanitizer,
      String paramsDigest, String keyId) {}
}
