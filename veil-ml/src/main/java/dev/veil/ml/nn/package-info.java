/**
 * Neural networks for encrypted inference: the representation ({@link dev.veil.ml.nn.Network},
 * {@link dev.veil.ml.nn.Layer}, {@link dev.veil.ml.nn.Shape}) and its forward pass in double
 * precision, the reference that imported, compiled and encrypted networks are checked against.
 */
package dev.veil.ml.nn;
