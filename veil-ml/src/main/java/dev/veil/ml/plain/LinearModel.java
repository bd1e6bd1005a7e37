package dev.veil.ml.plain;

import java.util.Arrays;

/**
 * A linear-regression model {@code y = beta_0 + sum_j beta_j x_j}.
 *
 * @param weights {@code beta}, intercept first
 */
public record LinearModel(double[] weights) {
    /** Copies the weights; refuses an empty or non-finite vector. */
    public LinearModel {
        weights = weights.clone();
        if (weights.length == 0) {
            throw new IllegalArgumentException("need at least the intercept");
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) {
                throw new IllegalArgumentException("non-finite weight in " + Arrays.toString(weights));
            }
        }
    }

    @Override
    public double[] weights() {
        return weights.clone();
    }

    /** Prediction for one row. */
    public double predict(double[] row) {
        if (row.length != weights.length - 1) {
            throw new IllegalArgumentException("model has " + (weights.length - 1) + " features, row has " + row.length);
        }
        return Linalg.affine(weights, row);
    }

    /** Predictions for many rows. */
    public double[] predict(double[][] rows) {
        double[] out = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = predict(rows[i]);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LinearModel m && Arrays.equals(weights, m.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "LinearModel" + Arrays.toString(weights);
    }
}
