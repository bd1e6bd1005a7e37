package dev.veil.he.rlwe;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import dev.veil.he.ring.Prng;
import dev.veil.he.ring.RingContext;
import dev.veil.he.ring.Sampler;

/**
 * Generates secret, public, relinearisation and Galois keys. Secrets and errors come from the
 * {@link SecureRandom} given (a new strong instance by default); the uniform {@code a} parts come
 * from a fresh 32-byte seed each, so keys can be stored and sent in seeded form.
 */
public final class KeyGenerator {
  private final HeContext ctx;
  private final Parameters params;
  private final RingContext ring;
  private final SecureRandom random;

  public KeyGenerator(HeContext ctx) {
    this(ctx, new SecureRandom());
  }

  public KeyGenerator(HeContext ctx, SecureRandom random) {
    this.ctx = ctx;
    this.params = ctx.parameters();
    this.ring = ctx.ring();
    this.random = random;
  }

  public SecretKey secretKey() {
    byte[] s =
        params.secretDistribution() == Parameters.SecretDistribution.FIXED_HAMMING_WEIGHT
            ? Sampler.hammingWeight(params.n(), params.hammingWeight(), random)
            : Sampler.ternary(params.n(), random);
    return SecretKey.fromCoefficients(ctx, s);
  }

  private void requireOwn(SecretKey sk) {
    params.requireSame(sk.parameters(), "key generation");
  }

  /** {@code (b, a) = (-a s + e, a)} with a from {@code Prng(seed, stream)}, all primes. */
  private long[][][] rlweSample(SecretKey sk, byte[] seed, long stream) {
    int[] all = ctx.qpIndices(params.maxLevel());
    long[][] a = ring.newPoly(all.length);
    Sampler.uniform(new Prng(seed, stream), a, ring, all);
    long[][] b = Sampler.gaussianNtt(ring, params.sigma(), random, all);
    long[][] as = ring.newPoly(all.length);
    ring.mul(a, sk.nttForm(), as, all);
    ring.sub(b, as, b, all);
    return new long[][][] {b, a};
  }

  public PublicKey publicKey(SecretKey sk) {
    requireOwn(sk);
    byte[] seed = Prng.freshSeed(random);
    long[][][] ba = rlweSample(sk, seed, 0);
    return new PublicKey(params, ba[0], ba[1], seed);
  }

  /** Key switching from {@code sPrime} (NTT form, all primes) to {@code sk}. */
  SwitchingKey switchingKey(SecretKey sk, long[][] sPrime, long galoisElement) {
    byte[] seed = Prng.freshSeed(random);
    int dnum = params.dnum();
    long[][][] b = new long[dnum][][];
    long[][][] a = new long[dnum][][];
    for (int j = 0; j < dnum; j++) {
      long[][][] ba = rlweSample(sk, seed, j);
      b[j] = ba[0];
      a[j] = ba[1];
      int[] digit = ctx.digitIndices(j, params.maxLevel());
      for (int i : digit) {
        // add P * s' on the digit's primes (g_j = 1 there, 0 on the other primes)
        long[] tmp = new long[params.n()];
        RingContext.mulScalar(sPrime[i], ctx.pModQ(i), tmp, ring.modulus(i));
        RingContext.add(b[j][i], tmp, b[j][i], ring.modulus(i).q);
      }
    }
    return new SwitchingKey(params, galoisElement, b, a, seed);
  }

  /** Relinearisation key: switches {@code s^2} to {@code s}. */
  public SwitchingKey relinearizationKey(SecretKey sk) {
    requireOwn(sk);
    int[] all = ctx.qpIndices(params.maxLevel());
    long[][] s2 = ring.newPoly(all.length);
    ring.mul(sk.nttForm(), sk.nttForm(), s2, all);
    return switchingKey(sk, s2, 0);
  }

  /** Galois key for {@code X -> X^g}: switches {@code s(X^g)} to {@code s}. */
  public SwitchingKey galoisKey(SecretKey sk, long galoisElement) {
    requireOwn(sk);
    int[] perm = ring.galoisPermutation(galoisElement);
    int[] all = ctx.qpIndices(params.maxLevel());
    long[][] sg = ring.newPoly(all.length);
    ring.automorphismNtt(sk.nttForm(), sg, all.length, perm);
    return switchingKey(sk, sg, galoisElement);
  }

  /** Galois keys for each element, in order. */
  public List<SwitchingKey> galoisKeys(SecretKey sk, long... galoisElements) {
    List<SwitchingKey> keys = new ArrayList<>();
    for (long g : galoisElements) {
      keys.add(galoisKey(sk, g));
    }
    return keys;
  }
}
