package dev.veil.ml.data;

import java.util.Arrays;

/**
 * Evaluation metrics, in double precision.
 *
 * <p>Binary labels are 0/1 (or -1/+1): a label is positive when it is 1 (or +1), negative when it is 0 (or
 * -1); any other value is refused with an {@link IllegalArgumentException}, as are arrays of different
 * lengths, empty inputs and non-finite scores.
 */
public final class Metrics {
    private Metrics() {
    }

    /** Whether a binary label is positive (1 or +1) or negative (0 or -1); refuses anything else. */
    public static boolean isPositive(double label) {
        if (label == 1.0) {
            return true;
        }
        if (label == 0.0 || label == -1.0) {
            return false;
        }
        throw new IllegalArgumentException("binary label must be 0/1 or -1/+1, got " + label);
    }

    /** Fraction of rows where {@code score >= threshold} agrees with a positive label. */
    public static double accuracy(double[] labels, double[] scores, double threshold) {
        check(labels, scores);
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if ((scores[i] >= threshold) == isPositive(labels[i])) {
                correct++;
            }
        }
        return (double) correct / labels.length;
    }

    /** Fraction of rows where the predicted class equals the actual class. */
    public static double accuracy(int[] actual, int[] predicted) {
        if (actual.length != predicted.length || actual.length == 0) {
            throw new IllegalArgumentException("need equal, non-zero lengths: " + actual.length + " actual, "
                    + predicted.length + " predicted");
        }
        int correct = 0;
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] == predicted[i]) {
                correct++;
            }
        }
        return (double) correct / actual.length;
    }

    /**
     * Area under the ROC curve, by the rank-sum (Mann-Whitney U) formula: the probability that a random
     * positive scores above a random negative, ties counting one half. Tied scores get their mid-rank, so
     * the result equals the trapezoidal ROC area.
     *
     * @throws IllegalArgumentException if the labels are not binary or one class is absent
     */
    public static double auc(double[] labels, double[] scores) {
        check(labels, scores);
        int n = labels.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(scores[a], scores[b]));
        long positives = 0;
        double rankSumPositives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
                j++;
            }
            double midRank = (i + j) / 2.0 + 1.0; // ranks are 1-based
            for (int t = i; t <= j; t++) {
                if (isPositive(labels[order[t]])) {
                    positives++;
                    rankSumPositives += midRank;
                }
            }
            i = j + 1;
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUC needs both classes; got " + positives + " positives and "
                    + negatives + " negatives");
        }
        double u = rankSumPositives - positives * (positives + 1) / 2.0;
        return u / ((double) positives * negatives);
    }

    /** Root mean squared error. */
    public static double rmse(double[] actual, double[] predicted) {
        check(actual, predicted);
        double s = 0;
        for (int i = 0; i < actual.length; i++) {
            double e = actual[i] - predicted[i];
            s += e * e;
        }
        return Math.sqrt(s / actual.length);
    }

    /**
     * Coefficient of determination {@code 1 - SS_res / SS_tot}. For a constant {@code actual} it is 1 when the
     * predictions are exact and 0 otherwise.
     */
    public static double r2(double[] actual, double[] predicted) {
        check(actual, predicted);
        double mean = 0;
        for (double a : actual) {
            mean += a;
        }
        mean /= actual.length;
        double ssRes = 0;
        double ssTot = 0;
        for (int i = 0; i < actual.length; i++) {
            ssRes += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            ssTot += (actual[i] - mean) * (actual[i] - mean);
        }
        if (ssTot == 0) {
            return ssRes == 0 ? 1.0 : 0.0;
        }
        return 1.0 - ssRes / ssTot;
    }

    /**
     * Mean binary cross-entropy {@code -(1/n) sum [y log p + (1-y) log(1-p)]} (natural log), with
     * probabilities clamped to {@code [1e-15, 1 - 1e-15]} so that a confident mistake costs about 34.5, not
     * infinity.
     *
     * @throws IllegalArgumentException if a probability is outside [0, 1]
     */
    public static double logLoss(double[] labels, double[] probabilities) {
        check(labels, probabilities);
        final double eps = 1e-15;
        double s = 0;
        for (int i = 0; i < labels.length; i++) {
            double p = probabilities[i];
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probability " + i + " is " + p + ", outside [0, 1]");
            }
            p = Math.min(1 - eps, Math.max(eps, p));
            s += isPositive(labels[i]) ? Math.log(p) : Math.log1p(-p);
        }
        return -s / labels.length;
    }

    private static void check(double[] labels, double[] scores) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + scores.length + " scores");
        }
        if (labels.length == 0) {
            throw new IllegalArgumentException("no rows to evaluate");
        }
        for (int i = 0; i < scores.length; i++) {
            if (!Double.isFinite(scores[i]) || !Double.isFinite(labels[i])) {
                throw new IllegalArgumentException("row " + i + ": label " + labels[i] + ", score " + scores[i]
                        + " (must be finite)");
            }
        }
    }
}
