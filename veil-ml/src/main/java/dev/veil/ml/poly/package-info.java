/**
 * Polynomial approximation and encrypted polynomial evaluation: {@link
 * dev.veil.ml.poly.ChebyshevSeries} (interpolation, Clenshaw, power-basis conversion), {@link
 * dev.veil.ml.poly.SigmoidApproximation} (least squares, Chebyshev interpolation, Kim et al.'s
 * fixed polynomials) and {@link dev.veil.ml.poly.PolynomialEvaluator} (depth-optimal
 * baby-step giant-step evaluation in the Chebyshev basis on CKKS ciphertexts, with exact scale
 * management).
 */
package dev.veil.ml.poly;
