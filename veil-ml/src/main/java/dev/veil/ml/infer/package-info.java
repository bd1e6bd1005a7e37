/**
 * Inference with encrypted data or an encrypted model.
 *
 * <ul>
 *   <li>{@link dev.veil.ml.infer.EncryptedRowsInference}: encrypted rows (many per ciphertext) x a
 *       plaintext linear or logistic model: scores, or probabilities through a polynomial sigmoid.
 *   <li>{@link dev.veil.ml.infer.PlainRowsEncryptedModel}: plaintext rows x an encrypted model.
 *   <li>{@link dev.veil.ml.infer.EncryptedResult} and {@link dev.veil.ml.infer.ResultDescriptor}:
 *       the ciphertexts and which slot holds which row; {@link dev.veil.ml.infer.ResultReader}
 *       decrypts them for the key holder.
 *   <li>{@link dev.veil.ml.infer.OutputSanitizer}: clears, reduces, re-randomises and floods a
 *       result before it goes back to a buyer; {@link dev.veil.ml.infer.QueryBudget} limits what a
 *       buyer may have scored; {@link dev.veil.ml.infer.ScoringNoise} traces the noise
 *       bound of the scoring circuits that sizes the sanitiser's flooding.
 * </ul>
 */
package dev.veil.ml.infer;
