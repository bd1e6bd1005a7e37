/**
 * Inference jobs: uploads of encrypted rows, admission with price and budget ({@link
 * dev.veil.server.inference.InferenceJobs}) and the runner that opens a model's weights, scores
 * the rows and sanitises the result ({@link dev.veil.server.inference.InferenceRunner}).
 *
 * <p>May use {@code core}, {@code db}, {@code blob}, {@code audit}, {@code budget}, {@code
 * ledger}, {@code catalog}, {@code he} (the one {@code KeyCache}), {@code job}, {@code model},
 * {@code http}, veil-he and veil-ml; only the job routes and the wiring use it.
 */
package dev.veil.server.inference;
