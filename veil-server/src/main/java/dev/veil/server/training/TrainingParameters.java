package dev.veil.server.training;

/**
 * A training job's validated parameters, as stored with the job and read by the runner.
 *
 * @param datasetId the data set
 * @param keySetId the data owner's key set (its evaluation keys run the training)
 * @param iterations T
 * @param degree the sigmoid's degree (0 for linear)
 * @param l2 ridge penalty
 * @param model the kind's id; null in jobs stored before it was recorded: logistic
 * @param learningRate linear regression's step; null otherwise
 * @param handoverKeySetId the builder's key set of a hand-over, or null
 * @param handoverHours the listing's hand-over time at submission (hand-over only; else 0)
 */
public record TrainingParameters(String datasetId, String keySetId, int iterations, int degree,
    double l2, String model, Double learningRate, String handoverKeySetId, int handoverHours) {}
