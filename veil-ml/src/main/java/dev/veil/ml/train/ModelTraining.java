package dev.veil.ml.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.linalg.Layout;
import dev.veil.ml.plain.NesterovLogisticRegression.LearningRate;

/**
 * "Train this kind on these ciphertexts": the one encrypted training run {@code veil train} and
 * the server's training jobs share, for every {@link TrainingKind}. {@link #setup} checks that the
 * run fits the parameters (levels, shape) before any work; {@link #train} checks the keys and the
 * tables against it, then trains: {@link EncryptedLogisticRegression} (logistic, and once per
 * class for ovr, as {@link EncryptedOneVsRest} does) or {@link EncryptedLinearRegression}.
 * Never uses a secret key. Stateless.
 */
public final class ModelTraining {
  /** Linear regression's default constant step size (plain.LinearRegression's default). */
  public static final double LINEAR_LEARNING_RATE = 0.5;

  private ModelTraining() {}

  /**
   * What to train.
   *
   * @param kind the model kind
   * @param rows training rows
   * @param features feature columns
   * @param classes label classes (ovr; 1 otherwise)
   * @param iterations T, at least 1
   * @param degree the sigmoid's degree, 3, 5 or 7 (logistic, ovr; ignored for linear)
   * @param l2 ridge penalty, 0 or more
   * @param learningRate linear regression's constant step (ignored otherwise)
   * @param schedule logistic only: the certified run ({@link dev.veil.ml.plain.CertifiedNesterov})
   *     the data set was prepared for; null: Kim et al.'s schedule on [-8, 8]
   */
  public record Spec(TrainingKind kind, int rows, int features, int classes, int iterations,
      int degree, double l2, double learningRate, Schedule schedule) {
    /** Kim et al.'s schedule (no certified run). */
    public Spec(TrainingKind kind, int rows, int features, int classes, int iterations,
        int degree, double l2, double learningRate) {
      this(kind, rows, features, classes, iterations, degree, l2, learningRate, null);
    }

    public Spec {
      Objects.requireNonNull(kind, "kind");
      if (rows < 1 || features < 1) {
        throw new IllegalArgumentException("empty shape: " + rows + " rows x " + features
            + " features");
      }
      if (iterations < 1) {
        throw new IllegalArgumentException("at least one iteration, got " + iterations);
      }
      classes = kind.classes(classes);
      if (!Double.isFinite(l2) || l2 < 0) {
        throw new IllegalArgumentException("l2 must be finite and >= 0, got " + l2);
      }
      if (kind == TrainingKind.LINEAR && (!(learningRate > 0) || !Double.isFinite(learningRate))) {
        throw new IllegalArgumentException("the learning rate must be finite and > 0, got "
            + learningRate);
      }
      if (schedule != null && kind != TrainingKind.LOGISTIC) {
        throw new IllegalArgumentException("a certified schedule applies to logistic regression"
            + " only, not " + kind.id());
      }
      if (schedule != null && schedule.sigmoid().degree() != degree) {
        throw new IllegalArgumentException("the schedule's sigmoid has degree "
            + schedule.sigmoid().degree() + ", the run asks for degree " + degree);
      }
    }
  }

  /**
   * A certified logistic run's settings: the polynomial on {@code [-bound, bound]}, a constant
   * step and {@code lambda_0} ({@link dev.veil.ml.plain.CertifiedNesterov.Prepared}).
   */
  public record Schedule(dev.veil.ml.plain.Sigmoid sigmoid, double bound, double step,
      double lambda0, double inputBound) {
    public Schedule {
      Objects.requireNonNull(sigmoid, "sigmoid");
      if (sigmoid.isExact()) {
        throw new IllegalArgumentException("the schedule needs a polynomial sigmoid");
      }
      if (!(bound > 0) || !Double.isFinite(bound) || !(step > 0) || !Double.isFinite(step)
          || !(lambda0 >= 0) || !Double.isFinite(lambda0) || !(inputBound >= 1)
          || !Double.isFinite(inputBound)) {
        throw new IllegalArgumentException("schedule: bound and step must be finite and > 0,"
            + " lambda0 finite and >= 0, inputBound finite and >= 1; got " + bound + ", " + step
            + ", " + lambda0 + ", " + inputBound);
      }
    }

    /** The prepared run's schedule. */
    public static Schedule of(dev.veil.ml.plain.CertifiedNesterov.Prepared p) {
      return new Schedule(p.sigmoid(), p.bound(), p.step(), dev.veil.ml.plain.CertifiedNesterov
          .LAMBDA0, p.inputBound());
    }
  }

  /**
   * A run fitted to parameters.
   *
   * @param plan the logistic plan (logistic, ovr), null for linear
   * @param tables the data set's tables in part order ({@link TrainingKind#tables})
   */
  public record Setup(Spec spec, Parameters params, Layout layout, int[] rotations,
      TrainingPlan plan, int levelsPerIteration, List<String> tables) {
    /** Ciphertexts of the whole data set: tables x ciphertexts per table. */
    public int parts() {
      return tables.size() * layout.ciphertexts();
    }
  }

  /**
   * The trained, still encrypted model.
   *
   * @param weights one ciphertext per {@link TrainingKind#weightVectors}, class order for ovr
   * @param reports one per weight vector
   */
  public record Result(Setup setup, List<Ciphertext> weights, List<TrainingReport> reports) {}

  /** Progress over all iterations of the run (all classes for ovr). */
  public interface Progress {
    void iteration(long done, long total);
  }

  /**
   * Fits the run to the parameters.
   *
   * @throws IllegalArgumentException when it cannot run without a key holder: more levels than
   *     the parameters have (the run has no refresh), or a degree other than 3, 5, 7
   */
  public static Setup setup(Spec spec, Parameters params) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(params, "params");
    List<String> tables = spec.kind().tables(spec.classes());
    if (spec.kind() == TrainingKind.LINEAR) {
      int per = EncryptedLinearRegression.LEVELS_PER_ITERATION;
      if (spec.iterations() * per > params.maxLevel()) {
        throw new IllegalArgumentException(spec.iterations() + " iterations need "
            + spec.iterations() * per + " levels (" + per + " per iteration) but the parameters"
            + " have " + params.maxLevel() + ": use at most " + params.maxLevel() / per
            + " iterations, or keys made for more");
      }
      return new Setup(spec, params,
          EncryptedLinearRegression.layout(params, spec.rows(), spec.features()),
          EncryptedLinearRegression.rotationsNeeded(params, spec.rows(), spec.features()), null,
          per, tables);
    }
    Planner planner = LogisticTraining.planner(spec.rows(), spec.features(), spec.iterations(),
        spec.degree()).withL2(spec.l2());
    Schedule s = spec.schedule();
    if (s != null) {
      planner = planner.withSigmoid(s.sigmoid(), -s.bound(), s.bound())
          .withLearningRate(LearningRate.constant(s.step())).withLambda0(s.lambda0());
    }
    TrainingPlan plan = planner.withParameters(params).plan();
    if (plan.refreshes() > 0) {
      throw new IllegalArgumentException(spec.iterations() + " iterations need "
          + plan.totalLevels() + " levels but the parameters have " + params.maxLevel()
          + ": use at most " + plan.iterationsPerSegment() + " iterations");
    }
    return new Setup(spec, params, plan.layout(), plan.rotations(), plan,
        plan.levelsPerIteration(), tables);
  }

  /**
   * Checks that the evaluation keys hold the relinearisation key and every rotation the run
   * needs.
   *
   * @throws MissingKeyException naming the first missing key
   * @throws dev.veil.he.rlwe.ParameterMismatchException for keys of other parameters
   */
  public static void requireKeys(Setup setup, EvaluationKeys keys) {
    Objects.requireNonNull(keys, "keys");
    if (setup.plan() != null) {
      LogisticTraining.requireKeys(setup.plan(), keys);
      return;
    }
    Parameters params = setup.params();
    params.requireSame(keys.parameters(), "training keys");
    if (!keys.hasRelinearizationKey()) {
      throw new MissingKeyException("the evaluation keys hold no relinearisation key, which"
          + " every training iteration needs");
    }
    for (int r : setup.rotations()) {
      if (!keys.hasGaloisKey(Evaluator.galoisElement(params, r))) {
        throw new MissingKeyException("the evaluation keys hold no Galois key for the rotation by "
            + r + " that training on " + setup.spec().rows() + " rows x "
            + setup.spec().features() + " features needs");
      }
    }
  }

  /**
   * Checks the tables: one per {@link Setup#tables}, each of the layout's ciphertexts, of degree
   * 1, at the top level, under the parameters.
   *
   * @throws IllegalArgumentException naming the first one that does not fit
   */
  public static void requireTables(Setup setup, Ciphertext[][] tables) {
    Objects.requireNonNull(tables, "tables");
    if (tables.length != setup.tables().size()) {
      throw new IllegalArgumentException(setup.spec().kind().description() + " trains on "
          + setup.tables().size() + " tables " + setup.tables() + ", got " + tables.length);
    }
    Parameters params = setup.params();
    for (int k = 0; k < tables.length; k++) {
      Ciphertext[] z = tables[k];
      String name = "table " + setup.tables().get(k);
      if (z == null || z.length != setup.layout().ciphertexts()) {
        throw new IllegalArgumentException(name + ": the layout has "
            + setup.layout().ciphertexts() + " ciphertexts, got " + (z == null ? 0 : z.length));
      }
      for (int c = 0; c < z.length; c++) {
        Objects.requireNonNull(z[c], "table ciphertext");
        params.requireSame(z[c].parameters(), "training table");
        if (z[c].degree() != 1) {
          throw new IllegalArgumentException(name + " ciphertext " + c + " has degree "
              + z[c].degree() + ", expected 1");
        }
        if (z[c].level() != params.maxLevel()) {
          throw new IllegalArgumentException(name + " ciphertext " + c + " is at level "
              + z[c].level() + ", expected the top level " + params.maxLevel());
        }
      }
    }
  }

  /**
   * Checks keys and tables, then trains.
   *
   * @param ctx a context for the setup's parameters
   * @param progress called after each iteration (linear regression: once, at the end); may be
   *     null; an unchecked exception it throws stops the run there and propagates
   */
  public static Result train(HeContext ctx, EvaluationKeys keys, Setup setup,
      Ciphertext[][] tables, Progress progress) {
    Objects.requireNonNull(ctx, "ctx");
    ctx.parameters().requireSame(setup.params(), "training context");
    requireKeys(setup, keys);
    requireTables(setup, tables);
    Spec spec = setup.spec();
    Evaluator ev = new Evaluator(ctx, keys);
    Encoder encoder = new Encoder(ctx);
    List<Ciphertext> weights = new ArrayList<>();
    List<TrainingReport> reports = new ArrayList<>();
    if (spec.kind() == TrainingKind.LINEAR) {
      EncryptedLogisticRegression.Result r = new EncryptedLinearRegression(ev, encoder,
          spec.rows(), spec.features(), spec.iterations(),
          LearningRate.constant(spec.learningRate()), spec.l2()).train(tables[0], tables[1]);
      weights.add(r.weights());
      reports.add(r.report());
      if (progress != null) {
        progress.iteration(spec.iterations(), spec.iterations());
      }
    } else {
      EncryptedLogisticRegression trainer =
          new EncryptedLogisticRegression(ev, encoder, setup.plan());
      long total = (long) tables.length * spec.iterations();
      for (int k = 0; k < tables.length; k++) {
        long done = (long) k * spec.iterations();
        EncryptedLogisticRegression.Result r = trainer.train(tables[k], null,
            progress == null ? null : (i, t) -> progress.iteration(done + i, total));
        weights.add(r.weights());
        reports.add(r.report());
      }
    }
    return new Result(setup, List.copyOf(weights), List.copyOf(reports));
  }
}
