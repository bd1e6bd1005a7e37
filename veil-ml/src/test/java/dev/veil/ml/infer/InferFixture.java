package dev.veil.ml.infer;

import java.security.SecureRandom;
import java.util.Random;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;

/**
 * Keys and helpers for the inference tests, built once per JVM (key generation dominates), two
 * threads (the suite runs on two shared cores).
 */
final class InferFixture {
  /**
   * N = 2^12, a 60-bit first prime, seven 55-bit primes at scale 2^55, a 61-bit special prime:
   * 506 bits, far above the 128-bit bound at N = 2^12 (109 bits), hence {@code securityOff()}.
   * Test-only: seven levels (masked scores 2, a degree-7 sigmoid on [-8, 8] 4, the sanitiser's
   * mask 1) at a scale large enough that flooding with s = 40 leaves measurable precision, while
   * keeping the suite fast.
   */
  static final Parameters N12_PARAMS = Parameters.builder().logN(12)
      .logQ(60, 55, 55, 55, 55, 55, 55, 55).logP(61).securityOff().build();

  /** Rotations of an 18-feature layout (block 32): left 1, 2, 4, 8, 16. */
  static final int[] ROTATIONS = {1, 2, 4, 8, 16};

  private static InferFixture n12;

  static synchronized InferFixture n12() {
    if (n12 == null) {
      n12 = new InferFixture(N12_PARAMS, ROTATIONS);
    }
    return n12;
  }

  final Parameters params;
  final HeContext ctx;
  final SecretKey sk;
  final PublicKey pk;
  final Encoder encoder;
  final Encryptor pkEncryptor;
  final Decryptor decryptor;
  /** Relinearisation key and the rotation keys. */
  final Evaluator evaluator;
  /** The rotation keys only. */
  final Evaluator rotationsOnly;

  InferFixture(Parameters params, int[] rotations) {
    this.params = params;
    this.ctx = new HeContext(params, 2);
    KeyGenerator keygen = new KeyGenerator(ctx, new SecureRandom());
    this.sk = keygen.secretKey();
    this.pk = keygen.publicKey(sk);
    this.encoder = new Encoder(ctx);
    this.pkEncryptor = Encryptor.withPublicKey(ctx, pk);
    this.decryptor = new Decryptor(ctx, sk);
    var galois = keygen.galoisKeys(sk, Evaluator.galoisElements(params, rotations));
    this.evaluator = new Evaluator(ctx,
        new EvaluationKeys(params, keygen.relinearizationKey(sk), galois));
    this.rotationsOnly = new Evaluator(ctx, new EvaluationKeys(params, null, galois));
  }

  /** Deterministic rows in [-1, 1]. */
  static double[][] table(int rows, int cols, long seed) {
    Random r = new Random(seed);
    double[][] t = new double[rows][cols];
    for (double[] row : t) {
      for (int j = 0; j < cols; j++) {
        row[j] = 2 * r.nextDouble() - 1;
      }
    }
    return t;
  }

  /** Deterministic weights (intercept first) in [-amp, amp]. */
  static double[] weights(int features, double amp, long seed) {
    Random r = new Random(seed);
    double[] w = new double[features + 1];
    for (int j = 0; j < w.length; j++) {
      w[j] = amp * (2 * r.nextDouble() - 1);
    }
    return w;
  }

  /**
   * The centred integer coefficients of a level-0 plaintext (single prime: inverse NTT and
   * centring give the coefficients exactly).
   */
  long[] coefficients(Plaintext pt) {
    if (pt.level() != 0) {
      throw new IllegalArgumentException("level-0 plaintexts only");
    }
    long q = params.q(0);
    long[] c = pt.poly()[0].clone();
    ctx.ring().ntt(0).inverse(c);
    for (int j = 0; j < c.length; j++) {
      if (c[j] > q / 2) {
        c[j] -= q;
      }
    }
    return c;
  }

  /** Coefficients of {@code a - b}, two level-0 plaintexts. */
  long[] difference(Plaintext a, Plaintext b) {
    long q = params.q(0);
    long[] ca = coefficients(a);
    long[] cb = coefficients(b);
    long[] d = new long[ca.length];
    for (int j = 0; j < d.length; j++) {
      long v = Math.floorMod(ca[j] - cb[j], q);
      d[j] = v > q / 2 ? v - q : v;
    }
    return d;
  }

  static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}
