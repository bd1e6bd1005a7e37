package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.ParameterMismatchException;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;
import dev.veil.he.rlwe.SecretKey;

/**
 * Every misuse of the evaluator and the encoder throws its documented exception, with a message
 * that names the operation (and, for a missing key, the rotation).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluatorMisuseTest {
  private CkksFixture f;
  /** Has a relinearisation key, Galois keys for rotations 1 and 2 only, no conjugation key. */
  private Evaluator ev;
  /** No evaluation keys at all. */
  private Evaluator bare;
  private Parameters other;
  private double scale;
  private Slots x;
  private Ciphertext cx;
  private Ciphertext cy;
  private Ciphertext atLevel0;
  private Ciphertext degree2;

  @BeforeAll
  void setUp() {
    f = CkksFixture.create(CkksFixture.standardParameters(), 1, true, false, 1, 2);
    ev = f.evaluator;
    bare = new Evaluator(f.context);
    // same shape, other primes: a different parameter set
    other = Parameters.builder().logN(12).logQ(60, 45, 45).logP(61).securityOff().build();
    scale = f.scale();
    x = Slots.random(new SplittableRandom(0xBADL), f.slots(), true);
    cx = f.encrypt(x);
    cy = f.encrypt(x);
    atLevel0 = f.encrypt(x, 0, scale);
    degree2 = ev.mulNew(cx, cy);
  }

  @AfterAll
  void tearDown() {
    f.close();
  }

  private Ciphertext out() {
    return Ciphertext.empty(f.params);
  }

  // ------------------------------------------------------------------ ScaleMismatchException

  @Test
  void add_sub_and_addPlain_of_different_scales_throw_ScaleMismatchException() {
    Ciphertext otherScale = f.encrypt(x, f.maxLevel(), scale * 2);
    assertThatThrownBy(() -> ev.addNew(cx, otherScale))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("add:")
        .hasMessageContaining("scales differ");
    assertThatThrownBy(() -> ev.subNew(cx, otherScale))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("sub:");
    Plaintext pt = f.encode(x, f.maxLevel(), scale * 1.001);
    assertThatThrownBy(() -> ev.addPlainNew(cx, pt))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("addPlain:");
    assertThatThrownBy(() -> ev.subPlainNew(cx, pt))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("subPlain:");
  }

  @Test
  void scales_equal_within_the_tolerance_add() {
    Ciphertext close = f.encrypt(x, f.maxLevel(), scale * (1 + Evaluator.SCALE_TOLERANCE / 2));
    assertThatCode(() -> ev.addNew(cx, close)).doesNotThrowAnyException();
  }

  @Test
  void products_whose_scale_would_not_fit_the_modulus_throw_ScaleMismatchException() {
    // level 1: Q = q0 q1 has 100 bits; 2^50 * 2^50 = 2^100 does not fit
    Ciphertext big = f.encrypt(x, 1, Math.pow(2, 50));
    assertThatThrownBy(() -> ev.mulNew(big, big))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("mul:")
        .hasMessageContaining("does not fit the modulus at level 1");
    assertThatThrownBy(() -> ev.mulPlainNew(big, f.encode(x, 1, Math.pow(2, 50))))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("mulPlain:");
    assertThatThrownBy(() -> ev.mulConst(big, 0.5, 0, Math.pow(2, 50), out()))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("mulConst:");
  }

  @Test
  void products_at_level_0_whose_scale_would_not_fit_throw_LevelException() {
    // 2^40 * 2^40 = 2^80 at level 0, where Q = q0 is a 60-bit prime and no rescale is left
    assertThatThrownBy(() -> ev.mulNew(atLevel0, atLevel0))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("mul:")
        .hasMessageContaining("no level is left");
    assertThatThrownBy(() -> ev.mulPlainNew(atLevel0, f.encode(x, 0, scale)))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("mulPlain:");
    assertThatThrownBy(() -> ev.mulConst(atLevel0, 0.5, 0, Math.pow(2, 30), out()))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("mulConst:");
  }

  @Test
  void dropToLevel_to_a_level_whose_modulus_the_scale_does_not_fit_throws_ScaleMismatchException() {
    Ciphertext big = f.encrypt(x, 2, Math.pow(2, 70));
    assertThatThrownBy(() -> ev.dropToLevelNew(big, 0))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("dropToLevel:");
  }

  @ParameterizedTest(name = "setScale from 2^40 to 2^{0} (an integer factor below 1 or from 2^62) throws ScaleMismatchException")
  @ValueSource(ints = {-10, 70})
  void setScale_to_a_scale_it_cannot_reach_in_one_step_throws_ScaleMismatchException(int log) {
    assertThatThrownBy(() -> ev.setScale(cx, Math.pow(2, log), out()))
        .isExactlyInstanceOf(ScaleMismatchException.class).hasMessageStartingWith("setScale:")
        .hasMessageContaining("in one step");
  }

  /**
   * Regression (fixed). Was: setScale does not check that the target scale fits the modulus of the
   * level it lands on, unlike mul, mulPlain, mulConst and dropToLevel. From level 2 at scale 2^90
   * to 2^100, it lands at level 1 (Q = q0 q1, 100 bits) with a scale that does not fit; from
   * level 1 at 2^40 to 2^60 it lands at level 0 above q0 (a 60-bit prime). Either way all slots
   * 0.9 silently decrypt to garbage (about -0.1 in the second case). Expected: the exception
   * checkScaleFits gives for that level (ScaleMismatchException, or LevelException at level 0),
   * naming setScale.
   */
  @ParameterizedTest(name = "setScale from level {0} at 2^{1} to 2^{2} does not fit the modulus and throws")
  @CsvSource({"2, 90, 100", "1, 40, 60"})
  void setScale_to_a_scale_that_does_not_fit_the_modulus_throws(int level, int from, int to) {
    Ciphertext c = f.encrypt(Slots.constant(f.slots(), 0.9, 0), level, Math.pow(2, from));
    Class<? extends Throwable> expected =
        level - 1 == 0 ? LevelException.class : ScaleMismatchException.class;
    assertThatThrownBy(() -> {
      Ciphertext o = out();
      ev.setScale(c, Math.pow(2, to), o);
      // reached only when no exception is thrown: show what the result decrypts to
      throw new AssertionError("no exception; slot 0 decrypts to " + f.decrypt(o).re()[0]
          + " instead of 0.9, at level " + o.level() + " and scale 2^" + to);
    }).isExactlyInstanceOf(expected).hasMessageStartingWith("setScale:");
  }

  // ------------------------------------------------------------------ LevelException

  @Test
  void rescale_at_level_0_throws_LevelException() {
    assertThatThrownBy(() -> ev.rescaleNew(atLevel0))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("rescale:")
        .hasMessageContaining("level 0");
  }

  @Test
  void plaintext_operands_below_the_ciphertext_level_throw_LevelException() {
    Plaintext low = f.encode(x, 1, scale);
    assertThatThrownBy(() -> ev.mulPlainNew(cx, low))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("mulPlain:")
        .hasMessageContaining("level 1").hasMessageContaining("level 2");
    assertThatThrownBy(() -> ev.addPlainNew(cx, low))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("addPlain:");
    assertThatThrownBy(() -> ev.subPlainNew(cx, low))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("subPlain:");
  }

  @Test
  void mulConst_at_level_0_throws_LevelException() {
    assertThatThrownBy(() -> ev.mulConstNew(atLevel0, 0.5))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("mulConst:");
    assertThatThrownBy(() -> ev.mulConst(atLevel0, 0.5, 0.5, out()))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("mulConst:");
  }

  @ParameterizedTest(name = "dropToLevel from level 1 to level {0} throws LevelException")
  @ValueSource(ints = {2, -1})
  void dropToLevel_upward_or_below_0_throws_LevelException(int target) {
    Ciphertext c = ev.dropToLevelNew(cx, 1);
    assertThatThrownBy(() -> ev.dropToLevelNew(c, target))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("dropToLevel:")
        .hasMessageContaining("level " + target);
  }

  @Test
  void setScale_at_level_0_throws_LevelException() {
    assertThatThrownBy(() -> ev.setScale(atLevel0, scale, out()))
        .isExactlyInstanceOf(LevelException.class).hasMessageStartingWith("setScale:");
  }

  // ------------------------------------------------------------------ MissingKeyException

  @Test
  void rotation_without_its_key_throws_MissingKeyException_naming_the_rotation() {
    assertThatThrownBy(() -> ev.rotateNew(cx, 5))
        .isExactlyInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by 5")
        .hasMessageContaining("Galois element " + Evaluator.galoisElement(f.params, 5));
    assertThatThrownBy(() -> bare.rotateNew(cx, -1))
        .isExactlyInstanceOf(MissingKeyException.class).hasMessageContaining("rotation by -1")
        .hasMessageContaining("none");
  }

  @Test
  void relinearisation_without_the_key_throws_MissingKeyException() {
    assertThatThrownBy(() -> bare.relinearizeNew(degree2))
        .isExactlyInstanceOf(MissingKeyException.class).hasMessageContaining("relinearisation");
    assertThatThrownBy(() -> bare.mulRelinNew(cx, cy))
        .isExactlyInstanceOf(MissingKeyException.class).hasMessageContaining("relinearisation");
  }

  @Test
  void conjugation_without_the_key_throws_MissingKeyException_naming_conjugation() {
    assertThatThrownBy(() -> ev.conjugateNew(cx))
        .isExactlyInstanceOf(MissingKeyException.class).hasMessageContaining("conjugation")
        .hasMessageContaining(String.valueOf(Evaluator.conjugationElement(f.params)));
  }

  /** A ciphertext whose c1 rows are gone: any work on it fails with a NullPointerException. */
  private Ciphertext withoutC1() {
    Ciphertext c = cx.copy();
    long[][] c1 = c.poly(1);
    for (int i = 0; i < c1.length; i++) {
      c1[i] = null;
    }
    return c;
  }

  @Test
  void rotateHoisted_with_a_missing_key_fails_before_doing_any_work() {
    // rotation 1 has a key, 5 has none: the key check must come before the decomposition, which
    // would read c1 and fail with a NullPointerException instead
    assertThatThrownBy(() -> ev.rotateHoisted(withoutC1(), 1, 5))
        .isExactlyInstanceOf(MissingKeyException.class).hasMessageContaining("rotation by 5");
  }

  @Test
  void rotateAndSum_with_a_missing_key_fails_before_doing_any_work() {
    // count 8 needs rotations 1, 2 and 4; there is no key for 4
    assertThatThrownBy(() -> ev.rotateAndSumNew(withoutC1(), 8))
        .isExactlyInstanceOf(MissingKeyException.class).hasMessageContaining("rotation by 4")
        .hasMessageContaining("rotateAndSum");
  }

  // ------------------------------------------------------------------ ParameterMismatchException

  static Stream<Arguments> operationsOnAForeignCiphertext() {
    return Stream.of(
        op("add", (t, c) -> t.ev.addNew(t.cx, c)),
        op("sub", (t, c) -> t.ev.subNew(c, t.cx)),
        op("negate", (t, c) -> t.ev.negateNew(c)),
        op("addPlain", (t, c) -> t.ev.addPlainNew(c, t.f.encode(t.x, 2, t.scale))),
        op("mulPlain", (t, c) -> t.ev.mulPlainNew(c, t.f.encode(t.x, 2, t.scale))),
        op("addConst", (t, c) -> t.ev.addConstNew(c, 1)),
        op("mulInt", (t, c) -> t.ev.mulIntNew(c, 2)),
        op("mulConst", (t, c) -> t.ev.mulConstNew(c, 0.5)),
        op("mul", (t, c) -> t.ev.mulNew(t.cx, c)),
        op("relinearize", (t, c) -> t.ev.relinearizeNew(c)),
        op("rescale", (t, c) -> t.ev.rescaleNew(c)),
        op("dropToLevel", (t, c) -> t.ev.dropToLevelNew(c, 0)),
        op("setScale", (t, c) -> t.ev.setScale(c, t.scale, t.out())),
        op("rotate", (t, c) -> t.ev.rotateNew(c, 1)),
        op("conjugate", (t, c) -> t.ev.conjugateNew(c)),
        op("rotateHoisted", (t, c) -> t.ev.rotateHoisted(c, 1)),
        op("rotateAndSum", (t, c) -> t.ev.rotateAndSumNew(c, 2)));
  }

  private interface ForeignOp {
    void run(EvaluatorMisuseTest t, Ciphertext foreign);
  }

  private static Arguments op(String name, ForeignOp op) {
    return Arguments.of(name, op);
  }

  @ParameterizedTest(name = "{0} of a ciphertext from other parameters throws ParameterMismatchException naming {0}")
  @MethodSource("operationsOnAForeignCiphertext")
  void a_ciphertext_from_other_parameters_is_refused(String name, ForeignOp op) {
    Ciphertext foreign = new Ciphertext(other, 1, 2, scale);
    assertThatThrownBy(() -> op.run(this, foreign))
        .isExactlyInstanceOf(ParameterMismatchException.class)
        .hasMessageStartingWith(name + ":").hasMessageContaining("parameters differ");
  }

  @Test
  void an_output_or_plaintext_from_other_parameters_is_refused() {
    assertThatThrownBy(() -> ev.add(cx, cy, Ciphertext.empty(other)))
        .isExactlyInstanceOf(ParameterMismatchException.class).hasMessageStartingWith("add:");
    Plaintext foreign = new Plaintext(other, 2, scale);
    assertThatThrownBy(() -> ev.mulPlainNew(cx, foreign))
        .isExactlyInstanceOf(ParameterMismatchException.class).hasMessageStartingWith("mulPlain:");
    assertThatThrownBy(() -> f.encoder.decode(foreign))
        .isExactlyInstanceOf(ParameterMismatchException.class).hasMessageStartingWith("decode:");
    assertThatThrownBy(() -> f.encoder.encode(x.re(), x.im(), foreign))
        .isExactlyInstanceOf(ParameterMismatchException.class).hasMessageStartingWith("encode:");
    assertThatThrownBy(() -> f.decryptor.decrypt(new Ciphertext(other, 1, 0, scale)))
        .isExactlyInstanceOf(ParameterMismatchException.class).hasMessageStartingWith("decrypt:");
  }

  @Test
  void keys_from_other_parameters_are_refused() {
    try (HeContext otherContext = new HeContext(other, 1)) {
      KeyGenerator kg = new KeyGenerator(otherContext);
      SecretKey sk = kg.secretKey();
      EvaluationKeys foreignKeys = new EvaluationKeys(other, kg.relinearizationKey(sk), null);
      assertThatThrownBy(() -> new Evaluator(f.context, foreignKeys))
          .isExactlyInstanceOf(ParameterMismatchException.class)
          .hasMessageStartingWith("evaluator keys:");
      assertThatThrownBy(
              () -> new EvaluationKeys(f.params, foreignKeys.relinearizationKey(), null))
          .isExactlyInstanceOf(ParameterMismatchException.class)
          .hasMessageStartingWith("relinearisation key:");
      assertThatThrownBy(() -> new EvaluationKeys(f.params, null,
              kg.galoisKeys(sk, Evaluator.galoisElements(other, 1))))
          .isExactlyInstanceOf(ParameterMismatchException.class)
          .hasMessageStartingWith("Galois key:");
      assertThatThrownBy(() -> f.keyGenerator.publicKey(sk))
          .isExactlyInstanceOf(ParameterMismatchException.class)
          .hasMessageStartingWith("key generation:");
    }
  }

  // ------------------------------------------------------------------ IllegalArgumentException

  @Test
  void encoding_more_values_than_slots_throws_IllegalArgumentException() {
    double[] tooMany = new double[f.slots() + 1];
    assertThatThrownBy(() -> f.encoder.encode(tooMany))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("encode:")
        .hasMessageContaining((f.slots() + 1) + " values exceed the " + f.slots() + " slots");
    assertThatThrownBy(() -> f.encoder.encode(new double[1], tooMany, 2, scale))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("encode:");
  }

  static Stream<Arguments> nonFiniteValues() {
    return Stream.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
        .flatMap(v -> Stream.of(Arguments.of(v, "real"), Arguments.of(v, "imaginary")));
  }

  @ParameterizedTest(name = "encoding {0} as the {1} part of a slot throws IllegalArgumentException naming the slot")
  @MethodSource("nonFiniteValues")
  void encoding_a_non_finite_value_throws(double bad, String part) {
    double[] re = new double[8];
    double[] im = new double[8];
    (part.equals("real") ? re : im)[3] = bad;
    assertThatThrownBy(() -> f.encoder.encode(re, im, 2, scale))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("encode:")
        .hasMessageContaining(part + " part of slot 3 is " + bad);
  }

  /**
   * The plaintext constructor now checks the scale before the encoder does, so the message is
   * "scale must be positive and finite, got 0.0" without the operation's name (reported as a
   * minor inconsistency; the type is the documented one).
   */
  @ParameterizedTest(name = "encoding at scale {0} throws IllegalArgumentException")
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void encoding_at_a_non_positive_or_non_finite_scale_throws(double badScale) {
    assertThatThrownBy(() -> f.encoder.encode(x.re(), 2, badScale))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale must be positive and finite");
  }

  @Test
  void encoding_at_a_level_outside_the_chain_throws_IllegalArgumentException() {
    assertThatThrownBy(() -> f.encoder.encode(x.re(), f.maxLevel() + 1, scale))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("level must be in");
  }

  @Test
  void degree_2_ciphertexts_are_refused_where_degree_1_is_needed() {
    Stream.of(
            Named.<Consumer<Ciphertext>>of("mul", c -> ev.mulNew(c, cx)),
            Named.<Consumer<Ciphertext>>of("rotate", c -> ev.rotateNew(c, 1)),
            Named.<Consumer<Ciphertext>>of("rotateHoisted", c -> ev.rotateHoisted(c, 1)))
        .forEach(named -> assertThatThrownBy(() -> named.getPayload().accept(degree2))
            .as(named.getName())
            .isExactlyInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(named.getName() + ":")
            .hasMessageContaining("degree-1").hasMessageContaining("relinearize first"));
    // the degree-2 ciphertext itself is fine for the operations that accept it
    assertThat(ev.addNew(degree2, degree2).degree()).isEqualTo(2);
  }

  /**
   * Regression (fixed). Was: the message for a count that is not a power of two is "count
   * must be a power of two, got 3", which does not name rotateAndSum as every other evaluator
   * message names its operation. The exception type is right.
   */
  @ParameterizedTest(name = "rotateAndSum over {0} slots throws IllegalArgumentException naming rotateAndSum")
  @ValueSource(ints = {3, 6, 0, -4})
  void rotateAndSum_over_a_count_that_is_not_a_power_of_two_throws(int count) {
    assertThatThrownBy(() -> ev.rotateAndSumNew(cx, count))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("power of two")
        .hasMessageContaining("rotateAndSum");
  }

  @Test
  void rotateAndSum_over_more_than_all_slots_throws_IllegalArgumentException() {
    assertThatThrownBy(() -> ev.rotateAndSumNew(cx, 2 * f.slots()))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("rotateAndSum:").hasMessageContaining("exceeds");
  }

  @ParameterizedTest(name = "the constant {0} is refused by addConst and mulConst")
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void non_finite_constants_throw_IllegalArgumentException(double bad) {
    assertThatThrownBy(() -> ev.addConstNew(cx, bad))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("addConst:").hasMessageContaining(String.valueOf(bad));
    assertThatThrownBy(() -> ev.mulConstNew(cx, bad))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("mulConst:").hasMessageContaining(String.valueOf(bad));
    assertThatThrownBy(() -> ev.addConst(cx, 1, bad, out()))
        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("addConst:");
  }

  // ------------------------------------------------------------------ parameters

  @Test
  void an_insecure_parameter_set_without_securityOff_throws_InvalidParametersException() {
    Parameters.Builder b = Parameters.builder().logN(12).logQ(60, 40, 40).logP(61);
    assertThatThrownBy(b::build)
        .isExactlyInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("insecure").hasMessageContaining("201")
        .hasMessageContaining(String.valueOf(Parameters.maxLogQP(12)));
    assertThatCode(() -> b.securityOff().build()).doesNotThrowAnyException();
    assertThatThrownBy(() -> Parameters.builder().logN(11).logQ(30).logP(30).build())
        .isExactlyInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("securityOff");
  }
}
