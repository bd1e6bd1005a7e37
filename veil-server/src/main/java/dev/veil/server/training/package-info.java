/**
 * Training jobs: who may train on which data set at what price ({@link
 * dev.veil.server.training.TrainingJobs}) and the runner that does what {@code veil train} does
 * ({@link dev.veil.server.training.TrainingRunner}), reading the data set's {@link
 * dev.veil.api.DataInfo} and writing the {@link dev.veil.api.EncryptedModelInfo} that {@code veil
 * decrypt} reads.
 */
package dev.veil.server.training;
