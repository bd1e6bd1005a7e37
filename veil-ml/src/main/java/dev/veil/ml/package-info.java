/**
 * Machine learning on CKKS ciphertexts, on top of veil-he and nothing else: data preparation and
 * metrics ({@code data}), reference algorithms in double precision ({@code plain}), polynomial
 * approximation and evaluation ({@code poly}), packing and encrypted linear algebra ({@code
 * linalg}), encrypted training ({@code train}) and encrypted inference with output sanitising
 * ({@code infer}), and neural networks ({@code nn}: representation, import, compiler, trainer).
 * Each package uses only those before it in this list; {@code train} and {@code infer} do not
 * use each other.
 */
package dev.veil.ml;
