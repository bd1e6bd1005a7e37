/**
 * Reference learning algorithms in double precision: the algorithms the encrypted trainers compute, run in
 * clear, and exact baselines they are measured against.
 *
 * <ul>
 *   <li>{@link dev.veil.ml.plain.NesterovLogisticRegression}: Kim et al. (2018) logistic regression by
 *       Nesterov's accelerated gradient with a polynomial sigmoid ({@link dev.veil.ml.plain.Sigmoid}) - the
 *       step-by-step contract of the encrypted trainer;</li>
 *   <li>{@link dev.veil.ml.plain.ExactLogisticRegression}: maximum likelihood by Newton/IRLS, the exact
 *       baseline;</li>
 *   <li>{@link dev.veil.ml.plain.LinearRegression}: least squares by gradient descent (and in closed
 *       form);</li>
 *   <li>{@link dev.veil.ml.plain.OneVsRest}: multiclass from any {@link dev.veil.ml.plain.BinaryTrainer};</li>
 *   <li>{@link dev.veil.ml.plain.CrossValidation}: k-fold evaluation with per-fold scaling.</li>
 * </ul>
 * Everything is deterministic: the same inputs give bit-identical models.
 */
package dev.veil.ml.plain;
