package dev.veil.ml.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The feature transforms a data owner can fit before encrypting, by name. Each gives training values in
 * [-1, 1] except {@link #STANDARD}.
 */
public enum Scaling {
    /** {@link Scaler.Kind#MIN_MAX}: each feature's training range onto [-1, 1]; reveals ranges. */
    MIN_MAX,
    /** {@link Scaler.Kind#MAX_ABS}: division by the largest absolute value (Kim et al.'s normalisation). */
    MAX_ABS,
    /** {@link Scaler.Kind#STANDARD}: zero mean, unit variance (not bounded). */
    STANDARD,
    /**
     * {@link Whitening}: decorrelated, equal variances, in [-1, 1]; the fastest convergence for gradient
     * training, and reveals the covariance if published.
     */
    WHITEN;

    /** Fits this transform on training rows. */
    public FeatureTransform fit(double[][] rows) {
        return switch (this) {
            case MIN_MAX -> Scaler.fit(Scaler.Kind.MIN_MAX, rows);
            case MAX_ABS -> Scaler.fit(Scaler.Kind.MAX_ABS, rows);
            case STANDARD -> Scaler.fit(Scaler.Kind.STANDARD, rows);
            case WHITEN -> Whitening.fit(rows);
        };
    }

    /** The command-line name: lower case with '-' ({@code min-max}, {@code whiten}, ...). */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses a name case-insensitively, with '-' or '_' ({@code min-max}, {@code MAX_ABS}, {@code whiten});
     * an unknown name is an {@link IllegalArgumentException} that lists the choices.
     */
    public static Scaling parse(String name) {
        String key = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Scaling s : values()) {
            if (s.name().equals(key) || s.name().replace("_", "").equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scaling '" + name + "': choose one of "
                + Arrays.stream(values()).map(Scaling::cliName).collect(Collectors.joining(", ")));
    }
}
