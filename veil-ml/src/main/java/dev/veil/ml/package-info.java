/**
 * Machine learning on CKKS ciphertexts, on top of veil-he: data preparation and metrics
 * ({@code data}), reference algorithms in double precision ({@code plain}), polynomial
 * approximation and evaluation ({@code poly}), packing and encrypted linear algebra
 * ({@code linalg}).
 */
package dev.veil.ml;
