package dev.veil.api;

import java.util.List;

/**
 * {@code rows.veil/meta.json} ({@code veil encrypt --schema}, format {@value #FORMAT}): rows
 * encrypted feature-major for inference: batch b, feature j in {@code x-BBBBB-JJJJ.ct}, row {@code
 * b * slots + s} in slot s. Null fields are written as null.
 *
 * @param format {@value #FORMAT}
 * @param model the model kind of the schema the rows were scaled for
 * @param rows rows encrypted
 * @param features feature columns
 * @param featureNames their names
 * @param scaler the scaling applied before encrypting
 * @param output what the keys were planned for: probabilities or scores
 * @param degree the sigmoid degree the keys were planned for (probabilities)
 * @param slots rows per batch
 * @param batches batches: {@code ceil(rows / slots)}
 * @param paramsDigest the parameters' digest
 * @param keyId the key pair's id
 */
public record RowsInfo(String format, String model, int rows, int features,
    List<String> featureNames, Scaling scaler, String output, int degree, int slots, int batches,
    String paramsDigest, String keyId) {
  /** The format tag of rows encrypted for inference. */
  public static final String FORMAT = "veil-rows/1";

  /**
   * Checks the format tag, the model, one feature name per feature, and the shape: rows and slots
   * positive, {@code batches = ceil(rows / slots)}.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public RowsInfo validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.atLeast(features, 1, "features");
    FileChecks.present(featureNames, "featureNames");
    FileChecks.featureNames(featureNames, features);
    FileChecks.atLeast(degree, 0, "degree");
    FileChecks.batches(rows, slots, batches);
    return this;
  }
}
