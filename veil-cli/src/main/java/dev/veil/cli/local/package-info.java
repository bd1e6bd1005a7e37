/**
 * The file-based workflow on one machine: {@code veil keygen}, {@code encrypt}, {@code decrypt},
 * {@code predict}, {@code evaluate}, {@code schema} and {@code demo}, and the steps and files they
 * share (key plans, encrypted data sets and rows, models, predictions, their JSON metadata in
 * {@link dev.veil.cli.local.Meta}, atomic writes in {@link dev.veil.cli.local.Store}).
 *
 * <p>May use {@link dev.veil.cli.core}, {@link dev.veil.cli.output}, the engine (veil-he), the
 * machine learning (veil-ml) and the SDK's records; never the remote commands, the credentials or
 * the entry point: the remote commands build on this package, not the reverse.
 */
package dev.veil.cli.local;
