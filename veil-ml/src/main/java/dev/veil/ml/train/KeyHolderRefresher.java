package dev.veil.ml.train;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import dev.veil.he.ckks.Encoder;
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
 * The flooding noise has standard deviation {@code sigma = 2^(s/2) B sqrt(D N)} per coefficient
 * ({@link FloodingPolicy}); in a slot it is about {@code sigma sqrt(N)}, so a value at scale S
 * keeps {@code log2 S - log2 sigma - log2(N)/2} bits ({@link #expectedPrecisionBits}). At s = 40,
 * N = 2^12 and D = 16 decryptions that is {@code log2 S - 28 - log2 B - 6} bits: at S = 2^40 about
 * {@code 6 - log2 B} bits, i.e. the weights after a refresh are only good to a few
 * hundredths unless the values are carried at a larger scale (with modulus to spare at the refresh
 * level) or the declared noise bound B is small. An honest B bounds the whole deviation of the
 * decryption from the exact values (the computation's approximation error times the scale), so
 * flooding costs about {@code s/2 + (log2 D + 2 log2 N)/2} bits on top of the computation's own
 * error: plan refreshes with scales of 2^50 or more for production use. The constructor refuses
 * (through {@link FloodingDecryptor}) policies whose noise does not fit at all.
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

  /** A 40-bit-security policy for {@code refreshes} refreshes of two ciphertexts each. */
  public static FloodingPolicy policy(double noiseBoundBits, int refreshes) {
    return FloodingPolicy.of(noiseBoundBits, Math.max(1, 2L * refreshes));
  }

  /** Bits of precision a value at {@code scale} keeps through a refresh. */
  public double expectedPrecisionBits(double scale) {
    return decryptor.expectedPrecisionBits(scale);
  }

  public FloodingPolicy policy() {
    return decryptor.policy();
  }

  @Override
  public Ciphertext[] refresh(Ciphertext[] cts) {
    Ciphertext[] out = new Ciphertext[cts.length];
    for (int i = 0; i < cts.length; i++) {
      double[] slots = encoder.decode(decryptor.decrypt(cts[i]));
      out[i] = encryptor.encrypt(
          encoder.encode(slots, params.maxLevel(), params.defaultScale()));
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
