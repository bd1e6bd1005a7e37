/**
 * The CKKS scheme on top of the RLWE layer: encoding complex or real slots into plaintexts
 * ({@code Encoder}), homomorphic operations with level and scale tracking ({@code Evaluator}),
 * preset parameter sets and their selection ({@code Presets}, {@code ParameterSelector}),
 * precision statistics, the noise estimator that bounds a traced computation's decryption noise
 * ({@code NoiseEstimator}, which sizes flooding), the Li-Micciancio key recovery from published
 * exact decryptions ({@code KeyRecoveryAttack}, for tests and demonstrations), and the exceptions
 * for level and scale misuse.
 *
 * <p>May use {@code dev.veil.he.rlwe}, {@code dev.veil.he.ring} and the JDK; never {@code io}.
 */
package dev.veil.he.ckks;
