/**
 * Encrypted training on the untrusted node: {@link dev.veil.ml.train.Planner} fixes layout, levels,
 * refreshes, rotations and parameters before any work ({@link dev.veil.ml.train.TrainingPlan});
 * {@link dev.veil.ml.train.EncryptedLogisticRegression} runs exactly the steps of
 * {@link dev.veil.ml.plain.NesterovLogisticRegression} on ciphertexts with evaluation keys only;
 * {@link dev.veil.ml.train.Refresher} / {@link dev.veil.ml.train.KeyHolderRefresher} re-encrypt
 * when the planned depth runs out; {@link dev.veil.ml.train.EncryptedLinearRegression} runs
 * {@link dev.veil.ml.plain.LinearRegression}'s gradient descent; {@link
 * dev.veil.ml.train.TrainingNoise} traces both circuits' noise with the engine's estimator, which
 * sizes the flooding of a trained model that leaves its key holder.
 */
package dev.veil.ml.train;
