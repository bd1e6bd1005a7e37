package dev.veil.ml.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The model kinds Veil trains on encrypted data, named as every metadata file names them ({@link
 * #id()}), with the tables a data set of the kind holds: {@code z} (logistic), {@code a} and
 * {@code w} (linear), {@code z-c000}, {@code z-c001}, ... one label table per class (ovr).
 */
public enum TrainingKind {
  /** Binary logistic regression (Kim et al.'s Nesterov gradient descent). */
  LOGISTIC("logistic", "binary logistic regression"),
  /** Least-squares linear regression by gradient descent. */
  LINEAR("linear", "linear regression"),
  /** Multiclass logistic regression, one-vs-rest: one binary model per class. */
  OVR("ovr", "one-vs-rest multiclass logistic regression");

  /** Most classes a one-vs-rest data set may have. */
  public static final int MAX_CLASSES = 1000;

  private final String id;
  private final String description;

  TrainingKind(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The name in metadata files and requests: {@code logistic}, {@code linear} or {@code ovr}. */
  public String id() {
    return id;
  }

  public String description() {
    return description;
  }

  /** Whether the model has a sigmoid (logistic, ovr): a degree applies. */
  public boolean hasSigmoid() {
    return this != LINEAR;
  }

  /**
   * The kind of this id.
   *
   * @throws IllegalArgumentException for an unknown or missing id, naming the choices
   */
  public static TrainingKind of(String id) {
    for (TrainingKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown model kind '" + id + "' (expected one of "
        + choices() + ")");
  }

  /** {@code logistic, linear, ovr}. */
  public static String choices() {
    return Arrays.stream(values()).map(TrainingKind::id).collect(Collectors.joining(", "));
  }

  /**
   * The classes a data set of this kind trains: 1 for logistic and linear, the label's classes
   * for ovr.
   *
   * @param labelClasses the label's class count (ignored but for ovr)
   * @throws IllegalArgumentException for ovr with fewer than 2 or more than {@value
   *     #MAX_CLASSES} classes
   */
  public int classes(int labelClasses) {
    if (this != OVR) {
      return 1;
    }
    if (labelClasses < 2 || labelClasses > MAX_CLASSES) {
      throw new IllegalArgumentException("a one-vs-rest data set needs 2 to " + MAX_CLASSES
          + " label classes, got " + labelClasses);
    }
    return labelClasses;
  }

  /** The tables of a data set of this kind, in part order. */
  public List<String> tables(int classes) {
    return switch (this) {
      case LOGISTIC -> List.of("z");
      case LINEAR -> List.of("a", "w");
      case OVR -> {
        List<String> t = new ArrayList<>();
        for (int c = 0; c < classes(classes); c++) {
          t.add(String.format(Locale.ROOT, "z-c%03d", c));
        }
        yield t;
      }
    };
  }

  /** Encrypted weight vectors a trained model of this kind has: one per class for ovr. */
  public int weightVectors(int classes) {
    return this == OVR ? classes(classes) : 1;
  }
}
