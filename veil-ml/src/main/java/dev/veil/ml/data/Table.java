package dev.veil.ml.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable table of numeric features and one label per row.
 *
 * <p>Features are stored row-major ({@code features()[row][column]}); every accessor that returns an
 * array returns a copy. Labels are doubles: for a <em>categorical</em> table (labels read as strings,
 * e.g. iris species) the label of a row is its class index, an integer in {@code [0, classNames().size())},
 * and {@link #classNames()} gives the names; for a numeric table {@code classNames()} is empty and the
 * labels are the values as read (0/1 for binary classification, any finite value for regression).
 */
public final class Table {
    private final List<String> featureNames;
    private final String labelName;
    private final double[][] features;
    private final double[] labels;
    private final List<String> classNames;

    private Table(List<String> featureNames, String labelName, double[][] features, double[] labels,
            List<String> classNames, boolean copy) {
        Objects.requireNonNull(featureNames, "featureNames");
        Objects.requireNonNull(labelName, "labelName");
        Objects.requireNonNull(features, "features");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(classNames, "classNames");
        if (features.length != labels.length) {
            throw new IllegalArgumentException(
                    "features has " + features.length + " rows but labels has " + labels.length);
        }
        Set<String> seen = new HashSet<>();
        for (String name : featureNames) {
            if (!seen.add(Objects.requireNonNull(name, "feature name"))) {
                throw new IllegalArgumentException("duplicate feature name '" + name + "'");
            }
        }
        int d = featureNames.size();
        double[][] f = copy ? new double[features.length][] : features;
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + features[i].length
                        + " features, expected " + d + " (one per feature name)");
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(features[i][j])) {
                    throw new IllegalArgumentException("row " + i + ", feature '" + featureNames.get(j)
                            + "' is not finite: " + features[i][j]);
                }
            }
            if (copy) {
                f[i] = features[i].clone();
            }
        }
        for (int i = 0; i < labels.length; i++) {
            double y = labels[i];
            if (!Double.isFinite(y)) {
                throw new IllegalArgumentException("label of row " + i + " is not finite: " + y);
            }
            if (!classNames.isEmpty() && (y != Math.rint(y) || y < 0 || y >= classNames.size())) {
                throw new IllegalArgumentException("label of row " + i + " is " + y
                        + ", not a class index in [0, " + classNames.size() + ")");
            }
        }
        this.featureNames = List.copyOf(featureNames);
        this.labelName = labelName;
        this.features = f;
        this.labels = copy ? labels.clone() : labels;
        this.classNames = List.copyOf(classNames);
    }

    /**
     * A table with numeric labels (binary 0/1 or regression targets).
     *
     * @throws IllegalArgumentException on mismatched sizes, non-finite values or duplicate names
     */
    public static Table of(List<String> featureNames, double[][] features, String labelName, double[] labels) {
        return new Table(featureNames, labelName, features, labels, List.of(), true);
    }

    /**
     * A categorical table: {@code classes[i]} is the class index of row {@code i} into {@code classNames}.
     *
     * @throws IllegalArgumentException on mismatched sizes, non-finite values, duplicate names or a class
     *     index out of range
     */
    public static Table ofClasses(List<String> featureNames, double[][] features, String labelName,
            int[] classes, List<String> classNames) {
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException("a categorical table needs at least one class name");
        }
        if (new HashSet<>(classNames).size() != classNames.size()) {
            throw new IllegalArgumentException("duplicate class names: " + classNames);
        }
        double[] labels = new double[classes.length];
        for (int i = 0; i < classes.length; i++) {
            labels[i] = classes[i];
        }
        return new Table(featureNames, labelName, features, labels, classNames, true);
    }

    /** Package-private constructor without copies, for arrays built here and owned by the new table. */
    static Table owning(List<String> featureNames, double[][] features, String labelName, double[] labels,
            List<String> classNames) {
        return new Table(featureNames, labelName, features, labels, classNames, false);
    }

    /** Number of rows. */
    public int rows() {
        return features.length;
    }

    /** Number of feature columns. */
    public int columns() {
        return featureNames.size();
    }

    /** Feature column names, in column order. */
    public List<String> featureNames() {
        return featureNames;
    }

    /** Name of the label column. */
    public String labelName() {
        return labelName;
    }

    /** Class names of a categorical table, indexed by class; empty for numeric labels. */
    public List<String> classNames() {
        return classNames;
    }

    /** Whether the labels were read as categories (strings mapped to class indices). */
    public boolean isCategorical() {
        return !classNames.isEmpty();
    }

    /**
     * Whether this is a binary classification table: numeric labels all 0 or 1, or a categorical table
     * with two classes (class 1 is then the positive class).
     */
    public boolean isBinary() {
        if (isCategorical()) {
            return classNames.size() == 2;
        }
        for (double y : labels) {
            if (y != 0.0 && y != 1.0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Number of classes: {@code classNames().size()} for a categorical table, 2 for a binary numeric
     * table.
     *
     * @throws IllegalStateException for numeric labels that are not all 0/1
     */
    public int numClasses() {
        if (isCategorical()) {
            return classNames.size();
        }
        if (isBinary()) {
            return 2;
        }
        throw new IllegalStateException("labels of column '" + labelName + "' are numeric and not all 0/1");
    }

    /** A copy of the feature matrix, row-major. */
    public double[][] features() {
        double[][] out = new double[features.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = features[i].clone();
        }
        return out;
    }

    /** A copy of row {@code i}'s features. */
    public double[] row(int i) {
        return features[i].clone();
    }

    /** The feature in row {@code i}, column {@code j}. */
    public double get(int i, int j) {
        return features[i][j];
    }

    /** A copy of the labels. */
    public double[] labels() {
        return labels.clone();
    }

    /** The label of row {@code i}. */
    public double label(int i) {
        return labels[i];
    }

    /**
     * Labels as class indices.
     *
     * @throws IllegalStateException if the table is neither categorical nor binary 0/1
     */
    public int[] classIndices() {
        numClasses();
        int[] out = new int[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) labels[i];
        }
        return out;
    }

    /** The distinct label values, ascending. */
    public double[] distinctLabels() {
        TreeSet<Double> set = new TreeSet<>();
        for (double y : labels) {
            set.add(y);
        }
        return set.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The rows at the given indices (in that order, repeats allowed), as a new table. */
    public Table select(int[] rowIndices) {
        double[][] f = new double[rowIndices.length][];
        double[] y = new double[rowIndices.length];
        for (int r = 0; r < rowIndices.length; r++) {
            int i = rowIndices[r];
            if (i < 0 || i >= features.length) {
                throw new IndexOutOfBoundsException("row " + i + " of a table with " + features.length + " rows");
            }
            f[r] = features[i].clone();
            y[r] = labels[i];
        }
        return owning(featureNames, f, labelName, y, classNames);
    }

    /** The given feature columns (by name, in that order), as a new table with the same labels. */
    public Table selectColumns(List<String> names) {
        int[] idx = new int[names.size()];
        for (int c = 0; c < idx.length; c++) {
            idx[c] = featureNames.indexOf(names.get(c));
            if (idx[c] < 0) {
                throw new IllegalArgumentException("no feature column '" + names.get(c)
                        + "'; available: " + String.join(", ", featureNames));
            }
        }
        double[][] f = new double[features.length][idx.length];
        for (int i = 0; i < f.length; i++) {
            for (int c = 0; c < idx.length; c++) {
                f[i][c] = features[i][idx[c]];
            }
        }
        return new Table(new ArrayList<>(names), labelName, f, labels, classNames, false);
    }

    /** The same labels and names with another feature matrix of the same shape (copied). */
    public Table withFeatures(double[][] newFeatures) {
        if (newFeatures.length != features.length) {
            throw new IllegalArgumentException("expected " + features.length + " rows, got " + newFeatures.length);
        }
        return new Table(featureNames, labelName, newFeatures, labels, classNames, true);
    }

    @Override
    public String toString() {
        return "Table[" + rows() + " rows x " + columns() + " features " + featureNames + ", label '" + labelName
                + "'" + (isCategorical() ? ", classes " + classNames : "") + "]";
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Table)) {
            return false;
        }
        Table t = (Table) o;
        return featureNames.equals(t.featureNames) && labelName.equals(t.labelName)
                && classNames.equals(t.classNames) && Arrays.equals(labels, t.labels)
                && Arrays.deepEquals(features, t.features);
    }

    @Override
    public int hashCode() {
        return Objects.hash(featureNames, labelName, classNames, Arrays.hashCode(labels), Arrays.deepHashCode(features));
    }
}
