package dev.veil.ml.data;

import java.util.Objects;

/**
 * The owner's scaling followed by the affine map {@code z = A x + b} that {@link
 * dev.veil.ml.plain.CertifiedNesterov} fits on the scaled training rows (centred, decorrelated,
 * unit variance): the rows an encrypted logistic data set holds are {@code A S(x) + b}. A model
 * trained on them predicts from {@code transform(x)}; {@link
 * dev.veil.ml.plain.CertifiedNesterov#toCaller} maps its weights back to {@code S(x)}.
 *
 * @param scaling the owner's transform {@code S}
 * @param matrix {@code A}, {@code d x d}
 * @param offset {@code b}, {@code d}
 */
public record Standardised(FeatureTransform scaling, double[][] matrix, double[] offset)
    implements FeatureTransform {
  /**
   * @throws IllegalArgumentException unless the matrix is {@code d x d} and the offset of length
   *     {@code d} for the scaling's {@code d}, every value finite
   */
  public Standardised {
    Objects.requireNonNull(scaling, "scaling");
    int d = scaling.dimension();
    if (matrix == null || offset == null || matrix.length != d || offset.length != d) {
      throw new IllegalArgumentException("standardisation: needs a " + d + " x " + d
          + " matrix and " + d + " offsets for the scaling's " + d + " features");
    }
    double[][] m = new double[d][];
    for (int j = 0; j < d; j++) {
      if (matrix[j] == null || matrix[j].length != d) {
        throw new IllegalArgumentException("standardisation: matrix row " + j + " must have " + d
            + " entries");
      }
      m[j] = matrix[j].clone();
      for (double v : m[j]) {
        finite(v);
      }
      finite(offset[j]);
    }
    matrix = m;
    offset = offset.clone();
  }

  private static void finite(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("standardisation: non-finite value " + v);
    }
  }

  @Override
  public int dimension() {
    return offset.length;
  }

  @Override
  public double[] transform(double[] row) {
    double[] x = scaling.transform(row);
    int d = offset.length;
    double[] z = new double[d];
    for (int j = 0; j < d; j++) {
      double s = offset[j];
      for (int k = 0; k < d; k++) {
        s += matrix[j][k] * x[k];
      }
      z[j] = s;
    }
    return z;
  }

  @Override
  public double[][] matrix() {
    return java.util.Arrays.stream(matrix).map(double[]::clone).toArray(double[][]::new);
  }

  @Override
  public double[] offset() {
    return offset.clone();
  }
}
