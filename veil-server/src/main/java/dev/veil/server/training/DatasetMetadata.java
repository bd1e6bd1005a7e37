package dev.veil.server.training;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.veil.api.Label;
import dev.veil.api.Scaling;

/**
 * The public metadata of an encrypted data set, the {@code meta.json} that {@code veil encrypt}
 * writes (format {@value #FORMAT}): the table's shape and feature names, the label, the owner's
 * scaling, the training the keys were planned for, and the parameters and key pair it is
 * encrypted under.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetMetadata(String format, String model, int rows, int features,
    List<String> featureNames, Label label, Scaling scaler, int iterations,
    int degree, int slots, int ciphertexts, String paramsDigest, String keyId) {
  public static final String FORMAT = "veil-data/1";
}
