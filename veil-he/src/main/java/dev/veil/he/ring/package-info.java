/**
 * Arithmetic in {@code Z_q[X]/(X^N + 1)} over a chain of word-sized primes, independent of any
 * encryption scheme: moduli with Barrett and Shoup reduction ({@code Modulus}), prime generation
 * ({@code Primes}), number-theoretic transforms ({@code NttTable}), residue-number-system rings
 * with their worker threads ({@code RingContext}), fast basis conversion ({@code
 * BasisConverter}), seeded randomness and sampling ({@code Prng}, {@code Sampler}), and pools of
 * reusable scratch buffers for allocation-free operations ({@code ScratchPool}).
 *
 * <p>The bottom layer of veil-he: uses only the JDK, no other package of veil-he.
 */
package dev.veil.he.ring;
