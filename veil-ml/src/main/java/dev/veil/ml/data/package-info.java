/**
 * Plain-side data handling for encrypted training: reading CSV tables ({@link dev.veil.ml.data.CsvReader}
 * into an immutable {@link dev.veil.ml.data.Table}), feature scaling fitted on training rows
 * ({@link dev.veil.ml.data.Scaler}), deterministic k-fold splits ({@link dev.veil.ml.data.Folds}) and
 * evaluation metrics ({@link dev.veil.ml.data.Metrics}, {@link dev.veil.ml.data.ConfusionMatrix}).
 *
 * <p>Everything here runs on the data owner's machine, in clear, in double precision. Nothing in this
 * package touches ciphertexts.
 */
package dev.veil.ml.data;
