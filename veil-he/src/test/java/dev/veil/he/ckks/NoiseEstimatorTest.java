package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.veil.he.ckks.NoiseEstimator.Noise;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;

/**
 * {@link NoiseEstimator}'s bound against the largest noise coefficient measured on real
 * ciphertexts, at N = 2^12 and 2^13, for each traced operation and a chain of them.
 *
 * <p>The measured noise is {@code decrypt(ct) - encode(expected)} in the coefficient domain (both
 * at the ciphertext's level and scale), centred modulo the first prime. Two assertions per case:
 * the measured maximum is below the bound (the bound is what flooding relies on), and it is at
 * most {@value #TOLERANCE_BITS} bits below (a looser bound would cost that many bits of every
 * flooded decryption). Why 4: the bound is {@code k = 8.6} standard deviations where the maximum
 * of N Gaussian coefficients is about {@code sqrt(2 ln N) = 4.1} (1.1 bits); the trace bounds each
 * operand by its largest modulus where uniform values have a smaller RMS; {@link
 * NoiseEstimator#rotateAndSum} bounds every coefficient by the coherent worst case, which only a
 * few coefficients reach (their maximum is then 2 to 3 standard deviations, one bit more slack);
 * one bit is left for the spread of one draw. Measured: 1.0 to 2.2 bits for single operations and
 * chains, 3.0 to 3.4 bits for sums of rotations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoiseEstimatorTest {
  static final double TOLERANCE_BITS = 4;

  private final List<CkksFixture> fixtures = new ArrayList<>();

  @BeforeAll
  void setUp() {
    Parameters small = CkksFixture.standardParameters();
    Parameters large = Parameters.builder().logN(13).logQ(60, 40, 40, 40).logP(60)
        .securityOff().build();
    for (Parameters p : new Parameters[] {small, large}) {
      int[] sums = Evaluator.rotateAndSumRotations(p.slots());
      int[] rotations = java.util.Arrays.copyOf(sums, sums.length + 1);
      rotations[sums.length] = -3;
      fixtures.add(CkksFixture.create(p, rotations));
    }
  }

  @AfterAll
  void tearDown() {
    fixtures.forEach(CkksFixture::close);
  }

  /** One traced case: the ciphertext, its expected values and the trace of the same steps. */
  record Case(Ciphertext ct, Slots expected, Noise traced) {}

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    String[] names = {"fresh secret-key", "fresh public-key", "add", "mulPlain + rescale",
        "mul + relinearise + rescale", "rotate", "dropToLevel", "chain x*y*z, rotate, add",
        "rotateAndSum over 64 slots", "rotateAndSum over all slots"};
    for (int logN : new int[] {12, 13}) {
      for (String name : names) {
        out.add(Arguments.of(logN, name));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "N = 2^{0}: {1}")
  @MethodSource("cases")
  void boundHoldsAndIsTight(int logN, String name) {
    CkksFixture f = fixture(logN);
    NoiseEstimator est = f.noise;
    SplittableRandom rnd = new SplittableRandom(logN * 31L + name.hashCode());
    int top = f.maxLevel();
    double s = f.scale();
    Slots x = Slots.random(rnd, f.slots(), true);
    Slots y = Slots.random(rnd, f.slots(), true);
    Slots z = Slots.random(rnd, f.slots(), true);
    Noise nx = est.freshSecretKey(top, s, 1.5);
    Noise pk = est.freshPublicKey(top, s, 1.5);
    Evaluator ev = f.evaluator;
    Function<Slots, Ciphertext> sk = f::encrypt;
    Function<Slots, Ciphertext> pub = v -> f.pkEncryptor.encrypt(f.encode(v, top, s));
    Case c = switch (name) {
      case "fresh secret-key" -> new Case(sk.apply(x), x, nx);
      case "fresh public-key" -> new Case(pub.apply(x), x, pk);
      case "add" -> new Case(ev.addNew(pub.apply(x), pub.apply(y)), x.plus(y),
          est.addIndependent(pk, pk));
      case "rotateAndSum over 64 slots" -> new Case(ev.rotateAndSumNew(sk.apply(x), 64),
          x.windowSum(64), est.rotateAndSum(nx, 64));
      case "rotateAndSum over all slots" -> new Case(ev.rotateAndSumNew(sk.apply(x), f.slots()),
          x.windowSum(f.slots()), est.rotateAndSum(nx, f.slots()));
      case "mulPlain + rescale" -> {
        Ciphertext r = ev.mulPlainNew(sk.apply(x), f.encode(y, top, s));
        ev.rescale(r, r);
        yield new Case(r, x.times(y), est.rescale(est.mulPlain(nx, 1.5, s)));
      }
      case "mul + relinearise + rescale" -> {
        Ciphertext r = ev.mulRelinNew(sk.apply(x), sk.apply(y));
        ev.rescale(r, r);
        yield new Case(r, x.times(y), est.rescale(est.mul(nx, nx.withMaxAbs(1.5))));
      }
      case "rotate" -> new Case(ev.rotateNew(sk.apply(x), -3), x.rotate(-3), est.rotate(nx));
      case "dropToLevel" -> new Case(ev.dropToLevelNew(pub.apply(x), 0), x,
          est.dropToLevel(pk, 0));
      case "chain x*y*z, rotate, add" -> {
        Ciphertext xy = ev.mulRelinNew(sk.apply(x), sk.apply(y));
        ev.rescale(xy, xy);
        Ciphertext zc = f.encrypt(z, xy.level(), xy.scale());
        Ciphertext xyz = ev.mulRelinNew(xy, zc);
        ev.rescale(xyz, xyz);
        Ciphertext r = ev.addNew(xyz, ev.rotateNew(xyz, -3));
        Noise t = est.rescale(est.mul(nx, nx.withMaxAbs(1.5)));
        Noise txyz = est.rescale(est.mul(t, est.freshSecretKey(t.level(), t.scale(), 1.5)));
        Slots e = x.times(y).times(z);
        yield new Case(r, e.plus(e.rotate(-3)), est.add(txyz, est.rotate(txyz)));
      }
      default -> throw new IllegalArgumentException(name);
    };
    double measured = log2MaxNoise(f, c.ct(), c.expected());
    double bound = est.log2Bound(c.traced());
    if (System.getProperty("veil.precision.log") != null) {
      System.out.printf("NOISE N=2^%d %-30s measured 2^%.2f bound 2^%.2f (%.2f bits)%n", logN,
          name, measured, bound, bound - measured);
    }
    assertThat(c.ct().level()).isEqualTo(c.traced().level());
    assertThat(c.ct().scale() / c.traced().scale()).isCloseTo(1, offset(1e-9));
    assertThat(measured).as("measured noise of " + name + " vs the bound").isLessThan(bound);
    assertThat(bound - measured).as("slack of the bound for " + name)
        .isLessThan(TOLERANCE_BITS);
  }

  @Test
  void misuseIsRefused() {
    NoiseEstimator est = fixture(12).noise;
    Noise a = est.freshSecretKey(0, 0x1p40, 1);
    assertThatThrownBy(() -> est.rescale(a)).isInstanceOf(LevelException.class);
    assertThatThrownBy(() -> est.add(a, a.withScale(0x1p41)))
        .isInstanceOf(ScaleMismatchException.class);
    assertThatThrownBy(() -> est.dropToLevel(a, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> est.freshPublicKey(9, 0x1p40, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private CkksFixture fixture(int logN) {
    return fixtures.stream().filter(f -> f.params.logN() == logN).findFirst().orElseThrow();
  }

  /** log2 of the largest |coefficient| of {@code decrypt(ct) - encode(expected)}. */
  static double log2MaxNoise(CkksFixture f, Ciphertext ct, Slots expected) {
    return NoiseEstimator.log2MaxDifference(f.context, f.decryptor.decrypt(ct),
        f.encode(expected, ct.level(), ct.scale()));
  }
}
