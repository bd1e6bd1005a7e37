/**
 * Inference jobs: uploads of encrypted rows, admission with price and budget ({@link
 * dev.veil.server.inference.InferenceJobs}) and the runner that opens a model's weights, scores
 * the rows and sanitises the result ({@link dev.veil.server.inference.InferenceRunner}).
 */
package dev.veil.server.inference;
