/**
 * ONNX import: {@link dev.veil.ml.nn.onnx.OnnxImport} turns an ONNX model into a {@link
 * dev.veil.ml.nn.Network} or refuses it with an {@link
 * dev.veil.ml.nn.onnx.UnsupportedModelException} naming the operator, the node and what to use
 * instead; {@link dev.veil.ml.nn.onnx.OnnxTensor} reads ONNX tensors (initializers and the test
 * suite's {@code .pb} files). Uses {@code dev.veil.ml.nn} and ONNX's protobuf classes ({@code
 * ai.onnx.proto}, {@code com.google.protobuf}); nothing in {@code nn} uses this package.
 */
package dev.veil.ml.nn.onnx;
