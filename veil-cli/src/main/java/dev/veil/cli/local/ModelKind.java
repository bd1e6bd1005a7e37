package dev.veil.cli.local;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import dev.veil.ml.train.TrainingKind;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What a key directory, a data set or a model is for; recorded as {@link #id()} in every metadata
 * file ({@code plan.json}, {@code meta.json}, {@code model.json}) and checked at every step.
 */
public enum ModelKind {
  /** Binary logistic regression (Kim et al.'s Nesterov gradient descent). */
  LOGISTIC("logistic", "binary logistic regression"),
  /** Least-squares linear regression by gradient descent. */
  LINEAR("linear", "linear regression"),
  /** Multiclass logistic regression, one-vs-rest. */
  OVR("ovr", "one-vs-rest multiclass logistic regression"),
  /** Keys for encrypted rows x plaintext model (no training). */
  INFERENCE("inference", "encrypted inference");

  private final String id;
  private final String description;

  ModelKind(String id, String description) {
    this.id = id;
    this.description = description;
  }

  /** The name in metadata files and on the command line, e.g. {@code logistic}. */
  public String id() {
    return id;
  }

  String description() {
    return description;
  }

  /** The kind veil-ml trains ({@link TrainingKind}); null for {@link #INFERENCE}. */
  public TrainingKind training() {
    return switch (this) {
      case LOGISTIC -> TrainingKind.LOGISTIC;
      case LINEAR -> TrainingKind.LINEAR;
      case OVR -> TrainingKind.OVR;
      case INFERENCE -> null;
    };
  }

  boolean isTraining() {
    return this != INFERENCE;
  }

  /** Whether the model is a classifier with a sigmoid (logistic, ovr). */
  boolean hasSigmoid() {
    return this == LOGISTIC || this == OVR;
  }

  static String choices() {
    return Arrays.stream(values()).map(ModelKind::id).collect(Collectors.joining(", "));
  }

  /** The kind named in a metadata file; an unknown or missing one is bad input naming the file. */
  public static ModelKind of(String id, Object file) {
    for (ModelKind k : values()) {
      if (k.id.equals(id)) {
        return k;
      }
    }
    throw Store.bad(file + ": unknown model kind '" + id + "' (expected one of " + choices()
        + ")");
  }

  /** Parses a command-line value, case-insensitively. */
  static ModelKind parse(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    for (ModelKind k : values()) {
      if (k.id.equals(v)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown model '" + value + "': choose one of "
        + choices());
  }

  /** picocli converter. */
  static final class Converter implements ITypeConverter<ModelKind> {
    @Override
    public ModelKind convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** picocli converter that refuses {@link #INFERENCE} (training commands). */
  public static final class TrainingConverter implements ITypeConverter<ModelKind> {
    @Override
    public ModelKind convert(String value) {
      ModelKind k = new Converter().convert(value);
      if (!k.isTraining()) {
        throw new TypeConversionException("'" + value + "' is not a model to train: choose one"
            + " of logistic, linear, ovr");
      }
      return k;
    }
  }
}
