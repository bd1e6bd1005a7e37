package dev.veil.server.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import dev.veil.api.Label;
import dev.veil.api.Scaling;

/**
 * A plaintext model as {@code veil decrypt} writes it (format {@value #FORMAT}): {@code
 * weights[0]} is the intercept, then one weight per feature, applied to the features scaled by
 * {@code scaler}: {@code score = w0 + sum_j w_j x'_j}, {@code x'_j = (x_j - offset_j) / scale_j};
 * a logistic model's probability is {@code sigmoid(score)}. The seller uploads it once; the
 * weights are then sealed and never shown again.
 *
 * @param format {@value #FORMAT}
 * @param model {@code logistic} or {@code linear}
 * @param featureNames the input columns, in order
 * @param label the label's name and classes (informational), or null
 * @param scaler the scaling buyers apply before encrypting
 * @param weights intercept first, then one per feature
 * @param training the training report (ignored)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelFile(String format, String model, List<String> featureNames, Label label,
    Scaling scaler, double[] weights, JsonNode training) {
  public static final String FORMAT = "veil-model/1";
}
