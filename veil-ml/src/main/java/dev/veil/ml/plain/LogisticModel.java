package dev.veil.ml.plain;

import java.util.Arrays;

/**
 * A logistic-regression model {@code P(y = 1 | x) = sigma(beta_0 + sum_j beta_j x_j)} with the exact
 * sigmoid.
 *
 * @param weights {@code beta}, intercept first: length = number of features + 1
 */
public record LogisticModel(double[] weights) implements BinaryClassifier {
    /** Copies the weights; refuses an empty or non-finite vector. */
    public LogisticModel {
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

    /** The intercept {@code beta_0}. */
    public double intercept() {
        return weights[0];
    }

    /** The linear score {@code beta . (1, x)}. */
    public double score(double[] row) {
        if (row.length != weights.length - 1) {
            throw new IllegalArgumentException("model has " + (weights.length - 1) + " features, row has " + row.length);
        }
        return Linalg.affine(weights, row);
    }

    @Override
    public double probability(double[] row) {
        return Sigmoid.logistic(score(row));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogisticModel m && Arrays.equals(weights, m.weights);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "LogisticModel" + Arrays.toString(weights);
    }
}
