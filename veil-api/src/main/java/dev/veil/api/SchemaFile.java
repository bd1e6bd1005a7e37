package dev.veil.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code schema.json} ({@code veil schema}, format {@value #FORMAT}): a model's public input
 * schema, everything a row owner needs to encrypt rows for it (feature names in order, the
 * scaler) and to read its predictions (the label), without the weights. The file form of the
 * REST API's {@link InputSchema}. Null fields are omitted.
 *
 * @param format {@value #FORMAT}
 * @param model the model kind: logistic, linear or ovr
 * @param featureNames the columns, in the order the rows must hold them
 * @param label the predicted label, or null
 * @param scaler the scaling to apply before encrypting
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchemaFile(String format, String model, List<String> featureNames, Label label,
    Scaling scaler) {
  /** The format tag of an input schema. */
  public static final String FORMAT = "veil-schema/1";

  /** The schema file of a model of kind {@code model} with the server's input schema. */
  public static SchemaFile of(String model, InputSchema schema) {
    return new SchemaFile(FORMAT, model, schema.featureNames(), schema.label(), schema.scaler());
  }

  /**
   * Checks the format tag, the model, at least one named feature and a valid scaler of as many
   * features when present.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public SchemaFile validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.present(featureNames, "featureNames");
    FileChecks.featureNames(featureNames, featureNames.size());
    FileChecks.scaler(scaler, featureNames.size(), "the schema");
    return this;
  }
}
