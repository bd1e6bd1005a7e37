package dev.veil.ml.data;

/**
 * An affine map of feature rows fitted on the data owner's training rows and applied unchanged to every
 * other row (test folds, inference inputs): per-feature {@link Scaler}s and the decorrelating
 * {@link Whitening}. Implementations are immutable and hold no rows.
 */
public interface FeatureTransform {
    /** Number of input (and output) features. */
    int dimension();

    /** Transforms one row (a new array); a row of another length is an {@link IllegalArgumentException}. */
    double[] transform(double[] row);

    /** Transforms every row (new arrays). */
    default double[][] transform(double[][] rows) {
        double[][] out = new double[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = transform(rows[i]);
        }
        return out;
    }

    /** A table with transformed features, the same labels and names. */
    default Table transform(Table table) {
        if (table.columns() != dimension()) {
            throw new IllegalArgumentException(
                    "the transform has " + dimension() + " features, the table has " + table.columns());
        }
        double[][] f = new double[table.rows()][];
        for (int i = 0; i < f.length; i++) {
            f[i] = transform(table.row(i));
        }
        return Table.owning(table.featureNames(), f, table.labelName(), table.labels(), table.classNames());
    }
}
