package dev.veil.ml.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.ml.plain.LogisticModel;
import dev.veil.ml.poly.InsufficientLevelsException;
import dev.veil.ml.poly.PolynomialEvaluator;
import dev.veil.ml.poly.SigmoidApproximation;

/**
 * Batched inference of a plaintext logistic (or linear) model on rows packed <em>feature-major</em>:
 * ciphertext j of a {@link Batch} holds feature j of up to N/2 rows, slot r being row r of the
 * batch. Every row's score {@code beta_0 + sum_j beta_j x_rj} is then a slot-wise affine
 * combination of the batch's ciphertexts and needs <b>no rotation</b>:
 *
 * <ol>
 *   <li>{@code mulConst(ct_j, beta_j)} for every non-zero weight: the constant is encoded at the
 *       scale of the prime {@code q_level} the rescale removes, so all products share the scale
 *       {@code S q_level} (S the rows' scale) and add without adjustment;
 *   <li>the products are summed and rescaled <em>once</em> (one level): the sum is back at S
 *       exactly;
 *   <li>{@code addConst(beta_0)} adds the intercept at that scale (no level).
 * </ol>
 *
 * Probabilities run the caller's {@link SigmoidApproximation} through {@link PolynomialEvaluator}
 * on the scores (relinearisation key only); the scores must lie in the approximation's interval.
 * Cost per batch: {@code features} scalar products and additions and one rescale, for up to N/2
 * rows, against a few rotations (key switches) per ciphertext in the row-major layout of {@link
 * EncryptedRowsInference}.
 *
 * <p>The data owner's side (packing, encryption, decryption of the results) is {@link Owner}.
 * Thread-safe if ciphertexts are not shared between threads.
 */
public final class FeatureMajorInference {

  /**
   * An encrypted batch: {@code features[j]} holds feature j of rows 0..rows-1 in slots
   * 0..rows-1 (slots from {@code rows} on hold 0).
   */
  public record Batch(Ciphertext[] features, int rows) {
    public Batch {
      Objects.requireNonNull(features, "features");
      if (features.length == 0) {
        throw new IllegalArgumentException("a batch needs at least one feature ciphertext");
      }
      for (Ciphertext ct : features) {
        Objects.requireNonNull(ct, "feature ciphertext");
      }
      if (rows < 1 || rows > features[0].parameters().slots()) {
        throw new IllegalArgumentException("rows must be in [1, " + features[0].parameters().slots()
            + "], got " + rows);
      }
      features = features.clone();
    }

    @Override
    public Ciphertext[] features() {
      return features.clone();
    }

    public int featureCount() {
      return features.length;
    }
  }

  /** What a {@link Result} holds in its first {@code rows} slots. */
  public enum Output {
    SCORES,
    PROBABILITIES
  }

  /** One value per row of a batch in slots 0..rows-1 (the other slots are by-products). */
  public record Result(Ciphertext ciphertext, int rows, Output output) {
    public Result {
      Objects.requireNonNull(ciphertext, "ciphertext");
      Objects.requireNonNull(output, "output");
      if (rows < 1 || rows > ciphertext.parameters().slots()) {
        throw new IllegalArgumentException("rows out of range: " + rows);
      }
    }
  }

  private final Evaluator ev;
  private final Parameters params;

  /** @param evaluator needs no key for scores, the relinearisation key for probabilities */
  public FeatureMajorInference(Evaluator evaluator) {
    this.ev = Objects.requireNonNull(evaluator, "evaluator");
    this.params = evaluator.context().parameters();
  }

  // ------------------------------------------------------------------ levels

  /** Levels the scores consume: 1 (one rescale after the weighted sum). */
  public static int levelsNeeded() {
    return 1;
  }

  /**
   * Levels the probabilities consume: 1 for the scores plus the polynomial's levels ({@link
   * PolynomialEvaluator#levelsNeeded(int, double, double)}: for scores at the default scale with
   * primes the size of the scale, the usual layout, e.g. {@code ParameterSelector}'s).
   */
  public static int levelsNeeded(SigmoidApproximation sigmoid) {
    Objects.requireNonNull(sigmoid, "sigmoid");
    return levelsNeeded()
        + PolynomialEvaluator.levelsNeeded(sigmoid.degree(), sigmoid.a(), sigmoid.b());
  }

  // ------------------------------------------------------------------ scores

  /** Scores (log-odds) of every row of the batch. */
  public Result scores(Batch batch, LogisticModel model) {
    return scores(batch, model.weights());
  }

  /**
   * Scores {@code beta_0 + sum_j beta_j x_rj} of every row of the batch.
   *
   * @param weightsWithIntercept intercept first: {@code batch.featureCount() + 1} finite values
   * @return scores at the rows' scale, one level below the batch
   * @throws LevelException before any work if the batch is at level 0
   */
  public Result scores(Batch batch, double[] weightsWithIntercept) {
    Objects.requireNonNull(batch, "batch");
    double[] w = checkWeights(weightsWithIntercept, batch.featureCount());
    Ciphertext[] x = sameLevel(batch);
    int level = x[0].level();
    if (level < levelsNeeded()) {
      throw new LevelException("feature-major scores need 1 level (one rescale) but the batch"
          + " is at level 0");
    }
    Ciphertext acc = null;
    Ciphertext term = Ciphertext.empty(params);
    for (int j = 0; j < x.length; j++) {
      double beta = w[j + 1];
      if (beta == 0) {
        continue;
      }
      if (acc == null) {
        acc = Ciphertext.empty(params);
        ev.mulConst(x[j], beta, acc);
      } else {
        ev.mulConst(x[j], beta, term);
        ev.add(acc, term, acc);
      }
    }
    if (acc == null) { // every feature weight is 0: a zero at the same scale and level
      acc = Ciphertext.empty(params);
      ev.mulConst(x[0], 0, acc);
    }
    ev.rescale(acc, acc);
    if (w[0] != 0) {
      ev.addConst(acc, w[0], acc);
    }
    return new Result(acc, batch.rows(), Output.SCORES);
  }

  /** Scores of every batch, in order. */
  public List<Result> scores(List<Batch> batches, LogisticModel model) {
    List<Result> out = new ArrayList<>(batches.size());
    for (Batch b : batches) {
      out.add(scores(b, model));
    }
    return out;
  }

  // ------------------------------------------------------------------ probabilities

  /**
   * Probabilities {@code p(score_r)} of every row, p the polynomial sigmoid.
   *
   * @param sigmoid an approximation on an interval [a, b] the caller knows holds every score
   *     (outside it the polynomial's extension comes out, not the sigmoid)
   * @return probabilities at the rows' scale, {@code 1 + polynomial levels} below the batch
   * @throws MissingKeyException before any work without the relinearisation key (degree > 1)
   * @throws InsufficientLevelsException before any work if the batch lacks the levels
   */
  public Result probabilities(Batch batch, LogisticModel model, SigmoidApproximation sigmoid) {
    Objects.requireNonNull(batch, "batch");
    Objects.requireNonNull(sigmoid, "sigmoid");
    checkWeights(model.weights(), batch.featureCount());
    int level = minLevel(batch);
    int needed = levelsNeeded(sigmoid);
    if (level < needed) {
      throw new InsufficientLevelsException(String.format(
          "feature-major probabilities with %s need %d levels (1 for the scores, %d for the"
              + " polynomial) but the batch is at level %d",
          sigmoid.name(), needed, needed - 1, level), needed, level);
    }
    if (sigmoid.degree() > 1 && !ev.keys().hasRelinearizationKey()) {
      throw new MissingKeyException("probabilities with a degree-" + sigmoid.degree()
          + " sigmoid need the relinearisation key, which the evaluator does not hold");
    }
    Result s = scores(batch, model);
    Ciphertext p = new PolynomialEvaluator(ev).evaluate(s.ciphertext(), sigmoid.series());
    return new Result(p, batch.rows(), Output.PROBABILITIES);
  }

  /** Probabilities of every batch, in order. */
  public List<Result> probabilities(List<Batch> batches, LogisticModel model,
      SigmoidApproximation sigmoid) {
    List<Result> out = new ArrayList<>(batches.size());
    for (Batch b : batches) {
      out.add(probabilities(b, model, sigmoid));
    }
    return out;
  }

  // ------------------------------------------------------------------ helpers

  private static double[] checkWeights(double[] weightsWithIntercept, int features) {
    Objects.requireNonNull(weightsWithIntercept, "weights");
    if (weightsWithIntercept.length != features + 1) {
      throw new IllegalArgumentException("model has " + (weightsWithIntercept.length - 1)
          + " features (+ intercept), the batch " + features);
    }
    for (double v : weightsWithIntercept) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("model weight is not finite: " + v);
      }
    }
    return weightsWithIntercept.clone();
  }

  private static int minLevel(Batch batch) {
    int level = Integer.MAX_VALUE;
    for (Ciphertext ct : batch.features) {
      level = Math.min(level, ct.level());
    }
    return level;
  }

  /** The batch's ciphertexts, those above the lowest level dropped to it (copies). */
  private Ciphertext[] sameLevel(Batch batch) {
    Ciphertext[] x = batch.features;
    int level = minLevel(batch);
    double scale = x[0].scale();
    Ciphertext[] out = x.clone();
    for (int j = 0; j < x.length; j++) {
      if (x[j].degree() != 1) {
        throw new IllegalArgumentException("feature ciphertext " + j + " has degree "
            + x[j].degree() + ", expected 1");
      }
      if (Math.abs(x[j].scale() / scale - 1) > Evaluator.SCALE_TOLERANCE) {
        throw new IllegalArgumentException(String.format(
            "feature ciphertexts must share one scale: 2^%.3f (feature 0) vs 2^%.3f (feature %d)",
            Math.log(scale) / Math.log(2), Math.log(x[j].scale()) / Math.log(2), j));
      }
      if (x[j].level() != level) {
        out[j] = ev.dropToLevelNew(x[j], level);
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ data owner

  /**
   * The data owner's side: packs a table feature-major into batches of up to N/2 rows and
   * encrypts them; decrypts the {@link Result}s into one value per row. Thread-safe.
   */
  public static final class Owner {
    private final Encoder encoder;
    private final Encryptor encryptor;
    private final Decryptor decryptor;
    private final int slots;

    /**
     * @param encryptor the owner's (public- or secret-key) encryptor
     * @param decryptor the owner's decryptor; may be null for an encrypt-only owner
     */
    public Owner(Encoder encoder, Encryptor encryptor, Decryptor decryptor) {
      this.encoder = Objects.requireNonNull(encoder, "encoder");
      this.encryptor = Objects.requireNonNull(encryptor, "encryptor");
      this.decryptor = decryptor;
      this.slots = encoder.slots();
    }

    /** Rows per batch: N/2. */
    public int rowsPerBatch() {
      return slots;
    }

    /** Number of batches for {@code rows} rows. */
    public int batches(int rows) {
      return (rows + slots - 1) / slots;
    }

    /**
     * Packs and encrypts {@code table} (rows x features, every row the same length) at the top
     * level and the default scale: batch b holds rows {@code b N/2 ..}, the last one partial.
     */
    public List<Batch> encrypt(double[][] table) {
      Parameters p = encoder.parameters();
      return encrypt(table, p.maxLevel(), p.defaultScale());
    }

    /** As {@link #encrypt(double[][])}, at a given level and scale. */
    public List<Batch> encrypt(double[][] table, int level, double scale) {
      Objects.requireNonNull(table, "table");
      if (table.length == 0) {
        throw new IllegalArgumentException("the table has no rows");
      }
      int features = table[0].length;
      if (features == 0) {
        throw new IllegalArgumentException("the table has no features");
      }
      for (int r = 0; r < table.length; r++) {
        if (table[r].length != features) {
          throw new IllegalArgumentException("row " + r + " has " + table[r].length
              + " features, row 0 has " + features);
        }
      }
      List<Batch> out = new ArrayList<>(batches(table.length));
      for (int start = 0; start < table.length; start += slots) {
        int rows = Math.min(slots, table.length - start);
        Ciphertext[] cts = new Ciphertext[features];
        double[] column = new double[rows];
        for (int j = 0; j < features; j++) {
          for (int r = 0; r < rows; r++) {
            double v = table[start + r][j];
            if (!Double.isFinite(v)) {
              throw new IllegalArgumentException(
                  "value at row " + (start + r) + ", feature " + j + " is not finite");
            }
            column[r] = v;
          }
          cts[j] = encryptor.encrypt(encoder.encode(column, level, scale));
        }
        out.add(new Batch(cts, rows));
      }
      return out;
    }

    /** The values of one result, one per row of its batch. */
    public double[] decrypt(Result result) {
      if (decryptor == null) {
        throw new IllegalStateException("this owner was built without a decryptor");
      }
      double[] all = encoder.decode(decryptor.decrypt(result.ciphertext()));
      return java.util.Arrays.copyOf(all, result.rows());
    }

    /** The values of several results concatenated: one per row of the table, in row order. */
    public double[] decrypt(List<Result> results) {
      int total = 0;
      for (Result r : results) {
        total += r.rows();
      }
      double[] out = new double[total];
      int at = 0;
      for (Result r : results) {
        double[] v = decrypt(r);
        System.arraycopy(v, 0, out, at, v.length);
        at += v.length;
      }
      return out;
    }
  }
}
