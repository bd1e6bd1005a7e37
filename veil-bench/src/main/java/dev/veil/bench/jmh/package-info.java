/**
 * JMH micro-benchmarks of the core CKKS operations, a cross-check of {@link
 * dev.veil.bench.CkksBenchmark}. Uses veil-he and JMH (an optional dependency: the distribution
 * does not carry it).
 */
package dev.veil.bench.jmh;
