package dev.veil.ml.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Counts of (actual class, predicted class) pairs. Rows are actual classes, columns predicted classes.
 * For a binary matrix class 0 is negative and class 1 positive.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    private ConfusionMatrix(long[][] counts) {
        this.counts = counts;
    }

    /** Multiclass matrix from class indices in {@code [0, numClasses)}. */
    public static ConfusionMatrix of(int[] actual, int[] predicted, int numClasses) {
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " actual but " + predicted.length + " predicted");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        long[][] c = new long[numClasses][numClasses];
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] < 0 || actual[i] >= numClasses || predicted[i] < 0 || predicted[i] >= numClasses) {
                throw new IllegalArgumentException("row " + i + ": actual " + actual[i] + ", predicted " + predicted[i]
                        + " (classes are 0.." + (numClasses - 1) + ")");
            }
            c[actual[i]][predicted[i]]++;
        }
        return new ConfusionMatrix(c);
    }

    /** Binary matrix: predicted positive when {@code score >= threshold}; labels 0/1 or -1/+1. */
    public static ConfusionMatrix binary(double[] labels, double[] scores, double threshold) {
        if (labels.length != scores.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + scores.length + " scores");
        }
        long[][] c = new long[2][2];
        for (int i = 0; i < labels.length; i++) {
            c[Metrics.isPositive(labels[i]) ? 1 : 0][scores[i] >= threshold ? 1 : 0]++;
        }
        return new ConfusionMatrix(c);
    }

    /** Number of classes. */
    public int numClasses() {
        return counts.length;
    }

    /** Rows of class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return counts[actual][predicted];
    }

    /** A copy of the counts, {@code [actual][predicted]}. */
    public long[][] counts() {
        long[][] out = new long[counts.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = counts[i].clone();
        }
        return out;
    }

    /** Total number of rows. */
    public long total() {
        long t = 0;
        for (long[] r : counts) {
            for (long v : r) {
                t += v;
            }
        }
        return t;
    }

    /** Fraction on the diagonal. */
    public double accuracy() {
        long diag = 0;
        for (int i = 0; i < counts.length; i++) {
            diag += counts[i][i];
        }
        return (double) diag / total();
    }

    /** Of the rows predicted as {@code cls}, the fraction that are {@code cls} (NaN if none predicted). */
    public double precision(int cls) {
        long col = 0;
        for (long[] r : counts) {
            col += r[cls];
        }
        return col == 0 ? Double.NaN : (double) counts[cls][cls] / col;
    }

    /** Of the rows of class {@code cls}, the fraction predicted as {@code cls} (NaN if none). */
    public double recall(int cls) {
        long row = Arrays.stream(counts[cls]).sum();
        return row == 0 ? Double.NaN : (double) counts[cls][cls] / row;
    }

    /** Binary: true positives. */
    public long truePositives() {
        return binaryCount(1, 1);
    }

    /** Binary: false positives (actual 0, predicted 1). */
    public long falsePositives() {
        return binaryCount(0, 1);
    }

    /** Binary: true negatives. */
    public long trueNegatives() {
        return binaryCount(0, 0);
    }

    /** Binary: false negatives (actual 1, predicted 0). */
    public long falseNegatives() {
        return binaryCount(1, 0);
    }

    private long binaryCount(int a, int p) {
        if (counts.length != 2) {
            throw new IllegalStateException("not a binary matrix (" + counts.length + " classes)");
        }
        return counts[a][p];
    }

    /** A text table with class names as row (actual) and column (predicted) headers. */
    public String format(List<String> classNames) {
        if (classNames.size() != counts.length) {
            throw new IllegalArgumentException(counts.length + " classes but " + classNames.size() + " names");
        }
        int w = 8;
        for (String s : classNames) {
            w = Math.max(w, s.length() + 1);
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + w + "s", "actual\\pred"));
        for (String s : classNames) {
            sb.append(String.format(Locale.ROOT, " %" + w + "s", s));
        }
        sb.append('\n');
        for (int i = 0; i < counts.length; i++) {
            sb.append(String.format(Locale.ROOT, "%-" + w + "s", classNames.get(i)));
            for (long v : counts[i]) {
                sb.append(String.format(Locale.ROOT, " %" + w + "d", v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.deepToString(counts);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(counts);
    }
}
