/**
 * Neural networks for encrypted inference: the representation ({@link dev.veil.ml.nn.Network},
 * {@link dev.veil.ml.nn.Layer}, {@link dev.veil.ml.nn.Shape}) and its forward pass in double
 * precision, the reference that imported, compiled and encrypted networks are checked against;
 * {@link dev.veil.ml.nn.Calibration}, which fits the activations' polynomials on calibration
 * data; and {@link dev.veil.ml.nn.NetworkFile}, the versioned Veil network file. ONNX import is
 * the sub-package {@code onnx}, which uses this one (never the reverse).
 */
package dev.veil.ml.nn;
