package dev.veil.server.inference;

/**
 * An inference job's validated parameters, as stored with the job and read by the runner.
 *
 * @param modelId the model
 * @param keySetId the buyer's key set
 * @param inputId the buyer's upload
 * @param inputSha256 its blob
 * @param rows rows to score
 * @param features the model's features
 * @param packing {@code feature-major} or {@code row-major}
 * @param output {@code scores} or {@code probabilities}
 * @param floodingResults D of the output sanitiser: the most sanitised ciphertexts this buyer may
 *     receive from the model (its per-buyer row budget when the job was submitted)
 */
public record InferenceParameters(String modelId, String keySetId, String inputId,
    String inputSha256, long rows, int features, String packing, String output,
    long floodingResults) {}
