package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.FloodingDecryptor;
import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.he.rlwe.SecretKeyAccess;

/**
 * The Li-Micciancio key recovery ({@link KeyRecoveryAttack}) against {@link FloodingDecryptor}:
 * from the published complex slots of one decryption, and from the published real parts of two,
 * it recovers every coefficient of the secret key when the decryption is exact, and (about) none
 * when it is flooded with the traced noise bound. N = 2^12, level 0, scale 2^40.
 */
class KeyRecoveryAttackTest {
  static HeContext ctx;
  static Encoder encoder;
  static SecretKey sk;
  static byte[] key;
  static Ciphertext a;
  static Ciphertext b;
  static FloodingDecryptor flooding;

  @BeforeAll
  static void setUp() {
    Parameters params = Parameters.builder().logN(12).logQ(60, 40).logP(61)
        .logDefaultScale(40).securityOff().build();
    ctx = new HeContext(params);
    KeyGenerator kg = new KeyGenerator(ctx);
    sk = kg.secretKey();
    key = sk.coefficients(SecretKeyAccess.INSECURE);
    encoder = new Encoder(ctx);
    Encryptor enc = Encryptor.withPublicKey(ctx, kg.publicKey(sk));
    SplittableRandom r = new SplittableRandom(5);
    a = enc.encrypt(values(r, 0x1p40));
    b = enc.encrypt(values(r, 0x1p40));
    NoiseEstimator est = new NoiseEstimator(params);
    double bound = est.log2Bound(est.freshPublicKey(0, 0x1p40, 1.5));
    flooding = new FloodingDecryptor(ctx, sk, FloodingPolicy.of(bound, 8));
  }

  @AfterAll
  static void tearDown() {
    ctx.close();
  }

  private static Plaintext values(SplittableRandom r, double scale) {
    int slots = ctx.parameters().slots();
    double[] re = new double[slots];
    double[] im = new double[slots];
    for (int j = 0; j < slots; j++) {
      re[j] = r.nextDouble(-1, 1);
      im[j] = r.nextDouble(-1, 1);
    }
    return encoder.encode(re, im, 0, scale);
  }

  private static double[][] published(Plaintext pt) {
    int slots = ctx.parameters().slots();
    double[] re = new double[slots];
    double[] im = new double[slots];
    encoder.decode(pt, re, im);
    return new double[][] {re, im};
  }

  @Test
  void oneExactDecryptionGivesTheKeyAFloodedOneNothing() {
    Decryptor exact = new Decryptor(ctx, sk);
    double[][] e = published(exact.decrypt(a));
    assertThat(KeyRecoveryAttack.agreement(
        KeyRecoveryAttack.fromSlots(ctx, encoder, a, e[0], e[1]), key)).isEqualTo(key.length);
    double[][] f = published(flooding.decrypt(a));
    assertThat(KeyRecoveryAttack.agreement(
        KeyRecoveryAttack.fromSlots(ctx, encoder, a, f[0], f[1]), key))
        .isLessThan(key.length / 100);
  }

  @Test
  void twoExactDecryptionsOfRealPartsGiveTheKeyFloodedOnesNothing() {
    Decryptor exact = new Decryptor(ctx, sk);
    assertThat(KeyRecoveryAttack.agreement(KeyRecoveryAttack.fromRealParts(ctx, encoder,
        a, published(exact.decrypt(a))[0], b, published(exact.decrypt(b))[0]), key))
        .isEqualTo(key.length);
    assertThat(KeyRecoveryAttack.agreement(KeyRecoveryAttack.fromRealParts(ctx, encoder,
        a, published(flooding.decrypt(a))[0], b, published(flooding.decrypt(b))[0]), key))
        .isLessThan(key.length / 100);
  }
}
