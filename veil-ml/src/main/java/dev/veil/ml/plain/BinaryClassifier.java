package dev.veil.ml.plain;

/** A fitted binary classifier: the probability that a (scaled) feature row is positive. */
public interface BinaryClassifier {
    /** Probability of the positive class for one row. */
    double probability(double[] row);

    /** Probabilities for many rows. */
    default double[] probabilities(double[][] rows) {
        double[] p = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            p[i] = probability(rows[i]);
        }
        return p;
    }
}
