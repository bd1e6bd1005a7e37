package dev.veil.api;

import java.util.List;

/**
 * The checks the metadata records share: each throws an {@link IllegalArgumentException} whose
 * message starts with the JSON field it is about, so that a reader can prefix the file or the
 * request field it came from.
 */
final class FileChecks {
  private FileChecks() {}

  /** A foreign file: its {@code format} tag is not {@code expected}. */
  static void format(String found, String expected) {
    if (!expected.equals(found)) {
      throw new IllegalArgumentException("format is '" + found + "', expected '" + expected
          + "'");
    }
  }

  /** {@code value}, or an error that {@code field} is missing. */
  static <T> T present(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is missing");
    }
    return value;
  }

  /** A required count of at least {@code min}. */
  static int atLeast(Integer value, int min, String field) {
    present(value, field);
    if (value < min) {
      throw new IllegalArgumentException(field + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  /** An optional count: absent, or at least {@code min}. */
  static void optionalAtLeast(Integer value, int min, String field) {
    if (value != null) {
      atLeast(value, min, field);
    }
  }

  /** Feature names, when present: one per feature, none missing. */
  static void featureNames(List<String> names, int features) {
    if (names == null) {
      return;
    }
    if (names.size() != features) {
      throw new IllegalArgumentException("featureNames has " + names.size() + " names for "
          + features + " features");
    }
    for (String n : names) {
      if (n == null) {
        throw new IllegalArgumentException("featureNames: each name must be present");
      }
    }
  }

  /**
   * A scaler, when present: valid ({@link Scaling#transform()}, its errors prefixed with {@code
   * scaler} where they do not say it) and of {@code features}.
   */
  static void scaler(Scaling scaler, int features, String owner) {
    if (scaler == null) {
      return;
    }
    int dimension;
    try {
      dimension = scaler.transform().dimension();
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      throw new IllegalArgumentException(m != null && m.startsWith("scaler") ? m
          : "scaler: " + m, e);
    }
    if (dimension != features) {
      throw new IllegalArgumentException("scaler describes " + dimension + " features, " + owner
          + " has " + features);
    }
  }

  /** A weight vector: the intercept and one weight per feature, every one finite. */
  static void weights(double[] w, int features, String field) {
    if (w == null || w.length != features + 1) {
      throw new IllegalArgumentException(field + " must hold the intercept and one weight per"
          + " feature (" + (features + 1) + " values), got " + (w == null ? 0 : w.length));
    }
    for (double v : w) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException(field + " must be finite, got " + v);
      }
    }
  }

  /** Rows in batches of {@code slots}: {@code batches} must be their number. */
  static void batches(int rows, int slots, int batches) {
    atLeast(rows, 1, "rows");
    atLeast(slots, 1, "slots");
    int expected = (rows + slots - 1) / slots;
    if (batches != expected) {
      throw new IllegalArgumentException("batches is " + batches + ", " + rows + " rows in "
          + slots + " slots make " + expected);
    }
  }
}
