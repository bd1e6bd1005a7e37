package dev.veil.api;

import java.util.List;

/**
 * The public description of an encrypted data set, as the server shows it: the {@code meta.json}
 * of {@code veil encrypt} (format {@code veil-data/1}). The scaler is shown to the owner only.
 *
 * @param format {@code veil-data/1}
 * @param model the model kind it was encrypted for ({@code logistic})
 * @param rows training rows
 * @param features feature columns
 * @param featureNames their names
 * @param label the label column
 * @param scaler the owner's feature scaling (owner only, else null)
 * @param iterations training iterations the keys were planned for
 * @param degree the sigmoid's degree
 * @param slots slots per ciphertext
 * @param ciphertexts ciphertext files: the data set's parts
 * @param paramsDigest the parameters' digest
 * @param keyId the key pair's id
 */
public record DatasetMeta(String format, String model, Integer rows, Integer features,
    List<String> featureNames, Label label, Scaling scaler, Integer iterations, Integer degree,
    Integer slots, Integer ciphertexts, String paramsDigest, String keyId) {}
