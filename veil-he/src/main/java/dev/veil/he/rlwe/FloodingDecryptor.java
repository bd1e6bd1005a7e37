package dev.veil.he.rlwe;

import java.security.SecureRandom;
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
 * declared bound that is too small (the caller must bound the noise of its circuit), and
 * decryptions made with other decryptors of the same key (share one instance, or persist
 * {@link #used()} across processes).
 *
 * <p>Thread-safe. The flooding noise comes from a fresh {@link SecureRandom} seed per call.
 */
public final class FloodingDecryptor {
  private final HeContext ctx;
  private final Parameters params;
  private final Decryptor exact;
  private final FloodingPolicy policy;
  private final double sigma;
  private final AtomicLong used;
  private final SecureRandom random = new SecureRandom();

  public FloodingDecryptor(HeContext ctx, SecretKey sk, FloodingPolicy policy) {
    this(ctx, sk, policy, 0);
  }

  /** @param alreadyUsed shared decryptions this key has made before (restored from storage) */
  public FloodingDecryptor(HeContext ctx, SecretKey sk, FloodingPolicy policy, long alreadyUsed) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.exact = new Decryptor(ctx, sk);
    this.policy = policy;
    this.sigma = Math.pow(2, policy.log2Sigma(params.logN()));
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
   * Bits of precision left in each decoded slot after flooding, for values encoded at {@code
   * scale}: the flooding noise of one coefficient spreads to about {@code sigma sqrt(N)} in a
   * slot, so {@code log2(scale) - log2(sigma) - log2(N)/2}.
   */
  public double expectedPrecisionBits(double scale) {
    return Math.log(scale) / Math.log(2) - Math.log(sigma) / Math.log(2) - params.logN() / 2.0;
  }

  /** Shared decryptions made so far. */
  public long used() {
    return used.get();
  }

  public long remaining() {
    return Math.max(0, policy.maxDecryptions() - used.get());
  }

  /**
   * Decrypts and floods.
   *
   * @throws DecryptionBudgetExhaustedException when the budget is spent (nothing is decrypted)
   * @throws IllegalArgumentException when the flooding noise would not fit the modulus at the
   *     ciphertext's level (decrypt at a higher level or with fewer bits of noise)
   */
  public Plaintext decrypt(Ciphertext ct) {
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
    if (expectedPrecisionBits(ct.scale()) < 1) {
      throw new IllegalArgumentException(String.format(
          "flooded decrypt: flooding noise 2^%.1f per coefficient leaves no precision at scale"
              + " 2^%.1f; encode the shared values at a larger scale",
          Math.log(sigma) / Math.log(2), Math.log(ct.scale()) / Math.log(2)));
    }
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

  private void addFlooding(Plaintext pt) {
    int[] q = ctx.qIndices(pt.level());
    long[][] e = Sampler.floodingNtt(ctx.ring(), sigma, random, q);
    ctx.ring().add(pt.poly(), e, pt.poly(), q);
  }

}
