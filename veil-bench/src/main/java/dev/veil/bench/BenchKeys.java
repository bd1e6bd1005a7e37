package dev.veil.bench;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.veil.he.ckks.Encoder;
import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * A benchmark's key holder for one parameter set: secret, public and relinearisation keys, the Galois
 * keys of exactly the given rotations, and the encoder, encryptor, decryptor and evaluator built on
 * them. Secrets from {@link SecureRandom}.
 */
final class BenchKeys implements AutoCloseable {
  final Parameters params;
  final int[] rotations;
  final boolean compact;
  final HeContext ctx;
  final SecretKey sk;
  final PublicKey pk;
  final Encoder encoder;
  final Encryptor encryptor;
  final Decryptor decryptor;
  final Evaluator evaluator;

  BenchKeys(Parameters params, int[] rotations, int threads) {
    this(params, rotations, threads, false);
  }

  /**
   * @param compact whether the relinearisation and Galois keys are held {@linkplain
   *     SwitchingKey#compact() compact} (each compacted as soon as it is generated, so that at
   *     most one expanded key is alive at a time)
   */
  BenchKeys(Parameters params, int[] rotations, int threads, boolean compact) {
    this.params = params;
    this.rotations = rotations.clone();
    this.compact = compact;
    this.ctx = new HeContext(params, threads);
    KeyGenerator kg = new KeyGenerator(ctx, new SecureRandom());
    this.sk = kg.secretKey();
    this.pk = kg.publicKey(sk);
    this.encoder = new Encoder(ctx);
    this.encryptor = Encryptor.withPublicKey(ctx, pk);
    this.decryptor = new Decryptor(ctx, sk);
    List<SwitchingKey> galois = new ArrayList<>();
    for (long e : Evaluator.galoisElements(params, rotations)) {
      SwitchingKey k = kg.galoisKey(sk, e);
      galois.add(compact ? k.compact() : k);
    }
    SwitchingKey relin = kg.relinearizationKey(sk);
    this.evaluator = new Evaluator(ctx,
        new EvaluationKeys(params, compact ? relin.compact() : relin, galois));
  }

  /** Whether these keys serve another run: same parameters and rotations. */
  boolean fits(Parameters other, int[] otherRotations) {
    return other.equals(params) && Arrays.equals(otherRotations, rotations);
  }

  /** {@link #fits(Parameters, int[])} with the keys in the given form. */
  boolean fits(Parameters other, int[] otherRotations, boolean otherCompact) {
    return fits(other, otherRotations) && otherCompact == compact;
  }

  @Override
  public void close() {
    ctx.close();
  }
}
