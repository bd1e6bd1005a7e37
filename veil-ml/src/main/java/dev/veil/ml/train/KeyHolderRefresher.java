package dev.veil.ml.train;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.NoiseEstimator;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.FloodingDecryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;

/**
 * The data owner's side of a refresh: decrypts with a {@link FloodingDecryptor} (the exact
 * decryption plus Gaussian flooding noise, so that the values handed back in re-encrypted form do
 * not carry key-dependent noise the node could correlate with later decryptions) and re-encrypts
 * the decoded slots at the top level and the default scale with the public key.
 *
 * <h2>Precision cost</h2>
 *
 * The flooding noise has standard deviation {@code sigma = sqrt(12 D) 2^(s/2) B} per coefficient
 * ({@link FloodingPolicy}), with B the bound {@link TrainingNoise} traces for the segment before
 * the refresh ({@link #policy(TrainingPlan, double)}) and D the decryptions of the whole run; in a
 * slot it is about {@code sigma sqrt(N)}, so a value at scale S keeps {@code log2 S - log2 sigma -
 * log2(N)/2} bits ({@link #expectedPrecisionBits}). At s = 30, N = 2^12, D = 2 and the bound of
 * one iteration of 128 rows (about 2^17.6) that is {@code log2 S - 41} bits: nothing at the usual
 * 2^40, 14 bits at 2^55 (RefreshTest). Plan refreshes with scales of 2^50 or more. {@link #refresh} refuses (through
 * {@link FloodingDecryptor}) a decryption that would leave less than 1 bit.
 *
 * <p>Thread-safe.
 */
public final class KeyHolderRefresher implements Refresher {
  private final FloodingDecryptor decryptor;
  private final Encoder encoder;
  private final Encryptor encryptor;
  private final Parameters params;
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong ciphertexts = new AtomicLong();

  /**
   * @param policy the flooding policy; its decryption budget bounds the refreshed ciphertexts
   */
  public KeyHolderRefresher(HeContext ctx, SecretKey sk, PublicKey pk, FloodingPolicy policy) {
    Objects.requireNonNull(ctx, "ctx");
    this.params = ctx.parameters();
    this.decryptor = new FloodingDecryptor(ctx, sk, Objects.requireNonNull(policy, "policy"));
    this.encoder = new Encoder(ctx);
    this.encryptor = Encryptor.withPublicKey(ctx, pk);
  }

  /**
   * The flooding of the plan's refreshes (two ciphertexts each) at the default statistical
   * security, for a noise bound traced through the segment before a refresh ({@link
   * TrainingNoise#logisticRefresh}) with table values up to {@code inputMaxAbs}.
   *
   * @throws IllegalArgumentException if the plan schedules no refresh
   */
  public static FloodingPolicy policy(TrainingPlan plan, double inputMaxAbs) {
    NoiseEstimator est = new NoiseEstimator(plan.params());
    double bound = est.log2Bound(TrainingNoise.logisticRefresh(plan, inputMaxAbs,
        Double.POSITIVE_INFINITY));
    return FloodingPolicy.of(bound, 2L * plan.refreshes());
  }

  /** Bits of precision a value at {@code scale} keeps through a refresh. */
  public double expectedPrecisionBits(double scale) {
    return decryptor.expectedPrecisionBits(scale);
  }

  public FloodingPolicy policy() {
    return decryptor.policy();
  }

  /**
   * The values a refresh re-encrypts for {@code ct}: its flooded decryption, decoded (the real
   * parts of the slots). What leaves the key holder's decryption, counted as one of the policy's
   * shared decryptions.
   */
  public double[] floodedSlots(Ciphertext ct) {
    return encoder.decode(decryptor.decrypt(ct));
  }

  @Override
  public Ciphertext[] refresh(Ciphertext[] cts) {
    Ciphertext[] out = new Ciphertext[cts.length];
    for (int i = 0; i < cts.length; i++) {
      out[i] = encryptor.encrypt(
          encoder.encode(floodedSlots(cts[i]), params.maxLevel(), params.defaultScale()));
    }
    calls.incrementAndGet();
    ciphertexts.addAndGet(cts.length);
    return out;
  }

  /** Refresh calls served. */
  public long refreshes() {
    return calls.get();
  }

  /** Ciphertexts refreshed (each one shared decryption). */
  public long ciphertextsRefreshed() {
    return ciphertexts.get();
  }
}
