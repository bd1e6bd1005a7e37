package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SecretKey;

/**
 * The benchmark presets at their real size (N = 2^14 and 2^15, 7 and 19 levels): a computation
 * that uses every level, and rotations at the top and the bottom level, decrypt within the
 * precision the scale allows. Slow (tens of seconds), so only in the full profile: {@code mvn
 * -Pfull test}.
 */
@Tag("slow")
class PresetCorrectnessTest {

  /**
   * Error floors: with a 2^40 scale, fresh and key-switching noise cost about log2(N)/2 + 4 bits
   * of the 40 (mean), and each multiply-rescale step adds rounding noise of the same order, so a
   * mean above 40 - log2(N)/2 - 8 bits and a worst slot above 40 - log2(N)/2 - 14 bits leave
   * room for the growth over all levels while still catching any systematic error.
   */
  @ParameterizedTest(name = "{0}: multiplying through every level and rotating stay precise")
  @EnumSource(value = Presets.class, names = {"N14QP401", "N15QP881"})
  void every_level_of_the_preset_computes_correctly(Presets preset) {
    Parameters p = preset.parameters();
    double meanFloor = 40 - p.logN() / 2.0 - 8;
    double minFloor = 40 - p.logN() / 2.0 - 14;
    try (HeContext ctx = new HeContext(p, 2)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      EvaluationKeys evk = new EvaluationKeys(p, kg.relinearizationKey(sk),
          kg.galoisKeys(sk, Evaluator.galoisElements(p, 1, -3)));
      Encoder enc = new Encoder(ctx);
      Evaluator ev = new Evaluator(ctx, evk);
      Decryptor dec = new Decryptor(ctx, sk);
      SplittableRandom rnd = new SplittableRandom(p.logN());
      double[] x = new double[p.slots()];
      for (int i = 0; i < x.length; i++) {
        x[i] = rnd.nextDouble(-1, 1);
      }
      Ciphertext ct = Encryptor.withPublicKey(ctx, kg.publicKey(sk)).encrypt(enc.encode(x));
      double[] expected = x.clone();

      // rotations at the top level, one of them hoisted
      Ciphertext[] rots = ev.rotateHoisted(ct, 1, -3);
      assertPrecise(enc.decode(dec.decrypt(rots[0])), rotate(expected, 1), meanFloor, minFloor,
          "rotation by 1 at the top level");
      assertPrecise(enc.decode(dec.decrypt(rots[1])), rotate(expected, -3), meanFloor, minFloor,
          "rotation by -3 at the top level");

      // one multiplication by a fresh factor (|y| in [0.9, 1]) and a rescale per level: the
      // errors add up level by level instead of being amplified
      Encryptor sym = Encryptor.withSecretKey(ctx, sk);
      for (int level = p.maxLevel(); level > 0; level--) {
        double[] y = new double[p.slots()];
        for (int i = 0; i < y.length; i++) {
          y[i] = (rnd.nextBoolean() ? 1 : -1) * rnd.nextDouble(0.9, 1.0);
          expected[i] *= y[i];
        }
        Ciphertext cy = sym.encrypt(enc.encode(y, level, p.defaultScale()));
        Ciphertext prod = ev.mulRelinNew(ct, cy);
        ev.rescale(prod, prod);
        ct = prod;
      }
      assertThat(ct.level()).isZero();
      double slack = Math.log(p.maxLevel()) / Math.log(2); // errors of L steps add up
      assertPrecise(enc.decode(dec.decrypt(ct)), expected, meanFloor - slack, minFloor - slack,
          "after " + p.maxLevel() + " multiplications");
      Ciphertext bottom = ev.rotateNew(ct, 1);
      assertPrecise(enc.decode(dec.decrypt(bottom)), rotate(expected, 1), meanFloor - slack,
          minFloor - slack, "rotation at level 0");
    }
  }

  private static double[] rotate(double[] v, int k) {
    double[] r = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      r[i] = v[Math.floorMod(i + k, v.length)];
    }
    return r;
  }

  private static void assertPrecise(double[] got, double[] expected, double meanFloor,
      double minFloor, String what) {
    PrecisionStats s = PrecisionStats.of(expected, got);
    assertThat(s.meanBits()).as("%s: %s", what, s).isGreaterThan(meanFloor);
    assertThat(s.minBits()).as("%s: %s", what, s).isGreaterThan(minFloor);
  }

}
