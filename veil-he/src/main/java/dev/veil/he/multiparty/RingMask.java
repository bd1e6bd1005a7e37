package dev.veil.he.multiparty;

import java.util.Objects;

import dev.veil.he.ring.Prng;
import dev.veil.he.ring.RingContext;
import dev.veil.he.ring.Sampler;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.HeContext;

/**
 * A one-time pad over the ring: a polynomial {@code r} uniform in {@code R_Q} at a ciphertext's
 * level, expanded from a 32-byte seed, added to {@code c0} and later subtracted exactly. {@code
 * (c0 + r, c1)} decrypts, under any key, to {@code m + e + r}: uniform, independent of the
 * message, so whoever holds the key and sees the masked ciphertext learns nothing of {@code m}
 * (perfectly, not statistically: r is uniform modulo every prime). Key switching is linear in
 * {@code c0}, so the mask survives a {@link PublicKeySwitch} unchanged and its removal leaves the
 * switched encryption of {@code m} with no loss of precision.
 *
 * <p>What a server uses it for: masking a trained model before the data owner re-encrypts it
 * for the builder. The seed is the server's secret; a fresh one per ciphertext (or a distinct
 * {@code stream} per ciphertext of one seed), never reused.
 */
public final class RingMask {
  private RingMask() {}

  /** Adds the mask of {@code (seed, stream)} to {@code ct}'s {@code c0}, in place. */
  public static void add(HeContext ctx, Ciphertext ct, byte[] seed, long stream) {
    apply(ctx, ct, seed, stream, true);
  }

  /** Subtracts the mask of {@code (seed, stream)} from {@code ct}'s {@code c0}, in place. */
  public static void subtract(HeContext ctx, Ciphertext ct, byte[] seed, long stream) {
    apply(ctx, ct, seed, stream, false);
  }

  private static void apply(HeContext ctx, Ciphertext ct, byte[] seed, long stream,
      boolean add) {
    Objects.requireNonNull(ct, "ct");
    ctx.parameters().requireSame(ct.parameters(), "ring mask");
    if (seed == null || seed.length != 32) {
      throw new IllegalArgumentException("a mask seed has 32 bytes");
    }
    int[] q = ctx.qIndices(ct.level());
    RingContext ring = ctx.ring();
    long[][] r = ring.newPoly(q.length);
    Sampler.uniform(new Prng(seed, stream), r, ring, q);
    long[][] c0 = ct.poly(0);
    for (int i = 0; i < q.length; i++) {
      long m = ring.modulus(q[i]).q;
      if (add) {
        RingContext.add(c0[i], r[i], c0[i], m);
      } else {
        RingContext.sub(c0[i], r[i], c0[i], m);
      }
    }
  }
}
