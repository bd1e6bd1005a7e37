package dev.veil.he.ckks;

import java.util.Objects;

import dev.veil.he.ring.Modulus;
import dev.veil.he.ring.RingContext;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * A bound on the decryption noise of a CKKS ciphertext, from the parameters and a trace of the
 * operations that produced it: what sizes flooding ({@code dev.veil.he.rlwe.FloodingPolicy}), so
 * that no caller has to declare a noise constant.
 *
 * <p>The decryption of a ciphertext at scale D is {@code c0 + c1 s = D m + e} (mod q): the
 * message's integer polynomial plus the noise e. A trace follows {@link Noise} values through the
 * same steps as the ciphertext ({@link #freshPublicKey}, {@link #add}, {@link #mulPlain}, {@link
 * #mul} (with relinearisation), {@link #rescale}, {@link #rotate}, {@link #dropToLevel}, ...);
 * each step gives the variance of the error of one slot in integer units ({@code (decrypted -
 * true) * scale}), with the values of every operand bounded by a magnitude the trace states
 * ({@link Noise#maxAbs}). {@link #log2Bound} turns that into a bound on the coefficients of e.
 *
 * <h2>The variances</h2>
 *
 * Sources: rounding the scaled coefficients when encoding (uniform in [-1/2, 1/2], variance 1/12);
 * the Gaussian error of an encryption (variance sigma^2); a division with rounding of {@code (c0,
 * c1)} by a modulus (rescale, ModDown) leaves {@code r0 + r1 s}, coefficient variance {@code (1 +
 * N Var(s)) / 12}; a key switch adds {@code sum_j d_j e_j / P} with centred digits {@code d_j}
 * (variance D_j^2 / 12 for digit modulus D_j) times key errors {@code e_j}, then its ModDown
 * rounding. The fast basis conversion over k > 1 primes adds an integer multiple of the source
 * modulus that is uniform-ish over k values: counted as k/12 more variance per unit. A polynomial
 * whose N coefficients are independent with variance v puts a variance N v on each slot (a slot
 * is the polynomial evaluated at a primitive 2N-th root of unity). Products: {@code e_a m_b D_b +
 * e_b m_a D_a + e_a e_b}, each message bounded by its {@code maxAbs} (an upper bound, not an
 * average); {@link #add} treats its operands as possibly correlated (standard deviations add),
 * {@link #addIndependent} adds variances.
 *
 * <h2>Coefficients, not only slots</h2>
 *
 * Flooding needs a bound on the coefficients of e, and their variance is not always the slot
 * variance over N: a sum over W rotations ({@link #rotateAndSum}) adds W copies of the constant
 * coefficient (automorphisms fix it) and of a few others coherently, so those coefficients get W
 * times the average variance; after a sum over all the blocks of a ciphertext (a gradient, a
 * score), the error is replicated in every block and its coefficients concentrate on a sparse
 * subring. A {@link Noise} therefore carries, beside the slot variance, a bound on the largest
 * eigenvalue of the coefficients' covariance, which bounds every coefficient's variance: fresh
 * and rounding noise have {@code v / N}; a rotation keeps it; a sum over W rotations multiplies
 * it by at most W^2 (the operator norm of the sum); a product by a message multiplies it by at
 * most the square of the message's largest slot times its scale (multiplication by a polynomial
 * is diagonal in the slots, so its operator norm is the largest slot); a rescale divides it by
 * q^2. It never exceeds the slot variance (a coefficient is an average of the slots). The
 * variance of each coefficient, which the bound uses, is tracked apart: after a product by a
 * plaintext it is at most the covariance norm times the plaintext's squared Euclidean norm (its
 * slots' mean square, not their largest: a sparse mask shrinks it).
 *
 * <h2>From a variance to a bound</h2>
 *
 * Each noise coefficient is a sum of many independent terms; treated as a centred Gaussian of
 * standard deviation at most {@code sigma_e = sqrt(coefficientVariance)}, {@code P(|e_i| > k
 * sigma_e) <= 2 exp(-k^2/2)},
 * so with {@code k = sqrt(2 ln(2 N 2^}{@value #BOUND_FAILURE_BITS}{@code ))} (8.7 at N = 2^13, 8.9
 * at N = 2^16) all N coefficients stay below {@code B = k sigma_e} except with probability
 * {@code 2^-}{@value #BOUND_FAILURE_BITS}. Measured against real ciphertexts (NoiseEstimatorTest)
 * the largest coefficient lies 1 to 2 bits below B for single operations and a few bits below it
 * after a training run (EncryptedLogisticRegressionTest).
 *
 * <p>What it does not cover: values larger than the magnitudes the trace declares (the bound is
 * then wrong, as a too-small constant would be), and errors that are functions of the message
 * alone, not of the key: the approximation errors of the computation itself (a polynomial sigmoid
 * is not the sigmoid) and the floating-point error of encoding at large scales ({@link #fft}, which
 * the tests' precision floors add but the traced operations leave out): flooding must hide what
 * depends on the secret key.
 * Immutable and thread-safe.
 */
public final class NoiseEstimator {
  /** The bound B fails for some coefficient with probability at most 2^-this (see the class). */
  public static final int BOUND_FAILURE_BITS = 40;

  /**
   * Relative tolerance of {@link #add} on the operands' scales (ciphertexts added in CKKS must
   * carry the same scale up to rounding of the encodings that aligned them).
   */
  public static final double SCALE_TOLERANCE = 0x1p-20;

  /**
   * The traced state of one ciphertext.
   *
   * @param level the ciphertext's level
   * @param scale its scale
   * @param variance bound on the variance of the error of one slot, in integer units ({@code
   *     (decrypted - true) * scale})
   * @param covarianceNorm bound on the largest eigenvalue of the covariance of e's coefficients
   *     (what a product can amplify; see the class comment), at most {@code variance}
   * @param coefficientVariance bound on the variance of every coefficient of e, at most {@code
   *     covarianceNorm}
   * @param maxAbs bound on the modulus of every slot's value
   */
  public record Noise(int level, double scale, double variance, double covarianceNorm,
      double coefficientVariance, double maxAbs) {
    public Noise {
      if (level < 0) {
        throw new IllegalArgumentException("level must be >= 0, got " + level);
      }
      if (!(scale > 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
      }
      for (double v : new double[] {variance, covarianceNorm, coefficientVariance, maxAbs}) {
        if (!(v >= 0) || !Double.isFinite(v)) {
          throw new IllegalArgumentException("variances and maxAbs must be finite and >= 0, got "
              + v);
        }
      }
      covarianceNorm = Math.min(covarianceNorm, variance);
      coefficientVariance = Math.min(coefficientVariance, covarianceNorm);
    }

    /** The same ciphertext read at another scale (a relabelling: e is unchanged, m is not). */
    public Noise withScale(double newScale) {
      return new Noise(level, newScale, variance, covarianceNorm, coefficientVariance,
          maxAbs * scale / newScale);
    }

    /** The same ciphertext whose values are known to be bounded by {@code bound}. */
    public Noise withMaxAbs(double bound) {
      return new Noise(level, scale, variance, covarianceNorm, coefficientVariance, bound);
    }
  }

  private final Parameters params;
  private final double n;
  private final double secretVariance;
  private final double sigma2;

  public NoiseEstimator(Parameters params) {
    this.params = Objects.requireNonNull(params, "params");
    this.n = params.n();
    this.secretVariance =
        params.secretDistribution() == Parameters.SecretDistribution.UNIFORM_TERNARY
            ? 2.0 / 3
            : (double) params.hammingWeight() / params.n();
    this.sigma2 = params.sigma() * params.sigma();
  }

  public Parameters parameters() {
    return params;
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // ------------------------------------------------------------------ variances of one step

  /** Slot variance of rounding the scaled coefficients to integers. */
  public double encoding() {
    return n / 12;
  }

  /**
   * Slot variance of the floating-point error of the special FFT on values up to {@code maxAbs}
   * at {@code scale}: a relative error of at most 2^-52 per butterfly stage, logN stages.
   */
  public double fft(double maxAbs, double scale) {
    double e = 0x1p-52 * params.logN() * maxAbs * scale;
    return e * e;
  }

  /** Slot variance of an encoded plaintext (rounding plus FFT error). */
  public double encoded(double maxAbs, double scale) {
    return encoding() + fft(maxAbs, scale);
  }

  /** Slot variance of a fresh secret-key encryption: one Gaussian error plus the rounding. */
  public double freshSecretKey() {
    return n * sigma2 + encoding();
  }

  /**
   * Slot variance of a fresh public-key encryption: {@code (b u + e0, a u + e1)} is divided by P,
   * which shrinks its noise below 1 and leaves the ModDown rounding, plus the encoding rounding.
   */
  public double freshPublicKey() {
    return rounding(params.pCount(), 1) + encoding();
  }

  /**
   * Slot variance of a division with rounding of a degree-{@code degree} ciphertext by a product
   * of {@code primes} primes: {@code r0 + r1 s (+ r2 s^2)}; the coefficients of s^2 have variance
   * N Var(s)^2.
   */
  public double rounding(int primes, int degree) {
    double perCoefficient = 1 + n * secretVariance;
    if (degree == 2) {
      perCoefficient += n * n * secretVariance * secretVariance;
    }
    return n * perCoefficient * conversion(primes) / 12;
  }

  /** Variance factor of a fast basis conversion from {@code primes} primes (1: exact). */
  private static double conversion(int primes) {
    return primes == 1 ? 1 : 1 + primes;
  }

  /** Slot variance added by a hybrid key switch (relinearisation, rotation) at {@code level}. */
  public double keySwitch(int level) {
    double logP = 0;
    for (long p : params.pPrimes()) {
      logP += log2(p);
    }
    double digits = 0;
    int alpha = params.alpha();
    for (int j = 0; j < params.digitsAt(level); j++) {
      int from = j * alpha;
      int to = Math.min(level + 1, from + alpha);
      double logD = 0;
      for (int i = from; i < to; i++) {
        logD += log2(params.q(i));
      }
      digits += Math.pow(2, 2 * (logD - logP)) * conversion(to - from) / 12;
    }
    return n * n * sigma2 * digits + rounding(params.pCount(), 1);
  }

  /** Slot variance after a rescale of a degree-{@code degree} ciphertext at {@code level}. */
  public double rescale(double variance, int level, int degree) {
    double q = params.q(level);
    return variance / (q * q) + rounding(1, degree);
  }

  /** {@link #rescale(double, int, int)} of a degree-1 ciphertext. */
  public double rescale(double variance, int level) {
    return rescale(variance, level, 1);
  }

  /**
   * Slot variance of the slot-wise product of independent a (variance va, scale sa, values
   * bounded by maxSqA in squared modulus) and b: {@code e_a m_b s_b + e_b m_a s_a + e_a e_b} at
   * scale {@code sa sb}.
   */
  public static double product(double va, double sa, double maxSqA, double vb, double sb,
      double maxSqB) {
    return sb * sb * va * maxSqB + sa * sa * vb * maxSqA + va * vb;
  }

  // ------------------------------------------------------------------ traced operations

  /** Independent noise of slot variance {@code v} (independent coefficients of variance v/N). */
  private Noise fresh(int level, double scale, double v, double maxAbs) {
    return new Noise(level(level), scale, v, v / n, v / n, maxAbs);
  }

  /** A fresh public-key encryption at {@code level} and {@code scale} of values up to maxAbs. */
  public Noise freshPublicKey(int level, double scale, double maxAbs) {
    return fresh(level, scale, freshPublicKey(), maxAbs);
  }

  /** A fresh secret-key encryption at {@code level} and {@code scale} of values up to maxAbs. */
  public Noise freshSecretKey(int level, double scale, double maxAbs) {
    return fresh(level, scale, freshSecretKey(), maxAbs);
  }

  /** A public, noiseless ciphertext of zero (as training starts its weights from). */
  public Noise zero(int level, double scale) {
    return fresh(level, scale, 0, 0);
  }

  /**
   * {@code a + b}, at the lower of the two levels, their scales equal; the errors may be
   * correlated (standard deviations add), as when b was computed from a.
   */
  public Noise add(Noise a, Noise b) {
    requireSameScale(a, b, "add");
    return new Noise(Math.min(a.level(), b.level()), a.scale(), sumSd(a.variance(), b.variance()),
        sumSd(a.covarianceNorm(), b.covarianceNorm()),
        sumSd(a.coefficientVariance(), b.coefficientVariance()), a.maxAbs() + b.maxAbs());
  }

  /** {@code a + b} for errors known to be independent (fresh encryptions): variances add. */
  public Noise addIndependent(Noise a, Noise b) {
    requireSameScale(a, b, "add");
    return new Noise(Math.min(a.level(), b.level()), a.scale(), a.variance() + b.variance(),
        a.covarianceNorm() + b.covarianceNorm(),
        a.coefficientVariance() + b.coefficientVariance(), a.maxAbs() + b.maxAbs());
  }

  /** {@code a + p} for a plaintext encoded at a's scale with values up to {@code maxAbs}. */
  public Noise addPlain(Noise a, double maxAbs) {
    return plus(a, encoding(), 1.0 / n).withMaxAbs(a.maxAbs() + maxAbs);
  }

  /** {@code a + c} for a constant (rounded into the constant coefficient, by at most 1/2). */
  public Noise addConst(Noise a, double c) {
    return plus(a, 0.25, 1).withMaxAbs(a.maxAbs() + Math.abs(c));
  }

  /**
   * {@code a * p} for a plaintext encoded at {@code plainScale} with values up to {@code maxAbs}
   * (not rescaled: the result is at scale {@code a.scale * plainScale}).
   */
  public Noise mulPlain(Noise a, double maxAbs, double plainScale) {
    return mulPlain(a, maxAbs, maxAbs, plainScale);
  }

  /**
   * {@link #mulPlain(Noise, double, double)} for a plaintext whose slots also have an RMS of
   * {@code rms} (a sparse mask: 0/1 at one slot in k has RMS {@code 1/sqrt(k)}): each
   * coefficient of the product's error has a variance of at most the covariance norm times the
   * plaintext's squared Euclidean norm, {@code (plainScale rms)^2}, while the slots and the
   * covariance norm grow by {@code (plainScale maxAbs)^2}.
   */
  public Noise mulPlain(Noise a, double maxAbs, double rms, double plainScale) {
    if (!(rms >= 0) || rms > maxAbs) {
      throw new IllegalArgumentException("rms must be in [0, maxAbs], got " + rms);
    }
    double e = encoding();
    double m2 = plainScale * plainScale * maxAbs * maxAbs;
    double r2 = plainScale * plainScale * rms * rms;
    double t2 = a.scale() * a.scale() * a.maxAbs() * a.maxAbs();
    return new Noise(a.level(), a.scale() * plainScale,
        m2 * a.variance() + t2 * e + a.variance() * e,
        m2 * a.covarianceNorm() + t2 * e / n + a.covarianceNorm() * e,
        r2 * a.covarianceNorm() + t2 * e / n + a.covarianceNorm() * e, a.maxAbs() * maxAbs);
  }

  /**
   * {@code a * c} for a constant rounded to an integer at {@code constScale} (not rescaled): the
   * rounding, at most 1/2, multiplies every slot's value.
   */
  public Noise mulConst(Noise a, double c, double constScale) {
    double k2 = Math.pow(Math.abs(c) * constScale + 0.5, 2);
    double r = a.scale() * a.scale() * a.maxAbs() * a.maxAbs() / 4;
    return new Noise(a.level(), a.scale() * constScale, k2 * a.variance() + r,
        k2 * a.covarianceNorm() + r, k2 * a.coefficientVariance() + r, a.maxAbs() * Math.abs(c));
  }

  /**
   * {@code a * b} relinearised (not rescaled), at the lower of the two levels: {@code e_a m_b D_b
   * + e_b m_a D_a} with standard deviations added (right for a square, where the two terms are
   * the same, and at most twice the independent sum otherwise), plus {@code e_a e_b} and the
   * relinearisation's key switch.
   */
  public Noise mul(Noise a, Noise b) {
    int level = Math.min(a.level(), b.level());
    double ta = a.scale() * a.maxAbs();
    double tb = b.scale() * b.maxAbs();
    double ks = keySwitch(level);
    return new Noise(level, a.scale() * b.scale(),
        cross(ta, tb, a.variance(), b.variance()) + a.variance() * b.variance() + ks,
        cross(ta, tb, a.covarianceNorm(), b.covarianceNorm())
            + a.covarianceNorm() * b.variance() + ks / n,
        cross(ta, tb, a.covarianceNorm(), b.covarianceNorm())
            + a.covarianceNorm() * b.variance() + ks / n, a.maxAbs() * b.maxAbs());
  }

  private static double cross(double ta, double tb, double va, double vb) {
    double s = tb * Math.sqrt(va) + ta * Math.sqrt(vb);
    return s * s;
  }

  /** Division by the last prime of a's level: one level down, scale divided by that prime. */
  public Noise rescale(Noise a) {
    if (a.level() == 0) {
      throw new LevelException("cannot rescale: the ciphertext is at level 0");
    }
    double q2 = Math.pow(params.q(a.level()), 2);
    double r = rounding(1, 1);
    return new Noise(a.level() - 1, a.scale() / params.q(a.level()), a.variance() / q2 + r,
        a.covarianceNorm() / q2 + r / n, a.coefficientVariance() / q2 + r / n, a.maxAbs());
  }

  /** A rotation (or the conjugation): one key switch at a's level. */
  public Noise rotate(Noise a) {
    return plus(a, keySwitch(a.level()), 1.0 / n);
  }

  /**
   * {@code log2(count)} steps of {@code a + rotate(a)} (count a power of two), as {@link
   * Evaluator#rotateAndSum} sums a window of slots: the summed slots' errors are independent
   * (their variances add), but the coefficients are not: a sum over a window of W rotations adds
   * W copies of the constant coefficient coherently, so the coefficient variance and the
   * covariance norm grow by W^2.
   */
  public Noise rotateAndSum(Noise a, int count) {
    if (count < 1 || Integer.bitCount(count) != 1) {
      throw new IllegalArgumentException("count must be a power of two, got " + count);
    }
    double ks = keySwitch(a.level());
    double v = a.variance();
    double l = a.covarianceNorm();
    double c = a.coefficientVariance();
    for (int r = 1; r < count; r <<= 1) {
      v = 2 * v + ks;
      l = 4 * l + ks / n;
      c = 4 * c + ks / n;
    }
    return new Noise(a.level(), a.scale(), v, l, c, a.maxAbs() * count);
  }

  /** Dropping primes down to {@code level}: the noise is unchanged. */
  public Noise dropToLevel(Noise a, int level) {
    if (level > a.level()) {
      throw new IllegalArgumentException("cannot drop from level " + a.level() + " up to "
          + level);
    }
    return new Noise(level, a.scale(), a.variance(), a.covarianceNorm(),
        a.coefficientVariance(), a.maxAbs());
  }

  /** a plus independent noise of slot variance v whose coefficients have variance v * perCoef. */
  private static Noise plus(Noise a, double v, double perCoefficient) {
    return new Noise(a.level(), a.scale(), a.variance() + v,
        a.covarianceNorm() + v * perCoefficient, a.coefficientVariance() + v * perCoefficient,
        a.maxAbs());
  }

  private static double sumSd(double va, double vb) {
    double s = Math.sqrt(va) + Math.sqrt(vb);
    return s * s;
  }

  // ------------------------------------------------------------------ the bound

  /**
   * The number k of standard deviations that bounds all N coefficients but with probability
   * {@code 2^-}{@value #BOUND_FAILURE_BITS}: {@code sqrt(2 ln(2 N 2^40))}.
   */
  public double tailFactor() {
    return Math.sqrt(2 * Math.log(2 * n) + 2 * BOUND_FAILURE_BITS * Math.log(2));
  }

  /**
   * log2 of the bound B on every coefficient of the decryption noise of the traced ciphertext:
   * {@code k sqrt(coefficientVariance)} (see the class comment), at least 0.
   */
  public double log2Bound(Noise a) {
    double sd = Math.sqrt(a.coefficientVariance());
    return Math.max(0, log2(tailFactor() * sd));
  }

  /**
   * log2 of the largest |coefficient| of {@code a - b}, two plaintexts of one context at one
   * level (centred modulo the first prime; at least 0): how the noise a bound must cover is
   * measured, with {@code a} an exact decryption and {@code b} the encoding of the true values at
   * the ciphertext's level and scale. Neither plaintext is modified.
   */
  public static double log2MaxDifference(HeContext ctx, Plaintext a, Plaintext b) {
    ctx.parameters().requireSame(a.parameters(), "noise measurement");
    ctx.parameters().requireSame(b.parameters(), "noise measurement");
    RingContext ring = ctx.ring();
    Modulus q = ring.modulus(0);
    long[] d = new long[ctx.parameters().n()];
    for (int j = 0; j < d.length; j++) {
      d[j] = q.sub(a.poly()[0][j], b.poly()[0][j]);
    }
    ring.ntt(0).inverse(d);
    long max = 0;
    for (long v : d) {
      max = Math.max(max, Math.abs(v > q.q / 2 ? v - q.q : v));
    }
    return log2(Math.max(1, max));
  }

  private int level(int level) {
    if (level < 0 || level > params.maxLevel()) {
      throw new IllegalArgumentException("level must be in [0, " + params.maxLevel() + "], got "
          + level);
    }
    return level;
  }

  private static void requireSameScale(Noise a, Noise b, String op) {
    if (Math.abs(a.scale() / b.scale() - 1) > SCALE_TOLERANCE) {
      throw new ScaleMismatchException("cannot " + op + ": scales 2^" + log2(a.scale())
          + " and 2^" + log2(b.scale()) + " differ");
    }
  }
}
