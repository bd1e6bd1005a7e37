package dev.veil.ml.plain;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Multiclass classification from a binary trainer: one classifier per class, trained with that class as
 * positive (label 1) and every other class as negative (label 0); the predicted class is the one whose
 * classifier gives the highest probability (the lowest class index on ties).
 */
public final class OneVsRest {
    private final List<BinaryClassifier> classifiers;

    private OneVsRest(List<BinaryClassifier> classifiers) {
        this.classifiers = List.copyOf(classifiers);
    }

    /**
     * A one-vs-rest model from already trained per-class classifiers (class {@code c}'s classifier
     * at index c), e.g. decrypted from encrypted training.
     */
    public static OneVsRest of(List<? extends BinaryClassifier> classifiers) {
        if (classifiers.size() < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + classifiers.size());
        }
        return new OneVsRest(new ArrayList<>(classifiers));
    }

    /**
     * Trains {@code numClasses} binary classifiers.
     *
     * @param classes class index of each row, in {@code [0, numClasses)}
     */
    public static OneVsRest fit(BinaryTrainer trainer, double[][] x, int[] classes, int numClasses) {
        Objects.requireNonNull(trainer, "trainer");
        if (numClasses < 2) {
            throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
        }
        if (x.length != classes.length) {
            throw new IllegalArgumentException(x.length + " rows but " + classes.length + " classes");
        }
        List<BinaryClassifier> models = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            double[] y = new double[classes.length];
            boolean present = false;
            for (int i = 0; i < classes.length; i++) {
                if (classes[i] < 0 || classes[i] >= numClasses) {
                    throw new IllegalArgumentException("row " + i + " has class " + classes[i] + ", outside [0, "
                            + numClasses + ")");
                }
                y[i] = classes[i] == c ? 1.0 : 0.0;
                present |= classes[i] == c;
            }
            if (!present) {
                throw new IllegalArgumentException("class " + c + " has no training rows");
            }
            models.add(trainer.fit(x, y));
        }
        return new OneVsRest(models);
    }

    /** Number of classes. */
    public int numClasses() {
        return classifiers.size();
    }

    /** The per-class binary classifiers, by class index. */
    public List<BinaryClassifier> classifiers() {
        return classifiers;
    }

    /** Per-class probabilities of one row (each from its own classifier; they need not sum to 1). */
    public double[] scores(double[] row) {
        double[] s = new double[classifiers.size()];
        for (int c = 0; c < s.length; c++) {
            s[c] = classifiers.get(c).probability(row);
        }
        return s;
    }

    /** Predicted class of one row. */
    public int predict(double[] row) {
        double[] s = scores(row);
        int best = 0;
        for (int c = 1; c < s.length; c++) {
            if (s[c] > s[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Predicted classes of many rows. */
    public int[] predict(double[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = predict(rows[i]);
        }
        return out;
    }
}
