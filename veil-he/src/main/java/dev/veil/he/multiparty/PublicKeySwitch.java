package dev.veil.he.multiparty;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Objects;

import dev.veil.he.io.DecryptionBudget;
import dev.veil.he.ring.Sampler;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InsufficientPrecisionException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;

/**
 * Public key switching, single party: the holder of the secret key {@code s} turns a ciphertext
 * {@code (c0, c1)} under {@code s} into an encryption of the same message under a target public
 * key {@code pk' = (b', a') = (-a' s' + e', a')}, without anyone decrypting it:
 *
 * <pre>  (c0 + s c1 + u b' + e0 + f,  u a' + e1)</pre>
 *
 * <p>with {@code u} a fresh ternary polynomial, {@code e0, e1} fresh Gaussians of the
 * parameters' sigma and {@code f} flooding noise of standard deviation {@code 2^}{@link
 * FloodingPolicy#log2Sigma()}: the phase {@code c0 + s c1} plus {@code f}, encrypted by the
 * engine's public-key {@link Encryptor} (which computes the fresh part over QP and divides it by
 * P, so its noise is smaller still). Decrypting under {@code s'} gives {@code m + e + f + u e' + e0 +
 * e1 s'}: the message, the ciphertext's own noise {@code e}, and fresh noise.
 *
 * <p>What it protects: the target key's holder learns the message, but {@code e} (which depends
 * on {@code s} and on every operation that produced the ciphertext) is hidden under {@code f}, so
 * the switched ciphertexts are, for up to the policy's tau of them, statistically close to
 * encryptions whose noise does not depend on {@code s}: the switch is a shared decryption in the
 * sense of Li and Micciancio, sized and counted like one. Each switch is charged one decryption
 * against the key's persisted {@link DecryptionBudget} before any work, and refused when the
 * budget is spent. The bound {@code B} on {@code e} must come from a trace of the circuit that
 * produced the ciphertext (e.g. {@code dev.veil.ml.train.TrainingNoise} for a trained model),
 * never from a constant the caller picked. What it does not protect: the message itself (the
 * target learns it, and so does whoever holds {@code s} and decrypts the input), and a bound
 * below the real noise voids the guarantee.
 *
 * <p>Randomness: {@code u}, {@code e0}, {@code e1} and {@code f} from a {@link SecureRandom} of
 * the instance. Thread-safe.
 */
public final class PublicKeySwitch {
  private final HeContext ctx;
  private final Parameters params;
  private final Decryptor decryptor;
  private final FloodingPolicy policy;
  private final DecryptionBudget budget;
  private final double sigma;
  private final SecureRandom random = new SecureRandom();

  /**
   * A switch for the key {@code sk} whose shared decryptions are counted by {@code budget}, with
   * flooding sized by {@code budget}'s s and tau for ciphertexts whose noise is below {@code
   * 2^noiseBoundBits}.
   *
   * @throws dev.veil.he.rlwe.ParameterMismatchException if the key is not of the context's
   *     parameters
   * @throws dev.veil.he.io.FormatException if the budget file is missing, damaged or another
   *     key's
   */
  public static PublicKeySwitch forKey(HeContext ctx, SecretKey sk, DecryptionBudget budget,
      double noiseBoundBits) throws IOException {
    return new PublicKeySwitch(ctx, sk, budget.policy(noiseBoundBits), budget);
  }

  /**
   * A switch with an explicit policy; {@code budget} counts the switches (one decryption each).
   */
  public PublicKeySwitch(HeContext ctx, SecretKey sk, FloodingPolicy policy,
      DecryptionBudget budget) {
    this.ctx = Objects.requireNonNull(ctx, "ctx");
    this.params = ctx.parameters();
    this.decryptor = new Decryptor(ctx, Objects.requireNonNull(sk, "sk"));
    this.policy = Objects.requireNonNull(policy, "policy");
    this.budget = Objects.requireNonNull(budget, "budget");
    this.sigma = Math.pow(2, policy.log2Sigma());
  }

  public FloodingPolicy policy() {
    return policy;
  }

  /** Standard deviation of the flooding noise added to each coefficient. */
  public double sigma() {
    return sigma;
  }

  /**
   * Bits of precision left in each decoded slot of a switched ciphertext at {@code scale}, as
   * for a flooded decryption ({@link FloodingPolicy#precisionBits}).
   */
  public double expectedPrecisionBits(double scale) {
    return policy.precisionBits(scale, params.logN());
  }

  /**
   * The checks of {@link #switchTo} without charging or computing anything.
   *
   * @throws dev.veil.he.rlwe.ParameterMismatchException if the ciphertext or the target key is
   *     of other parameters than the switch's
   * @throws IllegalArgumentException for a ciphertext of degree 2, or when the flooding noise
   *     would not fit the modulus at the ciphertext's level
   * @throws InsufficientPrecisionException when the precision left would be below the floor
   */
  public void checkFits(Ciphertext ct, PublicKey target, double minPrecisionBits) {
    Objects.requireNonNull(ct, "ct");
    Objects.requireNonNull(target, "target");
    params.requireSame(ct.parameters(), "public key switch (ciphertext)");
    params.requireSame(target.parameters(), "public key switch (target public key)");
    if (ct.degree() != 1) {
      throw new IllegalArgumentException("public key switch: relinearise the ciphertext first"
          + " (degree " + ct.degree() + ")");
    }
    double logQ = 0;
    for (int i = 0; i <= ct.level(); i++) {
      logQ += Math.log(params.q(i)) / Math.log(2);
    }
    double log2Sigma = policy.log2Sigma();
    if (log2Sigma + 4 > logQ - 1) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "public key switch: flooding noise 2^%.1f does not fit the modulus 2^%.1f at level %d;"
              + " switch at a higher level, lower the noise bound or the decryption budget",
          log2Sigma, logQ, ct.level()));
    }
    double bits = expectedPrecisionBits(ct.scale());
    if (bits < minPrecisionBits) {
      throw new InsufficientPrecisionException(String.format(Locale.ROOT,
          "public key switch: flooding noise sigma = 2^%.1f (s = %d bits, noise bound 2^%.1f,"
              + " %d shared decryptions) leaves %.1f bits of precision at scale 2^%.1f, below"
              + " the %.1f required", log2Sigma, policy.securityBits(),
          policy.noiseBoundBits(), policy.maxDecryptions(), bits,
          Math.log(ct.scale()) / Math.log(2), minPrecisionBits), bits, minPrecisionBits);
    }
  }

  /**
   * Switches {@code ct} to {@code target}: checks ({@link #checkFits}), charges one decryption
   * to the budget (written before anything is computed; a switch that then fails stays counted),
   * and returns the new ciphertext at {@code ct}'s level and scale. {@code ct} is not modified.
   *
   * @throws DecryptionBudgetExhaustedException when the key's budget is spent (nothing computed)
   * @throws IOException when the budget cannot be read or written
   */
  public Ciphertext switchTo(Ciphertext ct, PublicKey target, double minPrecisionBits)
      throws IOException {
    checkFits(ct, target, minPrecisionBits);
    budget.charge(1);
    int[] q = ctx.qIndices(ct.level());
    // the phase c0 + s c1 (NTT form over q) plus the flooding, encrypted under the target key:
    // (phase + f + u b' + e0, u a' + e1), the public-key encryption the engine already has
    Plaintext phase = decryptor.decrypt(ct);
    ctx.ring().add(phase.poly(), Sampler.floodingNtt(ctx.ring(), sigma, random, q),
        phase.poly(), q);
    return Encryptor.withPublicKey(ctx, target, random).encrypt(phase);
  }
}
