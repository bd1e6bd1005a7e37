package dev.veil.he.rlwe;

import java.security.SecureRandom;

import dev.veil.he.ring.Prng;
import dev.veil.he.ring.RingContext;
import dev.veil.he.ring.Sampler;

/**
 * Encrypts plaintexts under a public key or a secret key.
 *
 * <p>Public key: {@code (b u + e0, a u + e1)} computed over {@code Q_l P} and divided by {@code
 * P}, which shrinks the encryption noise to the rounding error, then the message is added.
 * Secret key: {@code (-a s + e + m, a)} with {@code a} expanded from a fresh seed that the
 * ciphertext keeps, so a fresh symmetric ciphertext serialises in half the space.
 */
public final class Encryptor {
  private final HeContext ctx;
  private final Parameters params;
  private final RingContext ring;
  private final PublicKey pk;
  private final SecretKey sk;
  private final SecureRandom random;
  private final KeySwitcher switcher;

  private Encryptor(HeContext ctx, PublicKey pk, SecretKey sk, SecureRandom random) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.ring = ctx.ring();
    this.pk = pk;
    this.sk = sk;
    this.random = random;
    this.switcher = new KeySwitcher(ctx);
  }

  public static Encryptor withPublicKey(HeContext ctx, PublicKey pk) {
    return withPublicKey(ctx, pk, new SecureRandom());
  }

  /** A public-key encryptor drawing its randomness from {@code random}. */
  public static Encryptor withPublicKey(HeContext ctx, PublicKey pk, SecureRandom random) {
    ctx.parameters().requireSame(pk.parameters(), "public-key encryptor");
    return new Encryptor(ctx, pk, null, random);
  }

  public static Encryptor withSecretKey(HeContext ctx, SecretKey sk) {
    return withSecretKey(ctx, sk, new SecureRandom());
  }

  /** A secret-key encryptor drawing its randomness (and its seeds) from {@code random}. */
  public static Encryptor withSecretKey(HeContext ctx, SecretKey sk, SecureRandom random) {
    ctx.parameters().requireSame(sk.parameters(), "secret-key encryptor");
    return new Encryptor(ctx, null, sk, random);
  }

  public Ciphertext encrypt(Plaintext pt) {
    Ciphertext ct = Ciphertext.empty(params);
    encrypt(pt, ct);
    return ct;
  }

  /** Encrypts {@code pt} at its level and scale into {@code out}. */
  public void encrypt(Plaintext pt, Ciphertext out) {
    params.requireSame(pt.parameters(), "encrypt");
    params.requireSame(out.parameters(), "encrypt (output)");
    int level = pt.level();
    out.reset(1, level, pt.scale());
    int[] q = ctx.qIndices(level);
    if (pk != null) {
      encryptZeroPk(level, out.poly(0), out.poly(1));
      ring.add(out.poly(0), pt.poly(), out.poly(0), q);
    } else {
      byte[] seed = Prng.freshSeed(random);
      encryptZeroSk(level, seed, out.poly(0), out.poly(1));
      ring.add(out.poly(0), pt.poly(), out.poly(0), q);
      out.setSeed(seed);
    }
  }

  /** A fresh encryption of zero at {@code level} with the given scale. */
  public Ciphertext encryptZero(int level, double scale) {
    return encrypt(new Plaintext(params, level, scale));
  }

  private void encryptZeroPk(int level, long[][] c0, long[][] c1) {
    int[] qp = ctx.qpIndices(level);
    int rows = qp.length;
    long[][] u = ring.newPoly(rows);
    Sampler.toRns(ring, Sampler.ternary(params.n(), random), u, qp);
    ring.forwardNtt(u, qp);
    long[][] e0 = Sampler.gaussianNtt(ring, params.sigma(), random, qp);
    long[][] e1 = Sampler.gaussianNtt(ring, params.sigma(), random, qp);
    long[][] b = pk.b();
    long[][] a = pk.a();
    ring.parallelFor(
        rows,
        r -> {
          int ri = qp[r];
          RingContext.mulAdd(b[ri], u[r], e0[r], ring.modulus(ri));
          RingContext.mulAdd(a[ri], u[r], e1[r], ring.modulus(ri));
        });
    switcher.modDown(e0, level, c0);
    switcher.modDown(e1, level, c1);
  }

  private void encryptZeroSk(int level, byte[] seed, long[][] c0, long[][] c1) {
    int[] q = ctx.qIndices(level);
    Sampler.uniform(new Prng(seed, 0), c1, ring, q);
    long[][] e = Sampler.gaussianNtt(ring, params.sigma(), random, q);
    long[][] s = sk.nttForm();
    ring.parallelFor(
        q.length,
        i -> {
          long[] as = new long[params.n()];
          RingContext.mul(c1[i], s[i], as, ring.modulus(i));
          RingContext.sub(e[i], as, c0[i], ring.modulus(i).q);
        });
  }

  /**
   * Regenerates {@code c1} of a seeded fresh ciphertext: the expansion of {@code seed} over the
   * data primes up to {@code level} (used by the io readers).
   */
  public static void expandSeed(HeContext ctx, byte[] seed, int level, long[][] out) {
    Sampler.uniform(new Prng(seed, 0), out, ctx.ring(), ctx.qIndices(level));
  }
}
