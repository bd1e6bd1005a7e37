/**
 * The RLWE layer shared by the schemes: parameters and their digest, the precomputed context
 * ({@code HeContext}), keys and their generation, plaintexts and ciphertexts as polynomials,
 * encryption, exact and flooded decryption, and hybrid key switching ({@code KeySwitcher}). It
 * knows nothing of CKKS encoding or of the serialised formats.
 *
 * <p>May use {@code dev.veil.he.ring} and the JDK; never {@code ckks} or {@code io}.
 */
package dev.veil.he.rlwe;
