package dev.veil.he.rlwe;

import dev.veil.he.ring.RingContext;

/**
 * Decrypts ciphertexts with the secret key: {@code m = c0 + c1 s (+ c2 s^2)}. The result is exact
 * (it still carries the ciphertext's noise); for results that leave the key holder use
 * {@code {@link FloodingDecryptor}}, which adds flooding noise.
 */
public final class Decryptor {
  private final HeContext ctx;
  private final Parameters params;
  private final RingContext ring;
  private final SecretKey sk;

  public Decryptor(HeContext ctx, SecretKey sk) {
    ctx.parameters().requireSame(sk.parameters(), "decryptor");
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.ring = ctx.ring();
    this.sk = sk;
  }

  public Plaintext decrypt(Ciphertext ct) {
    Plaintext pt = new Plaintext(params, ct.level(), ct.scale());
    decrypt(ct, pt);
    return pt;
  }

  public void decrypt(Ciphertext ct, Plaintext out) {
    params.requireSame(ct.parameters(), "decrypt");
    int level = ct.level();
    out.reset(level, ct.scale());
    long[][] s = sk.nttForm();
    long[][] m = out.poly();
    int degree = ct.degree();
    ring.parallelFor(
        level + 1,
        i -> {
          var mod = ring.modulus(i);
          System.arraycopy(ct.poly(0)[i], 0, m[i], 0, params.n());
          if (degree == 2) {
            // Horner: ((c2 s) + c1) s + c0
            long[] t = new long[params.n()];
            RingContext.mul(ct.poly(2)[i], s[i], t, mod);
            RingContext.add(t, ct.poly(1)[i], t, mod.q);
            RingContext.mulAdd(t, s[i], m[i], mod);
          } else {
            RingContext.mulAdd(ct.poly(1)[i], s[i], m[i], mod);
          }
        });
  }

  HeContext context() {
    return ctx;
  }
}
