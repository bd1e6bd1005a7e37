package dev.veil.server.training;

/**
 * A training job's validated parameters, as stored with the job and read by the runner.
 *
 * @param datasetId the data set
 * @param keySetId the data owner's key set (its evaluation keys run the training)
 * @param iterations T
 * @param degree the sigmoid's degree
 * @param l2 ridge penalty
 */
public record TrainingParameters(String datasetId, String keySetId, int iterations, int degree,
    double l2) {}
