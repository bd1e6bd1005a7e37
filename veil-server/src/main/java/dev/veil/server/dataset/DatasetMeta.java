package dev.veil.server.dataset;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.api.Label;
import dev.veil.api.Scaling;

/**
 * The public description of an encrypted data set: the {@code meta.json} that {@code veil encrypt}
 * writes (format {@code veil-data/1}), field for field. None of it is secret; the scaler's offsets
 * and scales (fitted on the owner's data) are shown only to the owner.
 *
 * @param format {@code veil-data/1}
 * @param model the model the data set was packed for ({@code logistic})
 * @param rows training rows
 * @param features feature columns
 * @param featureNames their names
 * @param label the label column and, for categorical labels, its two classes
 * @param scaler the owner's feature scaling
 * @param iterations training iterations the keys were planned for
 * @param degree degree of the sigmoid approximation
 * @param slots slots per ciphertext
 * @param ciphertexts ciphertext files (the parts of the upload)
 * @param paramsDigest the parameters' digest
 * @param keyId the key pair's id (first 16 hex digits of SHA-256 of public.key)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetMeta(String format, String model, Integer rows, Integer features,
    List<String> featureNames, Label label, Scaling scaler, Integer iterations, Integer degree,
    Integer slots, Integer ciphertexts, String paramsDigest, String keyId) {
  public static final String FORMAT = "veil-data/1";

  /** The same without the scaler: what users other than the owner see. */
  public DatasetMeta withoutScaler() {
    return new DatasetMeta(format, model, rows, features, featureNames, label, null, iterations,
        degree, slots, ciphertexts, paramsDigest, keyId);
  }
}
