package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;

/**
 * Key switching, rescaling and encryption for every size of prime the parameters accept: the
 * NTT and the key-switching inner products take different paths (signed lazy transform, lazily
 * reduced outputs, 128-bit accumulation, Harvey's transform) by prime size, and each path has
 * its own bounds. Regression: primes of 50 to 57 bits once broke rotations (an unreduced
 * transform output beyond the Barrett range of the inner product).
 */
class PrimeSizesTest {

  static Stream<Arguments> chains() {
    return Stream.of(
        Arguments.of(10, new int[] {55, 40}, new int[] {56}),
        Arguments.of(12, new int[] {55, 40}, new int[] {56}),
        Arguments.of(11, new int[] {50, 40}, new int[] {56}),
        Arguments.of(12, new int[] {54, 40}, new int[] {55}),
        Arguments.of(12, new int[] {56, 40}, new int[] {57}),
        Arguments.of(12, new int[] {57, 45}, new int[] {58}),
        Arguments.of(12, new int[] {58, 40}, new int[] {59}),
        Arguments.of(12, new int[] {60, 40}, new int[] {61}),
        Arguments.of(12, new int[] {61, 40}, new int[] {61}),
        Arguments.of(12, new int[] {50, 50, 50}, new int[] {52, 52}),
        Arguments.of(13, new int[] {40, 30, 30}, new int[] {45}),
        Arguments.of(10, new int[] {30, 20}, new int[] {33}));
  }

  /**
   * Floors: fresh noise plus one key switch costs about log2(N)/2 + 5 bits of the scale; a broken
   * path gives garbage (negative bits), so 8 bits of margin below that still separates the two.
   */
  @ParameterizedTest(name = "logN {0}, Q {1}, P {2}: rotate, relinearise and rescale stay precise")
  @MethodSource("chains")
  void every_prime_size_switches_keys_correctly(int logN, int[] logQ, int[] logP) {
    int scaleBits = Math.min(logQ[logQ.length - 1], 40);
    Parameters p = Parameters.builder().logN(logN).logQ(logQ).logP(logP)
        .logDefaultScale(scaleBits).securityOff().build();
    double floor = scaleBits - logN / 2.0 - 5 - 8;
    try (HeContext ctx = new HeContext(p, 1)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      EvaluationKeys evk = new EvaluationKeys(p, kg.relinearizationKey(sk),
          kg.galoisKeys(sk, Evaluator.galoisElements(p, 1, 5)));
      Encoder enc = new Encoder(ctx);
      Evaluator ev = new Evaluator(ctx, evk);
      Decryptor dec = new Decryptor(ctx, sk);
      SplittableRandom rnd = new SplittableRandom(logN * 31L + logQ[0]);
      double[] x = new double[p.slots()];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextDouble(-1, 1);
      }
      Ciphertext ct = Encryptor.withPublicKey(ctx, kg.publicKey(sk)).encrypt(enc.encode(x));

      double[] r1 = new double[x.length];
      double[] r5 = new double[x.length];
      double[] sq = new double[x.length];
      for (int i = 0; i < x.length; i++) {
        r1[i] = x[(i + 1) % x.length];
        r5[i] = x[(i + 5) % x.length];
        sq[i] = x[i] * x[i];
      }
      assertPrecise(enc.decode(dec.decrypt(ev.rotateNew(ct, 1))), r1, floor, "rotate by 1");
      Ciphertext[] h = ev.rotateHoisted(ct, 1, 5);
      assertPrecise(enc.decode(dec.decrypt(h[0])), r1, floor, "hoisted rotation by 1");
      assertPrecise(enc.decode(dec.decrypt(h[1])), r5, floor, "hoisted rotation by 5");
      Ciphertext prod = ev.mulRelinNew(ct, ct);
      ev.rescale(prod, prod);
      assertPrecise(enc.decode(dec.decrypt(prod)), sq, floor, "square, relinearise, rescale");
    }
  }

  private static void assertPrecise(double[] got, double[] expected, double floor, String what) {
    PrecisionStats s = PrecisionStats.of(expected, got);
    assertThat(s.meanBits()).as("%s: %s", what, s).isGreaterThan(floor);
  }
}
