package dev.veil.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.ml.data.FeatureTransform;
import dev.veil.ml.data.Scaler;
import dev.veil.ml.data.Whitening;

/**
 * The feature transform a data owner fitted before encrypting, as it travels in metadata and model
 * files ({@code veil encrypt} writes it). Per-feature kinds ({@code MIN_MAX}, {@code MAX_ABS},
 * {@code STANDARD}): {@code x' = (x - offsets) / scales}. {@code WHITEN}: {@code x' = matrix (x -
 * offsets)}, a lower-triangular matrix, no scales. With a {@code standardisation} (an encrypted
 * logistic data set's, {@code veil encrypt}): that map, then {@code z = standardisation.matrix x'
 * + standardisation.offset}, the rows the data set holds; {@code veil decrypt} maps the model's
 * weights back to {@code x'} and drops it.
 *
 * @param kind how it was fitted
 * @param offsets one per feature
 * @param scales one per feature (per-feature kinds), or null
 * @param matrix features x features (whitening), or null
 * @param standardisation the affine map applied after it, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Scaling(String kind, double[] offsets, double[] scales, double[][] matrix,
    Standardisation standardisation) {
  /**
   * {@code z = matrix x + offset} after the scaling ({@link dev.veil.ml.data.Standardised}).
   *
   * @param matrix features x features
   * @param offset one per feature
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Standardisation(double[][] matrix, double[] offset) {}

  /** A per-feature scaling. */
  public Scaling(String kind, double[] offsets, double[] scales) {
    this(kind, offsets, scales, null, null);
  }

  /** A scaling without standardisation. */
  public Scaling(String kind, double[] offsets, double[] scales, double[][] matrix) {
    this(kind, offsets, scales, matrix, null);
  }

  /** This scaling followed by {@code z = matrix x + offset}. */
  public Scaling withStandardisation(double[][] matrix, double[] offset) {
    return new Scaling(kind, offsets, scales, this.matrix, new Standardisation(matrix, offset));
  }

  /** The same without the standardisation. */
  public Scaling base() {
    return new Scaling(kind, offsets, scales, matrix, null);
  }

  /** The JSON form of a fitted transform. */
  public static Scaling of(FeatureTransform t) {
    if (t instanceof dev.veil.ml.data.Standardised s) {
      return of(s.scaling()).withStandardisation(s.matrix(), s.offset());
    }
    if (t instanceof Scaler s) {
      return new Scaling(s.kind().name(), s.offsets(), s.scales(), null);
    }
    if (t instanceof Whitening w) {
      return new Scaling(dev.veil.ml.data.Scaling.WHITEN.name(), w.mean(), null, w.matrix());
    }
    throw new IllegalArgumentException("no JSON form for " + t.getClass().getSimpleName());
  }

  /**
   * The transform, validated: a known kind, the arrays its kind needs, every value finite, scales
   * positive, the matrix lower triangular; with the standardisation applied after it when there
   * is one.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public FeatureTransform transform() {
    FeatureTransform t = baseTransform();
    if (standardisation == null) {
      return t;
    }
    return new dev.veil.ml.data.Standardised(t, standardisation.matrix(),
        standardisation.offset());
  }

  private FeatureTransform baseTransform() {
    if (kind == null || offsets == null) {
      throw new IllegalArgumentException("scaler: 'kind' and 'offsets' are required");
    }
    if (dev.veil.ml.data.Scaling.WHITEN.name().equals(kind)) {
      if (matrix == null || scales != null) {
        throw new IllegalArgumentException("scaler: WHITEN needs 'matrix' and no 'scales'");
      }
      return new Whitening(offsets, matrix);
    }
    Scaler.Kind k;
    try {
      k = Scaler.Kind.valueOf(kind);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("scaler: unknown kind '" + kind + "' (MIN_MAX, MAX_ABS,"
          + " STANDARD or WHITEN)");
    }
    if (scales == null || matrix != null) {
      throw new IllegalArgumentException("scaler: " + kind + " needs 'scales' and no 'matrix'");
    }
    return new Scaler(k, offsets, scales, false);
  }

  /** Number of features it describes ({@code offsets.length}), or -1 without offsets. */
  @JsonIgnore
  public int dimension() {
    return offsets == null ? -1 : offsets.length;
  }
}
