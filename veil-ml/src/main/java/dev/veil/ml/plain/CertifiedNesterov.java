package dev.veil.ml.plain;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import dev.veil.ml.data.Whitening;

/**
 * Veil's calibrated scheme for encrypted logistic regression, computed in clear by the data owner
 * before encryption: it prepares the rows the owner encrypts and certifies, with the plain twin
 * ({@link NesterovLogisticRegression}, which the encrypted trainer follows step for step), that
 * every inner product of the run stays inside the sigmoid polynomial's interval.
 *
 * <h2>The scheme</h2>
 * <ol>
 *   <li><b>Centring, whitening at unit variance</b> of the rows the owner's scaling produced
 *       (min-max, max-abs, standard or whitening): {@link Whitening} (training mean subtracted,
 *       features decorrelated; a constant or linearly dependent column stays 0), then each output
 *       divided by its training standard deviation, so the prepared rows have mean 0 and
 *       covariance I. Per-feature standardisation alone is not enough: on strongly correlated
 *       features (a 30-feature table from 5 latent factors) the step below overshoots along the
 *       top eigenvector of the correlation and every interval is left ({@code |z . v|} up to 70);
 *       dividing the step by that eigenvalue instead stays inside but converges too slowly
 *       (accuracy 0.023 below IRLS there). Centred features make the
 *       intercept's gradient independent of the features' (the label mean then sets it: the
 *       first gradient at {@code v = 0} is {@code s(0) mean(z)}, whose intercept entry is
 *       {@code (2 p - 1) / 2} for a positive rate {@code p}, computed homomorphically like every
 *       other entry: the server learns nothing); a unit covariance makes one step size right for
 *       every direction. Logistic regression is equivariant under this affine map, so
 *       {@link #toCaller} gives the same predictions in the caller's coordinates, and Nesterov is
 *       equivariant under rotations, so every scaling gives the same model.</li>
 *   <li><b>Nesterov</b> with a constant step {@value #STEP} (close to the Newton step
 *       {@code 1/s'(0)} of the polynomial's slope at 0 on unit-variance features) and
 *       {@code lambda_0 = 1} (so the first step counts: with Kim et al.'s {@code lambda_0 = 0}
 *       the second gradient is taken at 0 again), {@code T} iterations.</li>
 *   <li><b>Polynomial</b>: the least-squares fit on {@code [-B, B]} weighted towards the arguments
 *       the run meets ({@link Sigmoid#weightedLeastSquares}, width {@code w}). The owner runs the
 *       same steps with the exact sigmoid ({@link #width}): {@code w} is 3/4 of the root mean square
 *       of {@code (1, x_i) . beta} at its result, rounded to a power of {@code sqrt 2} in
 *       [1, 16] (so the plan reveals one of nine values). With the uniform weight of
 *       {@link Sigmoid#leastSquares}, a degree-3 polynomial on [-24, 24] is half as steep as the
 *       sigmoid near 0 and the run's fixed point is far from the maximum-likelihood model: on the
 *       correlated 30-feature table and pcs (both certified at B = 24) the held-out log-loss was
 *       0.13-0.14 above IRLS and the accuracy up to 0.025 below; weighted, the log-loss is within
 *       0.015 of IRLS on every HELR set.</li>
 *   <li><b>Interval</b>: the smallest bound {@code B} of {@link #BOUNDS} for which the plain twin
 *       with that polynomial on {@code [-B, B]} keeps every
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
   * @param rows the prepared training rows {@code A x + b} (what the owner encrypts as
   *     {@code z = y(1, A x + b)})
   * @param matrix {@code A}, {@code d x d}: whitening then division by each output's standard
   *     deviation (a zero row for a constant or linearly dependent feature)
   * @param offset {@code b}, so that the prepared training rows have mean 0
   * @param bound the certified interval bound B
   * @param width the width of the polynomial fit's weight ({@link #width})
   * @param step the constant step ({@link #step})
   * @param trainer the plain twin (sigmoid on [-B, B], step, lambda_0, iterations)
   * @param trace the plain twin's iterates on {@code rows}
   * @param maxInnerProduct the largest {@code |z_i . v_t|} of the run, at most {@code bound}
   */
  public record Prepared(double[][] rows, double[][] matrix, double[] offset, double bound,
      double width, double step, NesterovLogisticRegression trainer, NesterovLogisticRegression.Trace trace,
      double maxInnerProduct) {
    /** The plain twin's final weights, on prepared rows. */
    public double[] weights() {
      return trace.model().weights();
    }

    /** Prepares rows with this run's map {@code z = A x + b} (test folds, new rows). */
    public double[][] standardise(double[][] x) {
      return CertifiedNesterov.apply(x, matrix, offset);
    }

    /** Weights on prepared rows mapped to the caller's coordinates (same predictions). */
    public LogisticModel toCaller(double[] w) {
      return CertifiedNesterov.toCaller(w, matrix, offset);
    }

    public Sigmoid sigmoid() {
      return trainer.sigmoid();
    }

    /**
     * The largest absolute value of the table {@code z = y (1, rows)}, at least 1 (the
     * intercept's column): what the noise of the encrypted run is traced for.
     */
    public double inputBound() {
      double m = 1;
      for (double[] r : rows) {
        for (double v : r) {
          m = Math.max(m, Math.abs(v));
        }
      }
      return m;
    }
  }

  private CertifiedNesterov() {}

  /** The plain twin for this degree, bound and number of iterations, at step {@value #STEP}. */
  public static NesterovLogisticRegression trainer(int degree, double bound, int iterations) {
    return trainer(degree, bound, iterations, STEP);
  }

  /**
   * The plain twin for this degree, bound, number of iterations and constant step, with the
   * uniformly weighted fit ({@link Sigmoid#onInterval}).
   */
  public static NesterovLogisticRegression trainer(int degree, double bound, int iterations,
      double step) {
    return trainer(Sigmoid.onInterval(degree, bound), iterations, step);
  }

  /**
   * The plain twin with the fit weighted at this width ({@link Sigmoid#weightedLeastSquares}),
   * the one {@link #prepare} certifies.
   */
  public static NesterovLogisticRegression trainer(int degree, double bound, double width,
      int iterations, double step) {
    return trainer(Sigmoid.weightedLeastSquares(degree, bound, width), iterations, step);
  }

  private static NesterovLogisticRegression trainer(Sigmoid sigmoid, int iterations,
      double step) {
    return NesterovLogisticRegression.defaults().withIterations(iterations)
        .withSigmoid(sigmoid)
        .withLearningRate(NesterovLogisticRegression.LearningRate.constant(step))
        .withLambda0(LAMBDA0);
  }

  /** The widths {@link #width} chooses from: powers of {@code sqrt 2} from 1 to 16. */
  public static final double MIN_WIDTH = 1;
  /** See {@link #MIN_WIDTH}. */
  public static final double MAX_WIDTH = 16;

  /**
   * The width of the polynomial fit's weight for prepared rows: the same steps with the exact
   * sigmoid (in clear), then 3/4 of the root mean square of {@code (1, x_i) . beta_T}, rounded to
   * the nearest power of {@code sqrt 2} and clamped to [{@value #MIN_WIDTH}, {@value #MAX_WIDTH}].
   */
  public static double width(double[][] rows, double[] y, int iterations, double step) {
    double[] w = trainer(Sigmoid.EXACT, iterations, step).fit(rows, y).weights();
    double sum = 0;
    for (double[] r : rows) {
      double u = Linalg.affine(w, r);
      sum += u * u;
    }
    double rms = 0.75 * Math.sqrt(sum / rows.length);
    if (!(rms > MIN_WIDTH)) {
      return MIN_WIDTH;
    }
    double halfOctaves = Math.rint(2 * Math.log(rms) / Math.log(2));
    return Math.min(MAX_WIDTH, Math.pow(2, halfOctaves / 2));
  }

  /**
   * The step for standardised rows: {@value #STEP} divided by the largest eigenvalue of the
   * features' correlation matrix when it exceeds 1 (the Hessian at 0 of centred standardised
   * rows is {@code s'(0)} times {@code diag(1, C)}, so this keeps the step below the curvature's
   * inverse in every direction, correlated features included).
   */
  public static double step(double[][] rows) {
    return STEP / Math.max(1, largestEigenvalue(rows));
  }

  /**
   * Largest eigenvalue of {@code Z^T Z / n} for standardised rows {@code Z} (their correlation
   * matrix), by power iteration from the all-ones vector (positive semidefinite, so the
   * iteration increases to the top eigenvalue); at least the true value times {@code 1 - 1e-9}
   * up to rounding after convergence.
   */
  public static double largestEigenvalue(double[][] rows) {
    int d = rows[0].length;
    if (d == 0) {
      return 0;
    }
    double[][] c = new double[d][d];
    for (double[] r : rows) {
      for (int a = 0; a < d; a++) {
        double ra = r[a];
        if (ra == 0) {
          continue;
        }
        for (int b = 0; b < d; b++) {
          c[a][b] += ra * r[b];
        }
      }
    }
    double[] v = new double[d];
    Arrays.fill(v, 1 / Math.sqrt(d));
    double lambda = 0;
    for (int it = 0; it < 1000; it++) {
      double[] w = new double[d];
      for (int a = 0; a < d; a++) {
        double s = 0;
        for (int b = 0; b < d; b++) {
          s += c[a][b] * v[b];
        }
        w[a] = s / rows.length;
      }
      double norm = 0;
      for (double x : w) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      if (norm == 0) {
        return 0;
      }
      for (int a = 0; a < d; a++) {
        v[a] = w[a] / norm;
      }
      if (Math.abs(norm - lambda) <= 1e-12 * norm) {
        return norm;
      }
      lambda = norm;
    }
    return lambda;
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
    double[][] matrix;
    double[] offset;
    {
      Whitening white = Whitening.fit(x);
      double[][] w = white.matrix();
      double[] m = white.mean();
      int d = m.length;
      double[][] xw = white.transform(x);
      double[] mu = new double[d];
      double[] sd = new double[d];
      for (double[] r : xw) {
        for (int j = 0; j < d; j++) {
          mu[j] += r[j] / xw.length;
        }
      }
      for (double[] r : xw) {
        for (int j = 0; j < d; j++) {
          sd[j] += (r[j] - mu[j]) * (r[j] - mu[j]) / xw.length;
        }
      }
      matrix = new double[d][d];
      offset = new double[d];
      for (int j = 0; j < d; j++) {
        double s = Math.sqrt(sd[j]);
        if (!(s > 0)) {
          continue; // dropped by the whitening: always 0
        }
        double shift = 0;
        for (int k = 0; k < d; k++) {
          matrix[j][k] = w[j][k] / s;
          shift += matrix[j][k] * m[k];
        }
        offset[j] = -shift - mu[j] / s;
      }
    }
    double[][] rows = apply(x, matrix, offset);
    double step = step(rows);
    double width = width(rows, y, iterations, step);
    double worst = 0;
    for (double bound : BOUNDS) {
      NesterovLogisticRegression trainer = trainer(degree, bound, width, iterations, step);
      NesterovLogisticRegression.Trace trace;
      try {
        trace = trainer.trace(rows, y);
      } catch (ArithmeticException diverged) {
        continue;
      }
      double max = maxInnerProduct(trace, rows, y);
      if (max <= bound) {
        return new Prepared(rows, matrix, offset, bound, width, step, trainer, trace, max);
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

  static double[][] apply(double[][] x, double[][] matrix, double[] offset) {
    int d = offset.length;
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      if (x[i].length != d) {
        throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, need "
            + d);
      }
      out[i] = new double[d];
      for (int j = 0; j < d; j++) {
        double z = offset[j];
        for (int k = 0; k < d; k++) {
          z += matrix[j][k] * x[i][k];
        }
        out[i][j] = z;
      }
    }
    return out;
  }

  /** {@code w . (1, A x + b) = w' . (1, x)} with {@code w'_0 = w_0 + w . b}, {@code w'_x = A^T w}. */
  public static LogisticModel toCaller(double[] w, double[][] matrix, double[] offset) {
    int d = offset.length;
    if (w.length != d + 1) {
      throw new IllegalArgumentException("need " + (d + 1) + " weights, got " + w.length);
    }
    double[] out = new double[d + 1];
    out[0] = w[0];
    for (int j = 0; j < d; j++) {
      out[0] += w[j + 1] * offset[j];
      for (int k = 0; k < d; k++) {
        out[k + 1] += w[j + 1] * matrix[j][k];
      }
    }
    return new LogisticModel(out);
  }
}
