package dev.veil.server.training;

/**
 * A request to train an encrypted model on a data set.
 *
 * @param datasetId the encrypted data set (the caller's own, or one listed for training)
 * @param model {@code logistic}, {@code linear} or {@code ovr}: must be the data set's kind;
 *     null: that kind
 * @param iterations null: the iterations the data owner planned the keys for
 * @param degree the sigmoid's degree, 3, 5 or 7; null: the one the keys were planned for
 *     (logistic, ovr)
 * @param l2 ridge penalty, 0 or more; null: 0
 * @param learningRate linear regression's constant step; null: the default
 * @param keySetId training on someone else's data set: the builder's key set the model is
 *     handed over to (the job ends in HANDOVER_PENDING until the data owner switches it); null:
 *     the model stays under the data owner's key
 */
public record TrainingRequest(String datasetId, String model, Integer iterations,
    Integer degree, Double l2, Double learningRate, String keySetId) {
  /** The request of the first API: the data set's kind, no hand-over. */
  public TrainingRequest(String datasetId, Integer iterations, Integer degree, Double l2) {
    this(datasetId, null, iterations, degree, l2, null, null);
  }
}
