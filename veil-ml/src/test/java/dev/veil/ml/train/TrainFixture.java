package dev.veil.ml.train;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * Keys for one parameter set and the plan's rotations, two threads (two shared cores). Keys and
 * encryptions draw from a seeded generator so that every run sees the same noise: the error
 * bounds the tests assert are heuristic, and a random key per run made them flaky.
 */
final class TrainFixture {
  final Parameters params;
  final HeContext ctx;
  final SecretKey sk;
  final PublicKey pk;
  final Encoder encoder;
  final Encryptor encryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;

  TrainFixture(Parameters params, int[] rotations) {
    this.params = params;
    this.ctx = new HeContext(params, 2);
    SecureRandom random = seeded(params.logN());
    KeyGenerator kg = new KeyGenerator(ctx, random);
    this.sk = kg.secretKey();
    this.pk = kg.publicKey(sk);
    this.encoder = new Encoder(ctx);
    this.encryptor = Encryptor.withPublicKey(ctx, pk, random);
    this.decryptor = new Decryptor(ctx, sk);
    List<SwitchingKey> g = new ArrayList<>();
    for (long e : Evaluator.galoisElements(params, rotations)) {
      g.add(kg.galoisKey(sk, e));
    }
    this.evaluator = new Evaluator(ctx, new EvaluationKeys(params, kg.relinearizationKey(sk), g));
  }

  /** A deterministic generator for tests (never for real keys). */
  static SecureRandom seeded(long seed) {
    try {
      SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
      r.setSeed(seed);
      return r;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Synthetic, seeded binary data: x uniform in [-1, 1]^d, y = 1 when a fixed linear score plus
   * Gaussian noise is positive.
   */
  static double[][] features(int rows, int d, long seed) {
    Random r = new Random(seed);
    double[][] x = new double[rows][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = 2 * r.nextDouble() - 1;
      }
    }
    return x;
  }

  static double[] labels(double[][] x, long seed) {
    Random r = new Random(seed);
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      double s = 0.3;
      for (int j = 0; j < x[i].length; j++) {
        s += (j % 2 == 0 ? 1.5 : -1.0) * x[i][j];
      }
      y[i] = s + 0.5 * r.nextGaussian() > 0 ? 1 : 0;
    }
    return y;
  }
}
