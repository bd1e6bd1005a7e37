package dev.veil.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code preds.veil/meta.json} ({@code veil predict --data}, format {@value #FORMAT}): sanitised
 * encrypted predictions, column c of batch b in {@code out-CCC-BBBBB.ct}, row {@code b * slots +
 * s} in slot s. Null fields are omitted.
 *
 * @param format {@value #FORMAT}
 * @param model the kind of the model applied
 * @param output probabilities (the polynomial sigmoid) or scores (linear scores; standardised
 *     predictions for a linear model)
 * @param degree the sigmoid's degree (probabilities)
 * @param rows rows predicted
 * @param columns one per class for one-vs-rest, else 1
 * @param slots rows per batch
 * @param batches batches: {@code ceil(rows / slots)}
 * @param label the model's label, or null
 * @param sanitizer how the results were sanitised, or null
 * @param paramsDigest the parameters' digest
 * @param keyId the key pair's id
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionsInfo(String format, String model, String output, int degree, int rows,
    int columns, int slots, int batches, Label label, SanitizerInfo sanitizer,
    String paramsDigest, String keyId) {
  /** The format tag of encrypted predictions. */
  public static final String FORMAT = "veil-predictions/1";

  /**
   * Checks the format tag, the model, the output, and the shape: columns, rows and slots positive,
   * {@code batches = ceil(rows / slots)}.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public PredictionsInfo validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.present(output, "output");
    FileChecks.atLeast(degree, 0, "degree");
    FileChecks.atLeast(columns, 1, "columns");
    FileChecks.batches(rows, slots, batches);
    return this;
  }
}
