/**
 * Training jobs: who may train on which data set at what price ({@link
 * dev.veil.server.training.TrainingJobs}) and the runner that does what {@code veil train} does
 * ({@link dev.veil.server.training.TrainingRunner}), reading the data set's {@link
 * dev.veil.api.DataInfo} and writing the {@link dev.veil.api.EncryptedModelInfo} that {@code veil
 * decrypt} reads.
 *
 * <p>May use {@code core}, {@code blob}, {@code catalog}, {@code he} (the one {@code KeyCache}),
 * {@code job}, veil-he, veil-ml and veil-api; only the job routes and the wiring use it.
 */
package dev.veil.server.training;
