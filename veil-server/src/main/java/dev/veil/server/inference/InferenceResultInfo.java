package dev.veil.server.inference;

/**
 * An inference job's result description (format {@value #FORMAT}). The result blob holds {@link
 * #ciphertexts} VeilIO ciphertexts under the buyer's public key, sanitised: at level 0, every slot
 * but the results cleared, re-randomised and flooded. Row r's value is in ciphertext {@code r /
 * rowsPerCiphertext}, slot {@code (r mod rowsPerCiphertext) * blockSize}, i.e. what {@code
 * ResultDescriptor(Layout.of(slots, rows, layoutFeatures), output, true)} reads with {@code
 * ResultReader}.
 *
 * @param format {@value #FORMAT}
 * @param modelId the model
 * @param output {@code scores} or {@code probabilities}
 * @param packing the rows' packing
 * @param rows results
 * @param slots slots per ciphertext
 * @param layoutFeatures the features of the read-out layout (1 for feature-major results)
 * @param ciphertexts ciphertexts in the blob
 * @param paramsDigest the parameters
 * @param expectedPrecisionBits bits of precision the flooding leaves in each result
 */
public record InferenceResultInfo(String format, String modelId, String output, String packing,
    long rows, int slots, int layoutFeatures, int ciphertexts, String paramsDigest,
    double expectedPrecisionBits) {
  public static final String FORMAT = "veil-inference-result/1";
}
