package dev.veil.ml.infer;

import java.security.SecureRandom;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.ckks.ParameterSelector;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.ml.poly.SigmoidApproximation;

/**
 * Keys for the feature-major tests, at secure parameters from {@link ParameterSelector} (scale
 * 2^40, 8192 slots: N = 2^14), two threads. Built once per JVM and depth.
 */
final class FeatureMajorFixture {
  static final int SCALE_BITS = 40;
  static final int SLOTS = 8192;
  /** The degree-3 sigmoid of the tests: scores of 18 features in [-1, 1], weights 0.4, in it. */
  static final SigmoidApproximation SIGMOID = SigmoidApproximation.leastSquares(-8, 8, 3);

  private static FeatureMajorFixture scores;
  private static FeatureMajorFixture probabilities;

  /** Depth 1: scores only, no relinearisation key. */
  static synchronized FeatureMajorFixture scores() {
    if (scores == null) {
      scores = new FeatureMajorFixture(FeatureMajorInference.levelsNeeded(), false);
    }
    return scores;
  }

  /** Depth of the degree-3 probabilities, with the relinearisation key. */
  static synchronized FeatureMajorFixture probabilities() {
    if (probabilities == null) {
      probabilities = new FeatureMajorFixture(FeatureMajorInference.levelsNeeded(SIGMOID), true);
    }
    return probabilities;
  }

  final int depth;
  final Parameters params;
  final HeContext ctx;
  final Encoder encoder;
  final Evaluator evaluator;
  final FeatureMajorInference.Owner owner;
  final double keygenSeconds;

  private FeatureMajorFixture(int depth, boolean relin) {
    long t0 = System.nanoTime();
    this.depth = depth;
    this.params = ParameterSelector.select(depth, SCALE_BITS, SLOTS);
    this.ctx = new HeContext(params, 2);
    KeyGenerator keygen = new KeyGenerator(ctx, new SecureRandom());
    SecretKey sk = keygen.secretKey();
    PublicKey pk = keygen.publicKey(sk);
    this.encoder = new Encoder(ctx);
    this.evaluator = relin
        ? new Evaluator(ctx, new EvaluationKeys(params, keygen.relinearizationKey(sk),
            java.util.List.of()))
        : new Evaluator(ctx);
    this.owner = new FeatureMajorInference.Owner(encoder, Encryptor.withPublicKey(ctx, pk),
        new Decryptor(ctx, sk));
    this.keygenSeconds = (System.nanoTime() - t0) / 1e9;
  }
}
