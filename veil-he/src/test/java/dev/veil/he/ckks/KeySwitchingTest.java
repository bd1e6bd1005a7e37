package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Parameters;

/**
 * Key switching: relinearisation under every decomposition number, rotations and conjugation at
 * every level, hoisted against plain rotations, and the bias of the fast basis conversions
 * (ModUp of multi-prime digits, ModDown from several special primes).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeySwitchingTest {
  private CkksFixture f;
  private Slots x;

  @BeforeAll
  void setUp() {
    f = CkksFixture.create(CkksFixture.standardParameters(), 1, -3);
    x = Slots.random(new SplittableRandom(0xC0FFEEL), f.slots(), true);
  }

  @AfterAll
  void tearDown() {
    f.close();
  }

  /** Q = {60, 40, 40} and three 61-bit special primes: every dnum from 1 to 3 fits under P. */
  private static Parameters withDnum(int dnum) {
    return Parameters.builder().logN(12).logQ(60, 40, 40).logP(61, 61, 61).dnum(dnum)
        .securityOff().build();
  }

  static Stream<Arguments> dnumVariants() {
    // requested dnum, expected digits, expected primes per digit; 0 = automatic, which picks the
    // fewest digits that P allows: one digit of all three primes
    return Stream.of(
        Arguments.of(0, 1, 3), Arguments.of(1, 1, 3), Arguments.of(2, 2, 2), Arguments.of(3, 3, 1));
  }

  @ParameterizedTest(name = "relinearisation with dnum = {0} ({1} digits of {2} primes) is correct at every level")
  @MethodSource("dnumVariants")
  void relinearisation_under_each_decomposition(int requested, int digits, int alpha) {
    Parameters p = withDnum(requested);
    assertThat(p.dnum()).as("dnum").isEqualTo(digits);
    assertThat(p.alpha()).as("primes per digit").isEqualTo(alpha);
    try (CkksFixture g = CkksFixture.create(p, 1, true, false)) {
      assertThat(g.keys.relinearizationKey().digits()).isEqualTo(digits);
      SplittableRandom rnd = new SplittableRandom(700 + requested);
      Slots a = Slots.random(rnd, p.slots(), true);
      Slots b = Slots.random(rnd, p.slots(), true);
      for (int level = p.maxLevel(); level >= 0; level--) {
        // at level 0 a product of two 2^40 scales does not fit q0: use 2^25
        double scale = level > 0 ? p.defaultScale() : Math.pow(2, 25);
        Ciphertext ca = g.encrypt(a, level, scale);
        Ciphertext cb = g.encrypt(b, level, scale);
        Ciphertext prod = g.evaluator.mulRelinNew(ca, cb);
        double fresh = g.noise.freshSecretKey();
        double v = NoiseEstimator.product(fresh, scale, a.maxSquare(), fresh, scale, b.maxSquare())
            + g.noise.keySwitch(level);
        String what = "dnum " + requested + " mulRelin at level " + level;
        g.assertPrecise(what, a.times(b), prod, v);
        if (level > 0) {
          g.assertPrecise(what + " + rescale", a.times(b), g.evaluator.rescaleNew(prod),
              g.noise.rescale(v, level));
        }
      }
    }
  }

  static Stream<Arguments> levelsAndRotations() {
    return IntStream.of(2, 1, 0).boxed()
        .flatMap(level -> Stream.of(1, -3).map(k -> Arguments.of(k, level)));
  }

  @ParameterizedTest(name = "rotation by {0} at level {1} matches the plain rotation")
  @MethodSource("levelsAndRotations")
  void rotations_at_every_level(int k, int level) {
    Ciphertext c = f.encrypt(x, level, f.scale());
    Ciphertext r = f.evaluator.rotateNew(c, k);
    assertThat(r.level()).isEqualTo(level);
    f.assertPrecise("rotate " + k + " at level " + level, x.rotate(k), r,
        f.noise.freshSecretKey() + f.noise.keySwitch(level));
  }

  @ParameterizedTest(name = "the conjugation key conjugates at level {0}, and twice gives the input back")
  @ValueSource(ints = {2, 1, 0})
  void conjugation_at_every_level(int level) {
    Ciphertext c = f.encrypt(x, level, f.scale());
    Ciphertext once = f.evaluator.conjugateNew(c);
    double v = f.noise.freshSecretKey() + f.noise.keySwitch(level);
    f.assertPrecise("conjugate at level " + level, x.conjugate(), once, v);
    Ciphertext twice = f.evaluator.conjugateNew(once);
    f.assertPrecise("conjugate twice at level " + level, x, twice, v + f.noise.keySwitch(level));
  }

  @Test
  void the_conjugation_key_is_the_galois_element_2N_minus_1_and_no_rotation_uses_it() {
    Parameters p = f.params;
    long conj = Evaluator.conjugationElement(p);
    assertThat(conj).isEqualTo(2L * p.n() - 1);
    assertThat(f.keys.hasGaloisKey(conj)).isTrue();
    assertThat(f.keys.galoisKey(conj, "conjugation").galoisElement()).isEqualTo(conj);
    int[] all = IntStream.range(0, p.slots()).toArray();
    assertThat(Evaluator.galoisElements(p, all)).doesNotContain(conj).hasSize(p.slots() - 1);
  }

  static Stream<Arguments> hoistingCases() {
    return Stream.of("one prime", "two primes").flatMap(
        digit -> IntStream.of(2, 1, 0).mapToObj(level -> Arguments.of(digit, level)));
  }

  private static Parameters hoistingParameters(String digit) {
    // Q = {30, 30, 30} with a 61-bit P: the automatic decomposition has digits of two primes
    return digit.equals("one prime")
        ? CkksFixture.standardParameters()
        : Parameters.builder().logN(12).logQ(30, 30, 30).logP(61).securityOff().build();
  }

  @ParameterizedTest(name = "hoisted rotations with digits of {0} at level {1} decrypt to the rotations; bit-identical to rotate when each digit is one prime")
  @MethodSource("hoistingCases")
  void hoisted_against_plain_rotations(String digit, int level) {
    Parameters p = hoistingParameters(digit);
    int[] ks = {1, 5, -2, 0};
    try (CkksFixture g = CkksFixture.create(p, 1, false, false, ks)) {
      Slots v = Slots.random(new SplittableRandom(800 + level), p.slots(), true);
      Ciphertext c = g.encrypt(v, level, p.defaultScale());
      Ciphertext[] hoisted = g.evaluator.rotateHoisted(c, ks);
      // digits in use at this level all consist of one prime?
      boolean singlePrimeDigits = p.alpha() == 1 || level == 0;
      for (int i = 0; i < ks.length; i++) {
        int k = ks[i];
        Ciphertext plain = g.evaluator.rotateNew(c, k);
        double var = g.noise.freshSecretKey() + (k == 0 ? 0 : g.noise.keySwitch(level));
        String what = "digits of " + digit + ", level " + level + ", rotation " + k;
        if (singlePrimeDigits || k == 0) {
          g.assertPrecise("hoisted " + what, v.rotate(k), hoisted[i], var);
          g.assertPrecise("plain " + what, v.rotate(k), plain, var);
          assertThat(hoisted[i].contentEquals(plain))
              .as("hoisted equals rotate bit for bit: %s", what).isTrue();
        } else {
          // Two-prime digits: the worst slot suffers from the ModUp bias that
          // key_switching_noise_has_no_bias reports (both paths alike), so only mean and median
          // are held to the model here.
          g.assertPreciseExceptWorstSlot("hoisted " + what, v.rotate(k), hoisted[i], var);
          g.assertPreciseExceptWorstSlot("plain " + what, v.rotate(k), plain, var);
          // The ModUp of a two-prime digit does not commute exactly with the automorphism (the
          // overflow multiple of the fast conversion differs), so the two are not bit-identical;
          // their decryptions agree within both noises.
          NoiseModel.assertPrecision("hoisted vs plain " + what,
              CkksFixture.precision(g.decrypt(plain), g.decrypt(hoisted[i])),
              NoiseModel.floors(c.scale(), 2 * var, p.slots()).withoutWorstSlot());
        }
      }
    }
  }

  static Stream<Arguments> conversionCases() {
    return Stream.of(
        Arguments.of("one-prime digits and P = {61}", "rotation"),
        Arguments.of("one-prime digits and P = {61}", "public-key encryption"),
        Arguments.of("two-prime digits and P = {61}", "rotation"),
        Arguments.of("two-prime digits and P = {61}", "public-key encryption"),
        Arguments.of("one-prime digits and P = {61, 61}", "rotation"),
        Arguments.of("one-prime digits and P = {61, 61}", "public-key encryption"),
        Arguments.of("one-prime digits and P = {61, 61, 61}", "rotation"),
        Arguments.of("one-prime digits and P = {61, 61, 61}", "public-key encryption"));
  }

  private static Parameters conversionParameters(String name) {
    Parameters.Builder b = Parameters.builder().logN(12).securityOff();
    if (name.startsWith("two-prime")) {
      return b.logQ(30, 30, 30).logP(61).build(); // automatic: dnum 2, digits {q0 q1}, {q2}
    }
    int[] logP = name.endsWith("{61}") ? new int[] {61}
        : name.endsWith("{61, 61}") ? new int[] {61, 61} : new int[] {61, 61, 61};
    return b.logQ(60, 40, 40).logP(logP).dnum(3).build();
  }

  /**
   * Regression (fixed: BasisConverter now removes the overflow u). Was, for every fast basis
   * conversion from more than one prime: the conversion of BasisConverter returns {@code x + u A} with an overflow {@code u}
   * in [0, k) for k source primes. BasisConverter centres its input, but u stays one-sided, with
   * mean about (k - 1) / 2. In ModDown (several special primes) every coefficient of the result
   * is then off by -u; in ModUp (digits of several primes) the digit is off by u A, which the key
   * error multiplies. Either way the error polynomial has a non-zero mean coefficient, and a
   * constant coefficient c evaluates to about {@code c * 2N / pi} on the slots near the root 1,
   * slot 0 first: the error concentrates there. Measured at N = 2^12 over 60 keys: slot 0's
   * error is 27 times the RMS slot error in the median (4.8 bits lost, up to 40 times), against
   * 0.7 times (at most 2.9) with one-prime digits and one special prime; the worst slot loses 4
   * to 8 bits. Public-key encryption only goes through ModDown, so it fails only with several
   * special primes. This hits the presets whose P has several primes (N16QP1603: P = 3 x 61,
   * digits of 4 primes). KeySwitcherTest.modDown_rounds_without_bias shows the cause directly.
   */
  @ParameterizedTest(name = "{1} with {0} puts no more error on slot 0 than on a typical slot")
  @MethodSource("conversionCases")
  void key_switching_noise_has_no_bias(String name, String op) {
    Parameters p = conversionParameters(name);
    int trials = 8;
    int[] rotations = IntStream.rangeClosed(1, trials).toArray();
    // every trial uses its own keys: the error terms that involve the secret (the rounding of
    // ModDown times s, the public key's error) are fixed per key, so trials sharing a key would
    // share slot 0's share of the error and the average below would not concentrate
    double ratioSum = 0;
    StringBuilder evidence = new StringBuilder();
    for (int t = 0; t < trials; t++) {
      int rotation = rotations[t];
      try (CkksFixture g = op.equals("rotation")
          ? CkksFixture.create(p, 1, false, false, rotation)
          : CkksFixture.create(p, 1, false, false)) {
        Slots v = Slots.random(new SplittableRandom(900 + t), p.slots(), true);
        Slots expected;
        Ciphertext ct;
        if (op.equals("rotation")) {
          ct = g.evaluator.rotateNew(g.encrypt(v), rotation);
          expected = v.rotate(rotation);
        } else {
          ct = g.pkEncryptor.encrypt(g.encode(v, p.maxLevel(), p.defaultScale()));
          expected = v;
        }
        double r = slot0Ratio(expected, g.decrypt(ct), p.slots());
        ratioSum += r;
        evidence.append(String.format(" %.1f", Math.sqrt(r)));
      }
    }
    // unbiased, each ratio is about exponential with mean 1 (|e|^2 of a complex Gaussian); the
    // slots' variances are not exactly equal (one run gave a mean of 4.16), so the bound is set
    // far from both: for a mean up to 2 per ratio, the average of 8 independent ones exceeds 10
    // with probability below 1e-8, while a bias that puts c * 2N / pi on slot 0 makes it hundreds
    assertThat(ratioSum / trials)
        .as("mean of |e_0|^2 / mean |e|^2 over %d keys; slot 0 error / RMS error:%s", trials,
            evidence)
        .isLessThanOrEqualTo(10);
  }

  /** Slot 0's squared error over the mean squared slot error. */
  private static double slot0Ratio(Slots expected, Slots got, int slots) {
    double sumSq = 0;
    for (int j = 0; j < slots; j++) {
      sumSq += sq(got.re()[j] - expected.re()[j]) + sq(got.im()[j] - expected.im()[j]);
    }
    double slot0Sq = sq(got.re()[0] - expected.re()[0]) + sq(got.im()[0] - expected.im()[0]);
    return slot0Sq / (sumSq / slots);
  }

  private static double sq(double v) {
    return v * v;
  }
}
