/**
 * The benchmarks behind {@code veil bench}: the CKKS engine's operations against SEAL ({@link
 * dev.veil.bench.CkksBenchmark}, {@link dev.veil.bench.SealReference}), encrypted training
 * ({@link dev.veil.bench.HelrBenchmark}, {@link dev.veil.bench.IrisBenchmark}) and encrypted
 * inference end to end ({@link dev.veil.bench.InferBenchmark}), with their timing harness and
 * JSON reports. May use veil-he, veil-ml, the server's inference settings ({@code
 * dev.veil.server.inference}, so that inference is sanitised as the server does it) and Jackson;
 * the command-line side is {@link dev.veil.bench.cli}, the server benchmark {@link
 * dev.veil.bench.server}.
 */
package dev.veil.bench;
