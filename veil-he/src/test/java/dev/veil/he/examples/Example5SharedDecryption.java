package dev.veil.he.examples;

import java.util.Locale;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.KeyRecoveryAttack;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.ckks.PrecisionStats;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.DecryptionBudgetExhaustedException;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.FloodingDecryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InsufficientPrecisionException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

/**
 * Example 5: decrypting results that leave the key holder, with {@link FloodingDecryptor}.
 *
 * <h2>Why an exact decryption must not be published</h2>
 *
 * A CKKS decryption is {@code c0 + c1 s = D m + e}: the message at scale D plus the noise e, and
 * decoding divides by D but does not remove e: the decrypted values are the true ones plus a
 * small error that depends on the secret key. Whoever sees a ciphertext and the values it
 * decrypted to can re-encode the values, get {@code c0 + c1 s} exactly, and solve for {@code
 * s}. Li and Micciancio (EUROCRYPT 2021) showed this passive attack, and with it that CKKS is not
 * secure once decryptions are shared (it is not IND-CPA<sup>D</sup>). This example runs the
 * attack: one published exact decryption gives away the whole secret key.
 *
 * <p>That matters whenever a decrypted result leaves the key holder: a trained model published
 * to a buyer, a split-inference intermediate, a federated aggregate, a contribution score.
 * Decryptions that stay with the key holder are safe with the plain {@link Decryptor}.
 *
 * <h2>Flooding, and what it costs</h2>
 *
 * {@link FloodingDecryptor} adds fresh Gaussian noise, much larger than e, before the result is
 * decoded, so that the published values are statistically almost independent of the secret. The
 * {@link FloodingPolicy} sizes it: {@code sigma = sqrt(12 tau) * 2^(s/2) * B} (OpenFHE's rule of
 * thumb) for a statistical security of s bits (at least 30), a bound B on every coefficient of e
 * that {@link NoiseEstimator} traces through the computation, and a budget of tau shared
 * decryptions for the key's whole life. The price is precision: about {@code log2(sigma) +
 * log2(N)/2} bits are lost below the scale, so a result to be shared needs a large scale: here
 * 2^80, on two 60-bit primes. At the usual 2^40 only a few bits are left, and a decryption that
 * would leave fewer than the caller's floor is refused.
 *
 * <h2>The budget</h2>
 *
 * The guarantee holds for at most tau decryptions under the key, so the decryptor counts them
 * and refuses the one after the last ({@link DecryptionBudgetExhaustedException}). Its count is
 * in memory; {@code dev.veil.he.io.DecryptionBudget} is the count persisted beside the secret key
 * that {@code veil decrypt --for-sharing} charges.
 */
public final class Example5SharedDecryption {
  private Example5SharedDecryption() {}

  public static void main(String[] args) {
    System.out.println("== Example 5: shared decryption with flooding ==");
    // 128-bit secure at N = 2^13 (log2 QP = 181 <= 218); the scale 2^80 spans both data primes.
    Parameters params =
        Parameters.builder().logN(13).logQ(60, 60).logP(61).logDefaultScale(80).build();
    System.out.println(params);
    int slots = params.slots();
    try (HeContext ctx = new HeContext(params)) {
      KeyGenerator keygen = new KeyGenerator(ctx);
      SecretKey sk = keygen.secretKey();
      Encoder encoder = new Encoder(ctx);
      Encryptor encryptor = Encryptor.withPublicKey(ctx, keygen.publicKey(sk));
      Evaluator evaluator = new Evaluator(ctx);
      Decryptor exact = new Decryptor(ctx, sk);

      // ------------------------------------------------------------- the attack
      // A ciphertext at level 0 and scale 2^40; the key holder decrypts it exactly and publishes
      // the complex slot values. (Publishing only the real parts halves what one decryption
      // leaks; more decryptions make up for it.)
      double[] re = new double[slots];
      double[] im = new double[slots];
      for (int j = 0; j < slots; j++) {
        re[j] = Math.sin(j * 0.01);
        im[j] = Math.cos(j * 0.02) / 2;
      }
      Ciphertext small = encryptor.encrypt(encoder.encode(re, im, 0, Math.pow(2, 40)));
      double[] pubRe = new double[slots];
      double[] pubIm = new double[slots];
      encoder.decode(exact.decrypt(small), pubRe, pubIm);
      PrecisionStats exactSmall = PrecisionStats.of(re, im, pubRe, pubIm);
      System.out.println(String.format(Locale.ROOT,
          "exact decryption published (scale 2^40): %.1f bits of precision", exactSmall.meanBits()));
      byte[] trueKey = sk.coefficients(SecretKeyAccess.INSECURE); // only to check the attack
      int recovered = KeyRecoveryAttack.agreement(
          KeyRecoveryAttack.fromSlots(ctx, encoder, small, pubRe, pubIm), trueKey);
      System.out.println("attack on the exact decryption: " + recovered + " of " + params.n()
          + " secret-key coefficients recovered");

      // The same ciphertext through the flooding decryptor, its noise bound traced (a fresh
      // public-key encryption at level 0): the attack on what it publishes finds nothing.
      NoiseEstimator est = new NoiseEstimator(params);
      double freshBound = est.log2Bound(est.freshPublicKey(0, 0x1p40, 1.2));
      FloodingDecryptor flooding40 = new FloodingDecryptor(ctx, sk, FloodingPolicy.of(freshBound,
          16));
      double[] floodRe = new double[slots];
      double[] floodIm = new double[slots];
      encoder.decode(flooding40.decrypt(small), floodRe, floodIm);
      int recoveredFlooded = KeyRecoveryAttack.agreement(
          KeyRecoveryAttack.fromSlots(ctx, encoder, small, floodRe, floodIm), trueKey);
      System.out.println(String.format(Locale.ROOT, "attack on the flooded decryption (noise"
          + " bound 2^%.1f, sigma 2^%.1f, %.1f bits left at scale 2^40): %d of %d coefficients",
          freshBound, log2(flooding40.sigma()), flooding40.expectedPrecisionBits(0x1p40),
          recoveredFlooded, params.n()));
      try {
        flooding40.decrypt(small, 20);
        System.out.println("flooded decryption with a 20-bit floor: published (unexpected)");
      } catch (InsufficientPrecisionException e) {
        System.out.println("flooded decryption with a 20-bit floor refused: " + e.getMessage());
      }

      // ------------------------------------------------------------- the policy
      // Eight participants encrypt their vectors (values in [-1, 1]) with the public key; the
      // aggregator adds the ciphertexts; the sum is decrypted and published. The noise bound of
      // the sum is traced: eight independent fresh encryptions added.
      double scale = params.defaultScale();
      NoiseEstimator.Noise one = est.freshPublicKey(1, scale, 1);
      NoiseEstimator.Noise sum = one;
      for (int k = 1; k < 8; k++) {
        sum = est.addIndependent(sum, one);
      }
      FloodingPolicy policy = FloodingPolicy.of(est.log2Bound(sum), 16);
      FloodingDecryptor flooding = new FloodingDecryptor(ctx, sk, policy);
      System.out.println(String.format(Locale.ROOT,
          "policy: %d-bit statistical security, traced noise bound 2^%.1f, budget %d decryptions"
              + " -> flooding sigma 2^%.1f",
          policy.securityBits(), policy.noiseBoundBits(), policy.maxDecryptions(),
          log2(flooding.sigma())));
      for (long d : new long[] {1, 16, 1024, 1L << 20}) {
        System.out.println(String.format(Locale.ROOT, "  a budget of %7d decryptions: sigma 2^%.1f",
            d, FloodingPolicy.of(policy.noiseBoundBits(), d).log2Sigma()));
      }

      // ------------------------------------------------------------- the shared result
      int participants = 8;
      double[] total = new double[slots];
      Ciphertext aggregate = null;
      for (int k = 0; k < participants; k++) {
        double[] v = new double[slots];
        for (int j = 0; j < slots; j++) {
          v[j] = Math.sin(0.001 * j * (k + 1) + k);
          total[j] += v[j];
        }
        Ciphertext ct = encryptor.encrypt(encoder.encode(v)); // scale 2^80, level 1
        aggregate = aggregate == null ? ct : evaluator.addNew(aggregate, ct);
      }
      double[] exactSum = encoder.decode(exact.decrypt(aggregate));
      double[] sharedSum = encoder.decode(flooding.decrypt(aggregate));
      PrecisionStats pe = PrecisionStats.of(total, exactSum);
      PrecisionStats pf = PrecisionStats.of(total, sharedSum);
      System.out.println(String.format(Locale.ROOT,
          "sum of %d encrypted vectors at scale 2^%.0f:", participants, log2(aggregate.scale())));
      System.out.println(String.format(Locale.ROOT,
          "  exact decryption (stays with the key holder) %5.1f bits (worst slot %5.1f)",
          pe.meanBits(), pe.minBits()));
      System.out.println(String.format(Locale.ROOT,
          "  flooded decryption (may be published)        %5.1f bits (worst slot %5.1f)",
          pf.meanBits(), pf.minBits()));
      System.out.println(String.format(Locale.ROOT,
          "  expected about log2(scale) - log2(sigma) - log2(N)/2 = %.1f bits",
          log2(aggregate.scale()) - log2(flooding.sigma()) - params.logN() / 2.0));
      System.out.println(String.format(Locale.ROOT,
          "  slot 0: true %.9f, published %.9f", total[0], sharedSum[0]));
      System.out.println("budget: " + flooding.used() + " used, " + flooding.remaining()
          + " remaining");

      // ------------------------------------------------------------- the budget runs out
      FloodingPolicy tight = new FloodingPolicy(policy.securityBits(), policy.noiseBoundBits(), 2);
      FloodingDecryptor limited = new FloodingDecryptor(ctx, sk, tight);
      limited.decrypt(aggregate);
      limited.decrypt(aggregate);
      try {
        limited.decrypt(aggregate);
        System.out.println("a third decryption on a budget of 2 (this must not happen)");
      } catch (DecryptionBudgetExhaustedException e) {
        System.out.println("third decryption: DecryptionBudgetExhaustedException: "
            + e.getMessage());
      }
      // After a restart, the count comes back from storage: the budget is per key, not per object.
      FloodingDecryptor restarted = new FloodingDecryptor(ctx, sk, tight, limited.used());
      System.out.println("after a restart with used = " + limited.used() + ": "
          + restarted.remaining() + " remaining");
    }
  }

  private static double log2(double v) {
    return Math.log(v) / Math.log(2);
  }
}
