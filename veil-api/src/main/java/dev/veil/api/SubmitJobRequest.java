package dev.veil.api;

/**
 * {@code POST /api/jobs}: a training job ({@link #training}) or an inference job ({@link
 * #inference}); the fields of the other kind stay null.
 *
 * @param kind TRAINING or INFERENCE
 * @param datasetId training: the data set (the caller's own, free, or a listed one, paid)
 * @param iterations training: null for the iterations the keys were planned for
 * @param degree training: sigmoid degree 3, 5 or 7; null for the planned one
 * @param l2 training: ridge penalty; null for 0
 * @param modelId inference: the model
 * @param keySetId inference: the caller's key set the rows are encrypted under; training on
 *     someone else's data set: the builder's own key set, to which the data owner hands the
 *     trained model over (null: the model stays under the data owner's key)
 * @param inputId inference: the caller's uploaded rows
 * @param rows inference: how many rows the upload holds (and are paid for)
 * @param packing inference: {@code feature-major} (null: the default) or {@code row-major}
 * @param output inference: {@code scores} (null: the default) or {@code probabilities}
 * @param model training: {@code logistic}, {@code linear} or {@code ovr}, which must be the
 *     data set's kind; null for the data set's kind
 * @param learningRate training: linear regression's constant step; null for the default
 */
public record SubmitJobRequest(JobKind kind, String datasetId, Integer iterations,
    Integer degree, Double l2, String modelId, String keySetId, String inputId, Long rows,
    String packing, String output, String model, Double learningRate) {

  /** Training on a data set with the planned iterations and degree, no L2. */
  public static SubmitJobRequest training(String datasetId) {
    return new SubmitJobRequest(JobKind.TRAINING, datasetId, null, null, null, null, null, null,
        null, null, null, null, null);
  }

  /**
   * Training with explicit settings.
   *
   * @param iterations null for the planned ones
   * @param degree null for the planned one
   * @param l2 null for none
   */
  public static SubmitJobRequest training(String datasetId, Integer iterations, Integer degree,
      Double l2) {
    return new SubmitJobRequest(JobKind.TRAINING, datasetId, iterations, degree, l2, null, null,
        null, null, null, null, null, null);
  }

  /**
   * Training with every setting.
   *
   * @param model null for the data set's kind
   * @param learningRate linear only; null for the default
   * @param keySetId the builder's key set for a hand-over; null to keep the owner's key
   */
  public static SubmitJobRequest training(String datasetId, String model, Integer iterations,
      Integer degree, Double l2, Double learningRate, String keySetId) {
    return new SubmitJobRequest(JobKind.TRAINING, datasetId, iterations, degree, l2, null,
        keySetId, null, null, null, null, model, learningRate);
  }

  /**
   * Inference of a model on uploaded rows.
   *
   * @param packing null for feature-major
   * @param output null for scores
   */
  public static SubmitJobRequest inference(String modelId, String keySetId, String inputId,
      long rows, String packing, String output) {
    return new SubmitJobRequest(JobKind.INFERENCE, null, null, null, null, modelId, keySetId,
        inputId, rows, packing, output, null, null);
  }
}
