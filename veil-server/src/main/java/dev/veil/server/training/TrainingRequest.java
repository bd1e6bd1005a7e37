package dev.veil.server.training;

/**
 * A request to train encrypted logistic regression on a data set.
 *
 * @param datasetId the encrypted data set (the caller's own, or one listed for training)
 * @param iterations null: the iterations the data owner planned the keys for
 * @param degree the sigmoid's degree, 3, 5 or 7; null: the one the keys were planned for
 * @param l2 ridge penalty, 0 or more; null: 0
 */
public record TrainingRequest(String datasetId, Integer iterations, Integer degree, Double l2) {}
