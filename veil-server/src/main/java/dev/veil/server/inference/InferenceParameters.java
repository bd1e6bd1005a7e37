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
 * @param floodingResults D of the output sanitiser: the most sanitised results all buyers together
 *     may receive from the model ({@link dev.veil.server.model.ModelListing#floodingRows}, fixed
 *     when the model version was published), or the rows of a seller's own job
 */
public record InferenceParameters(String modelId, String keySetId, String inputId,
    String inputSha256, long rows, int features, String packing, String output,
    long floodingResults) {}
