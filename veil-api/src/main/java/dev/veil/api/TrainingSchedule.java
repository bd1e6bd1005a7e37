package dev.veil.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The logistic training run an encrypted data set was certified for ({@code veil encrypt}, {@link
 * dev.veil.ml.plain.CertifiedNesterov}): the sigmoid polynomial, its interval {@code [-bound,
 * bound]}, the constant step and {@code lambda_0}. The data owner ran the same steps in clear on
 * the rows it encrypted: every inner product {@code z_i . v_t} of the run stays inside the
 * interval (the largest was {@code maxInnerProduct}), so the encrypted run computes what the plain
 * twin computed, up to the CKKS error. Public: the trainer needs it.
 *
 * @param sigmoid the polynomial's name, e.g. {@code wls3[12,1.414]}
 * @param coefficients the polynomial, ascending powers
 * @param bound B
 * @param width the width of the fit's weight
 * @param step the constant step
 * @param lambda0 the start of the momentum sequence
 * @param maxInnerProduct the largest {@code |z_i . v_t|} of the plain twin, at most {@code bound}
 * @param inputBound the largest absolute value in the encrypted table (at least 1): the
 *     standardised rows are not bounded by 1, and the noise of the trained weights (what a
 *     flooded decryption must hide) grows with it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingSchedule(String sigmoid, double[] coefficients, double bound, double width,
    double step, double lambda0, double maxInnerProduct, double inputBound) {
  /**
   * Checks the fields: a polynomial of odd degree 3, 5 or 7, bound, step and width finite and
   * positive, lambda_0 not negative, the certified inner product inside the interval.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public TrainingSchedule validate() {
    if (coefficients == null || coefficients.length < 2) {
      throw new IllegalArgumentException("schedule: 'coefficients' must hold a polynomial");
    }
    int degree = coefficients.length - 1;
    if (degree != 3 && degree != 5 && degree != 7) {
      throw new IllegalArgumentException("schedule: the sigmoid must have degree 3, 5 or 7, got "
          + degree);
    }
    for (double c : coefficients) {
      if (!Double.isFinite(c)) {
        throw new IllegalArgumentException("schedule: non-finite coefficient " + c);
      }
    }
    positive(bound, "bound");
    positive(width, "width");
    positive(step, "step");
    if (!(inputBound >= 1) || !Double.isFinite(inputBound)) {
      throw new IllegalArgumentException("schedule: inputBound must be finite and >= 1, got "
          + inputBound);
    }
    if (!(lambda0 >= 0) || !Double.isFinite(lambda0)) {
      throw new IllegalArgumentException("schedule: lambda0 must be finite and >= 0, got "
          + lambda0);
    }
    if (!(maxInnerProduct >= 0) || maxInnerProduct > bound) {
      throw new IllegalArgumentException("schedule: maxInnerProduct " + maxInnerProduct
          + " is not in [0, bound = " + bound + "]");
    }
    return this;
  }

  private static void positive(double v, String name) {
    if (!(v > 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("schedule: " + name + " must be finite and > 0, got "
          + v);
    }
  }

  /**
   * The run's settings for {@link dev.veil.ml.train.ModelTraining.Spec} (what {@code veil train}
   * and a server's training job pass for a data set that has a schedule).
   *
   * @throws IllegalArgumentException when a field is invalid ({@link #validate})
   */
  public dev.veil.ml.train.ModelTraining.Schedule toModelTraining() {
    validate();
    return new dev.veil.ml.train.ModelTraining.Schedule(
        dev.veil.ml.plain.Sigmoid.polynomial(sigmoid == null ? "schedule" : sigmoid,
            coefficients), bound, step, lambda0, inputBound);
  }

  /** The polynomial's degree. */
  @com.fasterxml.jackson.annotation.JsonIgnore
  public int degree() {
    return coefficients.length - 1;
  }
}
