/**
 * Training jobs: who may train on which data set at what price ({@link
 * dev.veil.server.training.TrainingJobs}) and the runner that does what {@code veil train} does
 * ({@link dev.veil.server.training.TrainingRunner}).
 */
package dev.veil.server.training;
