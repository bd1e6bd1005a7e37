package dev.veil.ml.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Per-feature affine scaling {@code x' = (x - offset[j]) / scale[j]}, fitted on training rows only and then
 * applied unchanged to any other rows (test folds, inference inputs).
 *
 * <p>This record is the complete, public description of the transform: a kind, one offset and one scale per
 * feature. It holds no data and is meant to travel with a model (e.g. as JSON metadata) so that inputs are
 * scaled the same way at prediction time.
 *
 * <ul>
 *   <li>{@link Kind#MIN_MAX} (the default for encrypted training, which needs {@code |x| <= 1}): offset =
 *       {@code (min + max) / 2}, scale = {@code (max - min) / 2}, so training values land in [-1, 1].
 *       Values of other rows outside the training range land outside [-1, 1] unless {@link #clip()} is set,
 *       in which case results are clamped to [-1, 1].</li>
 *   <li>{@link Kind#STANDARD}: offset = mean, scale = population standard deviation.</li>
 *   <li>{@link Kind#MAX_ABS}: offset = 0, scale = largest absolute value (Kim et al.'s normalisation; also
 *       within [-1, 1], and keeps 0/1 columns as 0/1).</li>
 * </ul>
 * A constant training column (range, standard deviation or maximum 0) gets scale 1, so it maps to 0 without any
 * division by zero.
 *
 * @param kind how it was fitted
 * @param offsets per-feature offsets (subtracted first)
 * @param scales per-feature scales (divided by), all finite and positive
 * @param clip whether transformed values are clamped to [-1, 1]
 */
public record Scaler(Kind kind, double[] offsets, double[] scales, boolean clip) implements FeatureTransform {

    /** How a scaler is fitted. */
    public enum Kind {
        /** Training range mapped onto [-1, 1]. */
        MIN_MAX,
        /** Zero mean, unit (population) variance on the training rows. */
        STANDARD,
        /**
         * Division by the largest absolute training value, no shift (offset 0): values land in [-1, 1] and
         * zeros stay zero, so 0/1 columns stay 0/1. This is the normalisation of Kim et al.'s iDASH code.
         */
        MAX_ABS
    }

    /** Validates and copies the arrays. */
    public Scaler {
        Objects.requireNonNull(kind, "kind");
        offsets = offsets.clone();
        scales = scales.clone();
        if (offsets.length != scales.length) {
            throw new IllegalArgumentException(offsets.length + " offsets but " + scales.length + " scales");
        }
        for (int j = 0; j < scales.length; j++) {
            if (!Double.isFinite(offsets[j]) || !Double.isFinite(scales[j]) || scales[j] <= 0) {
                throw new IllegalArgumentException("feature " + j + ": offset " + offsets[j] + ", scale " + scales[j]
                        + " (need a finite offset and a finite positive scale)");
            }
        }
    }

    /** Fits on every row of {@code rows} (pass the training rows only). */
    public static Scaler fit(Kind kind, double[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("cannot fit a scaler on zero rows");
        }
        int d = rows[0].length;
        double[] offsets = new double[d];
        double[] scales = new double[d];
        for (int j = 0; j < d; j++) {
            if (kind == Kind.MAX_ABS) {
                double max = 0;
                for (double[] r : rows) {
                    max = Math.max(max, Math.abs(r[j]));
                }
                offsets[j] = 0;
                scales[j] = max;
            } else if (kind == Kind.MIN_MAX) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                for (double[] r : rows) {
                    min = Math.min(min, r[j]);
                    max = Math.max(max, r[j]);
                }
                offsets[j] = min + (max - min) / 2;
                scales[j] = (max - min) / 2;
            } else {
                double mean = 0;
                for (double[] r : rows) {
                    mean += r[j];
                }
                mean /= rows.length;
                double ss = 0;
                for (double[] r : rows) {
                    ss += (r[j] - mean) * (r[j] - mean);
                }
                offsets[j] = mean;
                scales[j] = Math.sqrt(ss / rows.length);
            }
            if (!(scales[j] > 1e-300) || !Double.isFinite(scales[j])) {
                scales[j] = 1.0;
            }
        }
        return new Scaler(kind, offsets, scales, false);
    }

    /** Fits on every row of a table's features (pass the training table only). */
    public static Scaler fit(Kind kind, Table training) {
        return fit(kind, training.features());
    }

    /** Min-max to [-1, 1] fitted on {@code training}. */
    public static Scaler minMax(Table training) {
        return fit(Kind.MIN_MAX, training);
    }

    /** Standardisation fitted on {@code training}. */
    public static Scaler standard(Table training) {
        return fit(Kind.STANDARD, training);
    }

    /** The same scaler with clamping to [-1, 1] switched on or off. */
    public Scaler withClip(boolean clamp) {
        return new Scaler(kind, offsets, scales, clamp);
    }

    /** Number of features. */
    @Override
    public int dimension() {
        return scales.length;
    }

    @Override
    public double[] offsets() {
        return offsets.clone();
    }

    @Override
    public double[] scales() {
        return scales.clone();
    }

    /** Scales one row (a new array). */
    @Override
    public double[] transform(double[] row) {
        check(row);
        double[] out = new double[row.length];
        for (int j = 0; j < row.length; j++) {
            double v = (row[j] - offsets[j]) / scales[j];
            out[j] = clip ? Math.max(-1.0, Math.min(1.0, v)) : v;
        }
        return out;
    }

    /** Undoes {@link #transform(double[])} (exact up to rounding, unless clipping changed the value). */
    public double[] inverse(double[] scaled) {
        check(scaled);
        double[] out = new double[scaled.length];
        for (int j = 0; j < scaled.length; j++) {
            out[j] = scaled[j] * scales[j] + offsets[j];
        }
        return out;
    }

    private void check(double[] row) {
        if (row.length != scales.length) {
            throw new IllegalArgumentException("scaler has " + scales.length + " features, row has " + row.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Scaler s && kind == s.kind && clip == s.clip && Arrays.equals(offsets, s.offsets)
                && Arrays.equals(scales, s.scales);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, clip, Arrays.hashCode(offsets), Arrays.hashCode(scales));
    }

    @Override
    public String toString() {
        return "Scaler[kind=" + kind + ", offsets=" + Arrays.toString(offsets) + ", scales=" + Arrays.toString(scales)
                + ", clip=" + clip + "]";
    }
}
