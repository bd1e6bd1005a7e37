package dev.veil.ml.plain;

/** Fits a binary classifier on feature rows and labels 0/1 (or -1/+1). */
@FunctionalInterface
public interface BinaryTrainer {
    /**
     * @param x training rows (not modified)
     * @param y labels, 0/1 or -1/+1
     */
    BinaryClassifier fit(double[][] x, double[] y);
}
