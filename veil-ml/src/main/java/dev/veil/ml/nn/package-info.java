/**
 * Neural networks for encrypted inference. This package holds the representation ({@link
 * dev.veil.ml.nn.Network}, {@link dev.veil.ml.nn.Layer}, {@link dev.veil.ml.nn.Shape}) with its
 * forward pass in double precision (the reference every imported, compiled and encrypted network
 * is checked against), the Veil network file ({@link dev.veil.ml.nn.NetworkFile}) and the
 * calibration of activations into polynomials ({@link dev.veil.ml.nn.Calibration}). Above it, and
 * independent of each other: {@code nn.onnx} (import and export of ONNX models), {@code nn.train}
 * (a plaintext trainer for HE-friendly networks) and {@code nn.compile} (the compiler to packed
 * CKKS programs, latency and throughput modes).
 */
package dev.veil.ml.nn;
