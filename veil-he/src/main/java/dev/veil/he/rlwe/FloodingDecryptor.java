package dev.veil.he.rlwe;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import dev.veil.he.ring.Sampler;

/**
 * Decryption for results that leave the key holder (a shared model, a split-inference
 * intermediate, a federated aggregate, a contribution score): the exact decryption plus
 * independent Gaussian flooding noise sized by a {@link FloodingPolicy}, with the policy's
 * decryption budget enforced.
 *
 * <p>What it protects: the secret key against an observer of the published decryptions (the
 * IND-CPA-D attacks of Li and Micciancio), for up to {@code maxDecryptions} decryptions of
 * ciphertexts whose noise coefficients stay below {@code 2^noiseBoundBits}. What it does not: a
 * bound that is too small (size it with {@code dev.veil.he.ckks.NoiseEstimator} for the circuit
 * that produced the ciphertext; {@link #forNoise} makes a decryptor of the same s and tau for
 * another bound), and decryptions made with other decryptors of the same key.
 *
 * <p>The budget is counted by this instance alone, in memory: the count starts at the {@code
 * alreadyUsed} given to the constructor (0 by default) and goes up by one for each call of {@link
 * #decrypt} that passes its checks, before the decryption itself (a decryption that then fails
 * still counts). Nothing is persisted: this class writes the count nowhere and reads it from
 * nowhere, and other instances for the same key, in this process or another, neither see nor
 * share it. A caller that must hold a key to its budget over its whole life has to do that
 * itself: use a single instance per key, store {@link #used()} after each decryption (or before
 * publishing its result), and pass the stored count as {@code alreadyUsed} when it makes the
 * next instance. A count lost or restored too low gives the key a fresh budget: {@code
 * dev.veil.he.io.DecryptionBudget} is the count persisted beside the secret key, which callers
 * charge before they release a decrypted value.
 *
 * <p>Thread-safe: concurrent calls charge the count atomically, so one instance never makes more
 * than the budget. The flooding noise is drawn from a {@link SecureRandom} of the instance.
 */
public final class FloodingDecryptor {
  private final HeContext ctx;
  private final Parameters params;
  private final Decryptor exact;
  private final FloodingPolicy policy;
  private final double sigma;
  private final AtomicLong used;
  private final SecureRandom random = new SecureRandom();

  /** A decryptor whose count starts at 0, as for a key that has never shared a decryption. */
  public FloodingDecryptor(HeContext ctx, SecretKey sk, FloodingPolicy policy) {
    this(ctx, sk, policy, 0);
  }

  /**
   * A decryptor whose count starts at {@code alreadyUsed}: the shared decryptions the caller knows
   * this key to have made before (this class keeps no record of them; see the class comment).
   *
   * @throws IllegalArgumentException if {@code alreadyUsed} is negative
   */
  public FloodingDecryptor(HeContext ctx, SecretKey sk, FloodingPolicy policy, long alreadyUsed) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.exact = new Decryptor(ctx, sk);
    this.policy = policy;
    this.sigma = Math.pow(2, policy.log2Sigma());
    if (alreadyUsed < 0) {
      throw new IllegalArgumentException("alreadyUsed must be >= 0");
    }
    this.used = new AtomicLong(alreadyUsed);
  }

  public FloodingPolicy policy() {
    return policy;
  }

  /** Standard deviation of the flooding noise added to each coefficient. */
  public double sigma() {
    return sigma;
  }

  /**
   * A decryptor of the same key, s and tau for ciphertexts whose noise is bounded by {@code
   * 2^noiseBoundBits}, whose count starts where this one's is now (the two do not share it).
   */
  public FloodingDecryptor forNoise(double noiseBoundBits) {
    return new FloodingDecryptor(ctx, exact, policy.withNoiseBound(noiseBoundBits), used.get());
  }

  private FloodingDecryptor(HeContext ctx, Decryptor exact, FloodingPolicy policy, long used) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.exact = exact;
    this.policy = policy;
    this.sigma = Math.pow(2, policy.log2Sigma());
    this.used = new AtomicLong(used);
  }

  /**
   * Bits of precision left in each decoded slot after flooding, for values encoded at {@code
   * scale}: {@link FloodingPolicy#precisionBits}.
   */
  public double expectedPrecisionBits(double scale) {
    return policy.precisionBits(scale, params.logN());
  }

  /**
   * Shared decryptions counted so far: {@code alreadyUsed} plus this instance's charged calls. In
   * memory only; the caller stores it if it must outlive the instance.
   */
  public long used() {
    return used.get();
  }

  public long remaining() {
    return Math.max(0, policy.maxDecryptions() - used.get());
  }

  /** {@link #decrypt(Ciphertext, double)} with a floor of 1 bit. */
  public Plaintext decrypt(Ciphertext ct) {
    return decrypt(ct, 1);
  }

  /**
   * Decrypts and floods, refusing before anything is decrypted or counted when the flooding would
   * leave fewer than {@code minPrecisionBits} bits at the ciphertext's scale.
   *
   * @throws DecryptionBudgetExhaustedException when the budget is spent (nothing is decrypted)
   * @throws InsufficientPrecisionException when the precision left would be below the floor
   * @throws IllegalArgumentException when the flooding noise would not fit the modulus at the
   *     ciphertext's level (decrypt at a higher level or with fewer bits of noise)
   */
  public Plaintext decrypt(Ciphertext ct, double minPrecisionBits) {
    checkFits(ct, minPrecisionBits);
    long before;
    do {
      before = used.get();
      if (before >= policy.maxDecryptions()) {
        throw new DecryptionBudgetExhaustedException(
            "the key has made its " + policy.maxDecryptions()
                + " shared decryptions; no more are allowed under this flooding policy");
      }
    } while (!used.compareAndSet(before, before + 1));
    Plaintext pt = exact.decrypt(ct);
    addFlooding(pt);
    return pt;
  }

  /**
   * The checks of {@link #decrypt(Ciphertext, double)} without decrypting or counting: whether
   * the flooding fits the modulus at the ciphertext's level and leaves the floor.
   *
   * @throws InsufficientPrecisionException when the precision left would be below the floor
   * @throws IllegalArgumentException when the noise does not fit the modulus
   */
  public void checkFits(Ciphertext ct, double minPrecisionBits) {
    params.requireSame(ct.parameters(), "flooded decrypt");
    double logQ = 0;
    for (int i = 0; i <= ct.level(); i++) {
      logQ += Math.log(params.q(i)) / Math.log(2);
    }
    // the noise, 8 sigma with overwhelming probability, must leave room for the message
    if (Math.log(8 * sigma) / Math.log(2) + 1 > logQ - 1) {
      throw new IllegalArgumentException(String.format(
          "flooded decrypt: flooding noise 2^%.1f does not fit the modulus 2^%.1f at level %d;"
              + " decrypt at a higher level, lower the noise bound or the decryption budget",
          Math.log(sigma) / Math.log(2), logQ, ct.level()));
    }
    double bits = expectedPrecisionBits(ct.scale());
    if (bits < minPrecisionBits) {
      throw new InsufficientPrecisionException(String.format(Locale.ROOT,
          "flooded decrypt: flooding noise sigma = 2^%.1f (s = %d bits, noise bound 2^%.1f,"
              + " %d shared decryptions) leaves %.1f bits of precision at scale 2^%.1f, below"
              + " the %.1f required; compute the shared values at a larger scale or declare"
              + " fewer shared decryptions", Math.log(sigma) / Math.log(2),
          policy.securityBits(), policy.noiseBoundBits(), policy.maxDecryptions(), bits,
          Math.log(ct.scale()) / Math.log(2), minPrecisionBits), bits, minPrecisionBits);
    }
  }

  private void addFlooding(Plaintext pt) {
    int[] q = ctx.qIndices(pt.level());
    long[][] e = Sampler.floodingNtt(ctx.ring(), sigma, random, q);
    ctx.ring().add(pt.poly(), e, pt.poly(), q);
  }

}
