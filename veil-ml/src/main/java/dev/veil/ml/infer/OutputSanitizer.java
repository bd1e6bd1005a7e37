package dev.veil.ml.infer;

import java.security.SecureRandom;
import java.util.Objects;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.LevelException;
import dev.veil.he.ring.Sampler;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;

/**
 * The model holder's last step before an encrypted inference result goes back to a buyer: it
 * makes the returned ciphertexts reveal (to the buyer, who holds the secret key) the promised
 * outputs and nothing else about the model. It needs no secret key: only the public key the
 * result is encrypted under. Four steps, per ciphertext:
 *
 * <ol>
 *   <li><b>Clear the non-result slots</b>: multiply by the 0/1 mask of the result slots of the
 *       {@link ResultDescriptor} (encoded at the scale of the prime the following rescale removes,
 *       so the scale is unchanged; one level). <em>Protects against</em> by-products: after a
 *       {@link dev.veil.ml.linalg.RotateSum.Placement#RAW RAW} feature sum slot (r, j) holds the
 *       partial sum {@code sum_(k >= j) beta_k x_rk} running into the next block, and padding rows
 *       hold the intercept; with known rows, one query would give blockSize linear equations in
 *       the weights instead of one (model extraction with far fewer queries than Tramer et al.'s d
 *       + 1), and the intercept for free. Skipped only at level 0 when the descriptor says the
 *       other slots are already zero (else refused: keep one level for the mask).
 *   <li><b>Reduce to level 0</b> ({@link Evaluator#dropToLevel}; value and scale unchanged).
 *       <em>Protects against</em> the level revealing how deep the computation was (scores or
 *       probabilities, which sigmoid degree, how the model is evaluated): every returned
 *       ciphertext has the same shape. It also makes the result smallest and means the flooding
 *       noise only has to fit the first prime.
 *   <li><b>Re-randomise</b>: add a fresh encryption under the buyer's public key at level 0 and
 *       the result's scale. <em>Protects against</em> the ciphertext itself: without it {@code c1}
 *       is a deterministic function of the buyer's own {@code c1} (whose randomness the buyer
 *       knows) and of the plaintext weights, e.g. {@code round(w c1 / q)} summed over rotations,
 *       from which the weights can be solved for directly, with no decryption at all. After it,
 *       {@code (c0, c1)} is distributed as a fresh encryption (RLWE).
 *   <li><b>Flood</b>: the fresh encryption of step 3 encrypts not zero but a polynomial with
 *       independent Gaussian coefficients of standard deviation (like {@link FloodingPolicy})
 *       <pre>  sigma = sqrt(12 D) * 2^(s/2) * B</pre>
 *       with s the statistical security, B a bound on the coefficients of the result's noise
 *       (from {@link ScoringNoise}, which traces this package's circuits with the engine's
 *       noise estimator) and D the number of sanitised ciphertexts the buyer may ever
 *       receive from this model (bound it with {@link QueryBudget}: D = its row budget is always
 *       enough, each returned ciphertext holding at least one row). <em>Protects against</em> the
 *       decryption noise: the buyer decrypts {@code m + e} with e a function of the weights (their
 *       encoding times the buyer's known fresh noise, rescale rounding, masked by-products);
 *       flooding makes the D decryptions statistically close (within about 2^-s,
 *       Li-Micciancio-Schultz-Sorrell, OpenFHE's rule) to decryptions whose noise is independent of
 *       the weights, so the buyer learns only the result values, up to the flooding error.
 * </ol>
 *
 * Steps 3 and 4 are one public-key encryption of the flooding polynomial added to the
 * ciphertext: an encryption of noise is an encryption of zero plus that noise, so the result is
 * both re-randomised and flooded, for the price of one encryption at level 0.
 *
 * <h2>Precision cost</h2>
 *
 * A coefficient noise of standard deviation sigma spreads to about {@code sigma sqrt(N)} in each
 * decoded slot, so a result at scale Delta keeps about {@link #expectedPrecisionBits(double)
 * log2(Delta) - log2(sigma) - log2(N)/2} bits (the convention of {@link
 * dev.veil.he.rlwe.FloodingDecryptor}; the measured standard deviation per slot is {@code sigma
 * sqrt(N/2) / Delta}, half a bit better). The sanitiser refuses with a {@link
 * PrecisionTooLowException}, before any work, when that falls below the minimum it was built
 * with, and with an {@link IllegalArgumentException} when {@code 8 sigma} does not fit the first
 * prime. Multiplying the result by a constant does not help (the noise, hence B, grows with it):
 * results meant to be flooded must be computed at a large scale from the start.
 *
 * <p>Worked example (measured in the tests): N = 2^12, scale 2^55, s = 40, B from {@link
 * ScoringNoise} for RAW scores of 18 features (the measured noise lies below it), D = 150: the
 * test prints sigma and the bits expected and measured. Flooding at s = 40 is expensive: choose
 * D (the buyer's row budget) and the scale together.
 *
 * <h2>What it does not protect</h2>
 *
 * The output values themselves (a logistic model with confidence outputs falls to about d + 1
 * queries: that is what {@link QueryBudget} slows down), a B below the actual noise (a row owner
 * who encrypts with more noise than a fresh encryption, see {@link ScoringNoise}), and results
 * sanitised by other instances for the
 * same buyer and model beyond D. Thread-safe; fresh randomness per ciphertext.
 */
public final class OutputSanitizer {
  private final HeContext ctx;
  private final Parameters params;
  private final Evaluator ev;
  private final Encoder encoder;
  private final Encryptor encryptor;
  private final FloodingPolicy policy;
  private final double minPrecisionBits;
  private final double log2Sigma;
  private final double sigma;
  private final SecureRandom random;

  /**
   * @param resultKey the public key the results are encrypted under (the buyer's)
   * @param policy s, log2 B and D (as {@code maxDecryptions}: sanitised ciphertexts per buyer and
   *     model)
   * @param minPrecisionBits refuse results that would keep fewer bits than this after flooding
   */
  public OutputSanitizer(HeContext ctx, PublicKey resultKey, FloodingPolicy policy,
      double minPrecisionBits) {
    this(ctx, resultKey, policy, minPrecisionBits, new SecureRandom());
  }

  /** As above, drawing the re-randomisation and flooding randomness from {@code random}. */
  public OutputSanitizer(HeContext ctx, PublicKey resultKey, FloodingPolicy policy,
      double minPrecisionBits, SecureRandom random) {
    this.ctx = Objects.requireNonNull(ctx, "ctx");
    this.params = ctx.parameters();
    this.policy = Objects.requireNonNull(policy, "policy");
    this.random = Objects.requireNonNull(random, "random");
    if (!Double.isFinite(minPrecisionBits)) {
      throw new IllegalArgumentException("minimum precision must be finite: " + minPrecisionBits);
    }
    this.minPrecisionBits = minPrecisionBits;
    this.ev = new Evaluator(ctx);
    this.encoder = new Encoder(ctx);
    this.encryptor = Encryptor.withPublicKey(ctx, Objects.requireNonNull(resultKey, "resultKey"),
        random);
    this.log2Sigma = policy.log2Sigma();
    this.sigma = Math.pow(2, log2Sigma);
    double logQ0 = log2(params.q(0));
    if (log2(8 * sigma) + 1 > logQ0 - 1) {
      throw new IllegalArgumentException(String.format(
          "flooding noise 2^%.1f (s = %d, B = 2^%.1f, D = %d, N = 2^%d) does not fit the first"
              + " prime (2^%.1f), where results are returned: use a larger first prime, a"
              + " smaller noise bound or a smaller query budget",
          log2Sigma, policy.securityBits(), policy.noiseBoundBits(), policy.maxDecryptions(),
          params.logN(), logQ0));
    }
  }

  public FloodingPolicy policy() {
    return policy;
  }

  /** Standard deviation of the flooding noise added to every coefficient. */
  public double sigma() {
    return sigma;
  }

  /** {@code log2(sigma) = log2(12 D)/2 + s/2 + log2(B)} ({@link FloodingPolicy#log2Sigma}). */
  public double log2Sigma() {
    return log2Sigma;
  }

  /** The minimum precision this sanitiser accepts, in bits. */
  public double minPrecisionBits() {
    return minPrecisionBits;
  }

  /**
   * Bits of precision a sanitised value at {@code scale} keeps: {@code log2(scale) - log2(sigma)
   * - log2(N)/2}.
   */
  public double expectedPrecisionBits(double scale) {
    return policy.precisionBits(scale, params.logN());
  }

  /**
   * Expected error (standard deviation) of one decoded slot after flooding at {@code scale}:
   * {@code sigma sqrt(N/2) / scale}.
   */
  public double expectedSlotError(double scale) {
    return sigma * Math.sqrt(params.n() / 2.0) / scale;
  }

  /**
   * The sanitised result: new ciphertexts at level 0, the result's scale, non-result slots
   * cleared, re-randomised and flooded; the input is not modified.
   *
   * @throws PrecisionTooLowException before any work if the flooding would leave fewer than the
   *     minimum bits at a ciphertext's scale
   * @throws LevelException before any work if a ciphertext at level 0 still has uncleared
   *     non-result slots, or its scale does not fit the first prime
   */
  public EncryptedResult sanitize(EncryptedResult result) {
    Objects.requireNonNull(result, "result");
    ResultDescriptor d = result.descriptor();
    Ciphertext[] in = result.ciphertexts();
    for (Ciphertext ct : in) {
      check(ct, d);
    }
    Ciphertext[] out = new Ciphertext[in.length];
    for (int c = 0; c < in.length; c++) {
      Ciphertext ct = clearAndDrop(in[c], d, c);
      ev.add(ct, encryptor.encrypt(floodingPlaintext(ct.scale())), ct);
      out[c] = ct;
    }
    return new EncryptedResult(out, d.cleared());
  }

  private void check(Ciphertext ct, ResultDescriptor d) {
    params.requireSame(ct.parameters(), "sanitize");
    if (ct.degree() != 1) {
      throw new IllegalArgumentException("sanitize: needs a relinearised (degree-1) ciphertext");
    }
    if (ct.level() == 0 && !d.otherSlotsZero()) {
      throw new LevelException("sanitize: clearing the non-result slots needs one level (a mask"
          + " multiplication and a rescale) and the result is at level 0: keep one level for the"
          + " sanitiser, or compute with a masking placement (FIRST)");
    }
    double logQ0 = log2(params.q(0));
    if (!(log2(ct.scale()) < logQ0 - 1)) {
      throw new LevelException(String.format(
          "sanitize: the result's scale 2^%.1f does not fit the first prime (2^%.1f) where it is"
              + " returned", log2(ct.scale()), logQ0));
    }
    double bits = expectedPrecisionBits(ct.scale());
    if (bits < minPrecisionBits) {
      throw new PrecisionTooLowException(String.format(
          "sanitize: flooding noise sigma = 2^%.1f (s = %d bits, noise bound B = 2^%.1f,"
              + " D = %d results, N = 2^%d) leaves %.1f bits of precision at the result's scale"
              + " 2^%.1f, below the %.1f bits required; compute the result at a larger scale,"
              + " declare a tighter noise bound or allow fewer results per buyer",
          log2Sigma, policy.securityBits(), policy.noiseBoundBits(), policy.maxDecryptions(),
          params.logN(), bits, log2(ct.scale()), minPrecisionBits), bits, minPrecisionBits);
    }
  }

  /** Steps 1 and 2: a new ciphertext at level 0, same scale, non-result slots cleared. */
  Ciphertext clearAndDrop(Ciphertext ct, ResultDescriptor d, int c) {
    Ciphertext out;
    if (ct.level() > 0) {
      int level = ct.level();
      double scale = ct.scale();
      Plaintext mask = encoder.encode(d.resultMask(c), level, (double) params.q(level));
      out = ev.mulPlainNew(ct, mask);
      ev.rescale(out, out);
      out.setScale(scale); // (scale * q_l) / q_l, exact up to rounding
    } else {
      out = ct.copy();
    }
    if (out.level() > 0) {
      ev.dropToLevel(out, 0, out);
    }
    return out;
  }

  /**
   * Step 4's message: independent rounded Gaussian coefficients of standard deviation sigma, as a
   * level-0 plaintext at {@code scale} (NTT form).
   */
  Plaintext floodingPlaintext(double scale) {
    long[][] row = Sampler.floodingNtt(ctx.ring(), sigma, random, new int[] {0});
    return new Plaintext(params, row, 0, scale);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
