package dev.veil.ml.plain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Veil's calibrated scheme for encrypted logistic regression, computed in clear by the data owner
 * before encryption: it prepares the rows the owner encrypts and certifies, with the plain twin
 * ({@link NesterovLogisticRegression}, which the encrypted trainer follows step for step), that
 * every inner product of the run stays inside the sigmoid polynomial's interval.
 *
 * <h2>The scheme</h2>
 * <ol>
 *   <li><b>Centring and standardisation</b> of the rows the owner's scaling produced (min-max,
 *       max-abs, standard or whitening): each feature minus its training mean, divided by its
 *       training standard deviation (a constant column stays 0). Centred features make the
 *       intercept's gradient independent of the features' (the label mean then sets it: the
 *       first gradient at {@code v = 0} is {@code s(0) mean(z)}, whose intercept entry is
 *       {@code (2 p - 1) / 2} for a positive rate {@code p}, computed homomorphically like every
 *       other entry: the server learns nothing); equal variances make one step size right for
 *       every coordinate. Logistic regression is equivariant under this per-feature affine map,
 *       so {@link #toCaller} gives the same predictions in the caller's coordinates.</li>
 *   <li><b>Nesterov</b> with a constant step {@value #STEP} (close to the Newton step
 *       {@code 1/s'(0)} of the polynomial's slope at 0 on unit-variance features) and
 *       {@code lambda_0 = 1} (so the first step counts: with Kim et al.'s {@code lambda_0 = 0}
 *       the second gradient is taken at 0 again), {@code T} iterations.</li>
 *   <li><b>Interval</b>: the smallest bound {@code B} of {@link #BOUNDS} for which the plain twin
 *       with the least-squares sigmoid on {@code [-B, B]} ({@link Sigmoid#onInterval}) keeps every
 *       {@code |z_i . v_t|}, over all rows and iterations, inside {@code [-B, B]}. The encrypted
 *       run computes the same iterates up to the CKKS error the planner states, so its inner
 *       products stay inside the interval too. The bound (one of a few public values) is the
 *       only thing the certificate adds to the public plan.</li>
 * </ol>
 *
 * <p>Why a certificate and not only a worst-case bound: {@code |z . v| <= ||v|| max_i ||z_i||}
 * with {@code ||v||} bounded by the sum of the steps times the polynomial's supremum is a bound
 * from the number of features and the scaling alone ({@link #worstCaseBound}), but for 7 useful
 * steps on 9-30 features it is in the hundreds, where a degree-3 polynomial no longer
 * approximates the sigmoid. The owner holds the rows in clear, so it can run the plain twin; it
 * refuses ({@link IllegalStateException}) when no bound of the list fits, rather than encrypt a
 * run that would be silently wrong.
 */
public final class CertifiedNesterov {
  /** Constant step size on standardised rows. */
  public static final double STEP = 2.5;
  /** Start of the momentum sequence (the first step counts). */
  public static final double LAMBDA0 = 1;
  /** The interval bounds tried, smallest first. */
  public static final List<Double> BOUNDS = List.of(8.0, 12.0, 16.0, 24.0, 32.0, 48.0, 64.0);

  /**
   * The owner's prepared run.
   *
   * @param rows the standardised training rows (what the owner encrypts as {@code z = y(1, x)})
   * @param mean per-feature mean subtracted
   * @param scale per-feature standard deviation divided by (1 for a constant column)
   * @param bound the certified interval bound B
   * @param trainer the plain twin (sigmoid on [-B, B], step, lambda_0, iterations)
   * @param trace the plain twin's iterates on {@code rows}
   * @param maxInnerProduct the largest {@code |z_i . v_t|} of the run, at most {@code bound}
   */
  public record Prepared(double[][] rows, double[] mean, double[] scale, double bound,
      NesterovLogisticRegression trainer, NesterovLogisticRegression.Trace trace,
      double maxInnerProduct) {
    /** The plain twin's final weights, on standardised rows. */
    public double[] weights() {
      return trace.model().weights();
    }

    /** Standardises rows with this run's mean and scale (test folds, new rows). */
    public double[][] standardise(double[][] x) {
      return CertifiedNesterov.standardise(x, mean, scale);
    }

    /** Weights on standardised rows mapped to the caller's coordinates (same predictions). */
    public LogisticModel toCaller(double[] w) {
      return CertifiedNesterov.toCaller(w, mean, scale);
    }

    public Sigmoid sigmoid() {
      return trainer.sigmoid();
    }
  }

  private CertifiedNesterov() {}

  /** The plain twin for this degree, bound and number of iterations. */
  public static NesterovLogisticRegression trainer(int degree, double bound, int iterations) {
    return NesterovLogisticRegression.defaults().withIterations(iterations)
        .withSigmoid(Sigmoid.onInterval(degree, bound))
        .withLearningRate(NesterovLogisticRegression.LearningRate.constant(STEP))
        .withLambda0(LAMBDA0);
  }

  /** The scheme as a trainer in the caller's coordinates (cross validation, baselines). */
  public static BinaryTrainer asTrainer(int degree, int iterations) {
    return (x, y) -> {
      Prepared p = prepare(x, y, degree, iterations);
      return p.toCaller(p.weights());
    };
  }

  /**
   * Standardises, then certifies the smallest bound of {@link #BOUNDS}.
   *
   * @param x training rows after the owner's scaling
   * @param y labels 0/1
   * @throws IllegalStateException when no bound keeps the inner products inside its interval
   */
  public static Prepared prepare(double[][] x, double[] y, int degree, int iterations) {
    Linalg.checkDesign(x, y);
    int d = x[0].length;
    double[] mean = new double[d];
    double[] scale = new double[d];
    for (double[] r : x) {
      for (int j = 0; j < d; j++) {
        mean[j] += r[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= x.length;
    }
    for (double[] r : x) {
      for (int j = 0; j < d; j++) {
        scale[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
      }
    }
    for (int j = 0; j < d; j++) {
      double sd = Math.sqrt(scale[j] / x.length);
      scale[j] = sd > 1e-12 * Math.max(1, Math.abs(mean[j])) ? sd : 1;
    }
    double[][] rows = standardise(x, mean, scale);
    double worst = 0;
    for (double bound : BOUNDS) {
      NesterovLogisticRegression trainer = trainer(degree, bound, iterations);
      NesterovLogisticRegression.Trace trace;
      try {
        trace = trainer.trace(rows, y);
      } catch (ArithmeticException diverged) {
        continue;
      }
      double max = maxInnerProduct(trace, rows, y);
      if (max <= bound) {
        return new Prepared(rows, mean, scale, bound, trainer, trace, max);
      }
      worst = max;
    }
    throw new IllegalStateException(String.format(Locale.ROOT, "no interval of %s keeps the"
        + " inner products of %d iterations inside it (the last reached %.1f): the table has"
        + " rows far outside the others; remove outliers or train fewer iterations", BOUNDS,
        iterations, worst));
  }

  /**
   * The largest {@code |z_i . v_t|} over the rows and the iterates {@code v_0 .. v_(T-1)} at
   * which the run evaluates the sigmoid.
   */
  public static double maxInnerProduct(NesterovLogisticRegression.Trace trace, double[][] x,
      double[] y) {
    double max = 0;
    for (int t = 0; t < trace.vs().size() - 1; t++) {
      double[] v = trace.vs().get(t);
      for (double[] r : x) {
        max = Math.max(max, Math.abs(Linalg.affine(v, r)));
      }
    }
    return max;
  }

  /**
   * A bound on {@code |z_i . v_t|} from the shape alone: {@code ||v_t||_2 max ||z_i||_2}, with
   * {@code ||g|| <= sup|s| max ||z_i||} per step and the momentum's weights, for rows whose
   * Euclidean norm (with the intercept's 1) is at most {@code rowNorm} ({@code sqrt(d + 1)} for
   * features in [-1, 1]). For comparison with the certified bound.
   */
  public static double worstCaseBound(NesterovLogisticRegression trainer, double rowNorm,
      double interval) {
    double g = trainer.sigmoid().supremum(interval) * rowNorm;
    double beta = 0;
    double v = 0;
    double lambda = trainer.lambda0();
    double max = 0;
    for (int t = 0; t < trainer.iterations(); t++) {
      max = Math.max(max, v * rowNorm);
      double next = v + trainer.learningRate().at(t) * g;
      double lambdaNext = (1 + Math.sqrt(1 + 4 * lambda * lambda)) / 2;
      double gamma = (1 - lambda) / lambdaNext;
      v = Math.abs(1 - gamma) * next + Math.abs(gamma) * beta;
      beta = next;
      lambda = lambdaNext;
    }
    return max;
  }

  static double[][] standardise(double[][] x, double[] mean, double[] scale) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != mean.length) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, need "
            + mean.length);
      }
      out[i] = new double[mean.length];
      for (int j = 0; j < mean.length; j++) {
        out[i][j] = (x[i][j] - mean[j]) / scale[j];
      }
    }
    return out;
  }

  static LogisticModel toCaller(double[] w, double[] mean, double[] scale) {
    if (w.length != mean.length + 1) {
      throw new IllegalArgumentException("need " + (mean.length + 1) + " weights, got "
          + w.length);
    }
    double[] out = Arrays.copyOf(w, w.length);
    for (int j = 0; j < mean.length; j++) {
      out[j + 1] = w[j + 1] / scale[j];
      out[0] -= out[j + 1] * mean[j];
    }
    return new LogisticModel(out);
  }
}
