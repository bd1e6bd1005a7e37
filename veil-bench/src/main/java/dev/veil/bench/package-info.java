/**
 * The benchmarks behind {@code veil bench}: the engine's operations ({@link
 * dev.veil.bench.CkksBenchmark}, beside SEAL's published figures in {@link
 * dev.veil.bench.SealReference}), encrypted logistic regression on the HELR data sets ({@link
 * dev.veil.bench.HelrBenchmark}) and iris ({@link dev.veil.bench.IrisBenchmark}), with the shared
 * timing harness and heap monitoring. Each writes a table to standard output and, when asked, a
 * JSON report (the figures of BENCHMARKS.md come from those reports). Uses veil-he and veil-ml;
 * the server benchmark is in {@code dev.veil.bench.server}, the commands in {@code
 * dev.veil.bench.cli}.
 */
package dev.veil.bench;
