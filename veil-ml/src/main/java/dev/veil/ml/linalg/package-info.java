/**
 * Packing and encrypted linear algebra: where a table's values go in the slots ({@link
 * dev.veil.ml.linalg.Layout}, {@link dev.veil.ml.linalg.TablePacker}), sums across slots by
 * rotation ({@link dev.veil.ml.linalg.RotateSum}), encrypted inner products ({@link
 * dev.veil.ml.linalg.InnerProducts}) and matrix-vector products by diagonals with baby-step
 * giant-step and hoisted rotations ({@link dev.veil.ml.linalg.MatrixVector}). Uses veil-he only;
 * used by {@code train} and {@code infer}.
 */
package dev.veil.ml.linalg;
