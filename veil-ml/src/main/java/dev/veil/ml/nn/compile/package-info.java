/**
 * The network compiler: a {@link dev.veil.ml.nn.Network} turned into a packed CKKS program
 * ({@link dev.veil.ml.nn.compile.NetworkCompiler}), in latency mode (one input per request,
 * per-layer slot layouts, diagonal products with baby-step giant-step and hoisted rotations,
 * the first convolution on the client's im2col layout) or throughput mode (one input per slot,
 * lazily reduced multiply-accumulates, lazy relinearisation and rescaling), with its level and
 * scale plan, the exact evaluation keys, the client's encoding and decoding, the sanitised
 * result and a per-layer cost report ({@link dev.veil.ml.nn.compile.LayerReport}, {@link
 * dev.veil.ml.nn.compile.CostModel}).
 */
package dev.veil.ml.nn.compile;
