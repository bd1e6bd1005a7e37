/**
 * The CKKS scheme on top of the RLWE layer: encoding complex or real slots into plaintexts
 * ({@code Encoder}), homomorphic operations with level and scale tracking ({@code Evaluator}),
 * preset parameter sets and their selection ({@code Presets}, {@code ParameterSelector}),
 * precision statistics, and the exceptions for level and scale misuse.
 *
 * <p>May use {@code dev.veil.he.rlwe}, {@code dev.veil.he.ring} and the JDK; never {@code io}.
 */
package dev.veil.he.ckks;
