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
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Encryptor;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * Every evaluator operation against the same operation on plain complex vectors, with precision
 * floors derived from the parameters by {@link NoiseModel}. Parameters: N = 2^12, Q = {60, 40,
 * 40}, P = {61}, scale 2^40; inputs uniform in [-1, 1] (complex), secret-key encrypted.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluatorPrecisionTest {
  private CkksFixture f;
  private Evaluator ev;
  private NoiseEstimator noise;
  private int slots;
  private int top;
  private double scale;
  /** Noise variance of a fresh secret-key ciphertext. */
  private double fresh;
  private Slots x;
  private Slots y;
  private Slots z;
  private Ciphertext cx;
  private Ciphertext cy;

  @BeforeAll
  void setUp() {
    Parameters p = CkksFixture.standardParameters();
    slots = p.slots();
    int[] rotations = IntStream.concat(
        IntStream.of(1, 3, -5, slots - 1),
        IntStream.of(Evaluator.rotateAndSumRotations(slots))).toArray();
    f = CkksFixture.create(p, rotations);
    ev = f.evaluator;
    noise = f.noise;
    top = f.maxLevel();
    scale = f.scale();
    fresh = noise.freshSecretKey();
    SplittableRandom rnd = new SplittableRandom(0x5EED_E7A1L);
    x = Slots.random(rnd, slots, true);
    y = Slots.random(rnd, slots, true);
    z = Slots.random(rnd, slots, true);
    cx = f.encrypt(x);
    cy = f.encrypt(y);
  }

  @AfterAll
  void tearDown() {
    f.close();
  }

  private double q(int level) {
    return f.params.q(level);
  }

  // ------------------------------------------------------------------ add, sub, negate

  @Test
  void add_of_two_ciphertexts_matches_the_plain_sum() {
    Ciphertext r = ev.addNew(cx, cy);
    assertThat(r.level()).isEqualTo(top);
    assertThat(r.scale()).isEqualTo(scale);
    f.assertPrecise("add", x.plus(y), r, 2 * fresh);
  }

  @Test
  void sub_of_two_ciphertexts_matches_the_plain_difference() {
    Ciphertext r = ev.subNew(cx, cy);
    f.assertPrecise("sub", x.minus(y), r, 2 * fresh);
  }

  @Test
  void negate_matches_the_plain_negation_and_writes_in_place() {
    f.assertPrecise("negate", x.negate(), ev.negateNew(cx), fresh);
    Ciphertext c = cx.copy();
    ev.negate(c, c);
    assertThat(c.contentEquals(ev.negateNew(cx))).as("in-place negate").isTrue();
  }

  static Stream<Arguments> mixedLevels() {
    return Stream.of(
        Arguments.of(2, 1), Arguments.of(1, 2), Arguments.of(2, 0), Arguments.of(0, 1),
        Arguments.of(1, 1));
  }

  @ParameterizedTest(name = "add and sub of a level-{0} and a level-{1} ciphertext work at the lower level")
  @MethodSource("mixedLevels")
  void add_and_sub_at_mixed_levels(int levelA, int levelB) {
    Ciphertext a = ev.dropToLevelNew(cx, levelA);
    Ciphertext b = ev.dropToLevelNew(cy, levelB);
    Ciphertext sum = ev.addNew(a, b);
    Ciphertext diff = ev.subNew(a, b);
    int lower = Math.min(levelA, levelB);
    assertThat(sum.level()).isEqualTo(lower);
    assertThat(diff.level()).isEqualTo(lower);
    f.assertPrecise("add at levels " + levelA + "/" + levelB, x.plus(y), sum, 2 * fresh);
    f.assertPrecise("sub at levels " + levelA + "/" + levelB, x.minus(y), diff, 2 * fresh);
  }

  // ------------------------------------------------------------------ plaintext operands

  static Stream<Arguments> plainLevels() {
    return Stream.of(Arguments.of(2, 2), Arguments.of(1, 2), Arguments.of(0, 2), Arguments.of(1, 1));
  }

  @ParameterizedTest(name = "addPlain and subPlain of a level-{0} ciphertext and a level-{1} plaintext match the plain results")
  @MethodSource("plainLevels")
  void addPlain_and_subPlain(int ctLevel, int ptLevel) {
    Ciphertext c = ev.dropToLevelNew(cx, ctLevel);
    Plaintext pt = f.encode(y, ptLevel, scale);
    double v = fresh + noise.encoded(y.maxAbs(), scale);
    Ciphertext sum = ev.addPlainNew(c, pt);
    Ciphertext diff = ev.subPlainNew(c, pt);
    assertThat(sum.level()).isEqualTo(ctLevel);
    assertThat(diff.level()).isEqualTo(ctLevel);
    f.assertPrecise("addPlain", x.plus(y), sum, v);
    f.assertPrecise("subPlain", x.minus(y), diff, v);
  }

  static Stream<Arguments> mulPlainLevels() {
    // not at level 0: the product scale 2^80 does not fit q0 (see EvaluatorMisuseTest)
    return Stream.of(Arguments.of(2, 2), Arguments.of(1, 2), Arguments.of(1, 1));
  }

  @ParameterizedTest(name = "mulPlain of a level-{0} ciphertext and a level-{1} plaintext multiplies the scales and rescales correctly")
  @MethodSource("mulPlainLevels")
  void mulPlain_then_rescale(int ctLevel, int ptLevel) {
    Ciphertext c = ev.dropToLevelNew(cx, ctLevel);
    Plaintext pt = f.encode(y, ptLevel, scale);
    Ciphertext prod = ev.mulPlainNew(c, pt);
    assertThat(prod.level()).isEqualTo(ctLevel);
    assertThat(prod.scale()).isEqualTo(scale * scale);
    double v = NoiseEstimator.product(
        fresh, scale, x.maxSquare(), noise.encoded(y.maxAbs(), scale), scale, y.maxSquare());
    f.assertPrecise("mulPlain", x.times(y), prod, v);
    Ciphertext r = ev.rescaleNew(prod);
    assertThat(r.scale()).isEqualTo(scale * scale / q(ctLevel));
    f.assertPrecise("mulPlain + rescale", x.times(y), r, noise.rescale(v, ctLevel));
  }

  // ------------------------------------------------------------------ constants

  @ParameterizedTest(name = "adding the constant {0} + {1}i to every slot matches the plain sum")
  @CsvSource({"0.75, 0", "-0.3, 0.6", "0, -1.5"})
  void addConst(double re, double im) {
    Ciphertext r;
    if (im == 0) {
      r = ev.addConstNew(cx, re);
    } else {
      r = Ciphertext.empty(f.params);
      ev.addConst(cx, re, im, r);
    }
    assertThat(r.level()).isEqualTo(top);
    assertThat(r.scale()).isEqualTo(scale);
    // the constant is rounded to integers on two coefficients: at most 1/2 of slot variance
    f.assertPrecise("addConst " + re + "+" + im + "i", x.plus(re, im), r, fresh + 0.5);
  }

  @ParameterizedTest(name = "multiplying by the integer {0} keeps scale and level and multiplies the noise by {0}")
  @ValueSource(longs = {2, -3, 7})
  void mulInt(long k) {
    Ciphertext r = ev.mulIntNew(cx, k);
    assertThat(r.level()).isEqualTo(top);
    assertThat(r.scale()).isEqualTo(scale);
    f.assertPrecise("mulInt " + k, x.times(k, 0), r, (double) k * k * fresh);
  }

  @ParameterizedTest(name = "multiplying by the constant {0} + {1}i then rescaling matches the plain product")
  @CsvSource({"0.7, 0", "-1.25, 0", "-1.25, 0.5", "0, 1"})
  void mulConst_then_rescale(double re, double im) {
    Ciphertext r = Ciphertext.empty(f.params);
    if (im == 0) {
      ev.mulConst(cx, re, r);
    } else {
      ev.mulConst(cx, re, im, r);
    }
    double ql = q(top);
    assertThat(r.scale()).as("constant encoded at the scale of q_level").isEqualTo(scale * ql);
    assertThat(r.level()).isEqualTo(top);
    // the constant is rounded to an integer at scale q_l: error at most 1/2 on re and im
    double v = ql * ql * (re * re + im * im) * fresh + scale * scale * x.maxSquare() * 0.5;
    f.assertPrecise("mulConst " + re + "+" + im + "i", x.times(re, im), r, v);
    ev.rescale(r, r);
    assertThat(r.scale()).as("scale after rescale").isEqualTo(scale);
    f.assertPrecise("mulConst + rescale", x.times(re, im), r, noise.rescale(v, top));
  }

  static Stream<Arguments> inputScales() {
    return Stream.of(
        Arguments.of(2, 40.0), Arguments.of(2, 37.3), Arguments.of(1, 41.71), Arguments.of(1, 39.9));
  }

  @ParameterizedTest(name = "mulConst then rescale returns exactly the input scale 2^{1} at level {0}")
  @MethodSource("inputScales")
  void mulConst_then_rescale_returns_exactly_the_input_scale(int level, double logScale) {
    double s = Math.pow(2, logScale);
    Ciphertext c = f.encrypt(x, level, s);
    Ciphertext r = ev.mulConstNew(c, -0.625);
    ev.rescale(r, r);
    assertThat(r.scale()).isEqualTo(s);
    assertThat(r.level()).isEqualTo(level - 1);
    double ql = q(level);
    double v = ql * ql * 0.625 * 0.625 * fresh + s * s * x.maxSquare() * 0.5;
    f.assertPrecise("mulConst at 2^" + logScale, x.times(-0.625, 0), r, noise.rescale(v, level));
  }

  // ------------------------------------------------------------------ multiplication

  private double productVariance() {
    return NoiseEstimator.product(fresh, scale, x.maxSquare(), fresh, scale, y.maxSquare());
  }

  @Test
  void mul_gives_a_degree_2_ciphertext_that_decrypts_to_the_plain_product() {
    Ciphertext m = ev.mulNew(cx, cy);
    assertThat(m.degree()).isEqualTo(2);
    assertThat(m.level()).isEqualTo(top);
    assertThat(m.scale()).isEqualTo(scale * scale);
    f.assertPrecise("mul (degree 2)", x.times(y), m, productVariance());
  }

  @Test
  void relinearize_turns_the_product_into_degree_1_with_the_same_values() {
    Ciphertext m = ev.mulNew(cx, cy);
    Ciphertext r = ev.relinearizeNew(m);
    assertThat(r.degree()).isEqualTo(1);
    assertThat(r.scale()).isEqualTo(m.scale());
    assertThat(r.level()).isEqualTo(m.level());
    f.assertPrecise("relinearize", x.times(y), r, productVariance() + noise.keySwitch(top));
    // of a degree-1 ciphertext: a copy
    assertThat(ev.relinearizeNew(cx).contentEquals(cx)).isTrue();
  }

  @Test
  void mulRelin_then_rescale_matches_the_plain_product() {
    Ciphertext r = ev.mulRelinNew(cx, cy);
    assertThat(r.degree()).isEqualTo(1);
    double v = productVariance() + noise.keySwitch(top);
    f.assertPrecise("mulRelin", x.times(y), r, v);
    ev.rescale(r, r);
    assertThat(r.level()).isEqualTo(top - 1);
    assertThat(r.scale()).isEqualTo(scale * scale / q(top));
    f.assertPrecise("mulRelin + rescale", x.times(y), r, noise.rescale(v, top));
  }

  @Test
  void squareRelin_matches_the_plain_square() {
    Ciphertext r = ev.squareRelinNew(cx);
    double v = NoiseEstimator.product(fresh, scale, x.maxSquare(), fresh, scale, x.maxSquare())
        + noise.keySwitch(top);
    f.assertPrecise("squareRelin", x.times(x), r, v);
  }

  @ParameterizedTest(name = "rescale at level {0} divides the scale by the removed prime and drops one level")
  @ValueSource(ints = {2, 1})
  void rescale_divides_the_scale_by_the_removed_prime(int level) {
    Ciphertext a = ev.dropToLevelNew(cx, level);
    Ciphertext b = ev.dropToLevelNew(cy, level);
    Ciphertext m = ev.mulRelinNew(a, b);
    Ciphertext r = ev.rescaleNew(m);
    assertThat(r.level()).isEqualTo(level - 1);
    assertThat(r.scale()).isEqualTo(m.scale() / q(level));
    double v = productVariance() + noise.keySwitch(level);
    f.assertPrecise("rescale at level " + level, x.times(y), r, noise.rescale(v, level));
  }

  @Test
  void a_depth_2_product_x_y_z_with_rescales_matches_the_plain_product() {
    Ciphertext xy = ev.mulRelinNew(cx, cy);
    ev.rescale(xy, xy);
    double s1 = scale * scale / q(2);
    double v1 = noise.rescale(productVariance() + noise.keySwitch(2), 2);
    Ciphertext cz = f.encrypt(z, 1, scale); // encrypted directly at level 1
    Ciphertext xyz = ev.mulRelinNew(xy, cz);
    assertThat(xyz.level()).isEqualTo(1);
    ev.rescale(xyz, xyz);
    assertThat(xyz.level()).isZero();
    assertThat(xyz.scale()).isEqualTo(s1 * scale / q(1));
    Slots expected = x.times(y).times(z);
    double v2 = NoiseEstimator.product(v1, s1, x.times(y).maxSquare(), fresh, scale, z.maxSquare())
        + noise.keySwitch(1);
    f.assertPrecise("x*y*z", expected, xyz, noise.rescale(v2, 1));
  }

  static Stream<Arguments> degreeTwoCases() {
    return Stream.of(
        Arguments.of("degree 2 + degree 1"), Arguments.of("degree 1 + degree 2"),
        Arguments.of("degree 2 - degree 1"), Arguments.of("degree 1 - degree 2"),
        Arguments.of("rescaled degree 2"));
  }

  @ParameterizedTest(name = "a degree-2 ciphertext decrypts correctly: {0}")
  @MethodSource("degreeTwoCases")
  void degree_2_ciphertexts_decrypt_correctly(String what) {
    Ciphertext d2 = ev.mulNew(cx, cy); // x y, degree 2, scale^2
    Ciphertext c = f.encrypt(z);
    Slots xy = x.times(y);
    double v2 = productVariance();
    Ciphertext r;
    Slots expected;
    double v;
    if (what.startsWith("rescaled")) {
      r = ev.rescaleNew(d2);
      assertThat(r.degree()).isEqualTo(2);
      expected = xy;
      v = noise.rescale(v2, top, 2);
    } else {
      // a degree-1 ciphertext at the degree-2 one's scale: z times an encoded 1 at scale
      Ciphertext one = ev.mulPlainNew(c, f.encode(Slots.constant(slots, 1, 0), top, scale));
      double v1 = NoiseEstimator.product(
          fresh, scale, z.maxSquare(), noise.encoded(1, scale), scale, 1);
      v = v1 + v2;
      boolean d2First = what.startsWith("degree 2");
      Ciphertext a = d2First ? d2 : one;
      Ciphertext b = d2First ? one : d2;
      Slots sa = d2First ? xy : z;
      Slots sb = d2First ? z : xy;
      if (what.contains("+")) {
        r = ev.addNew(a, b);
        expected = sa.plus(sb);
      } else {
        r = ev.subNew(a, b);
        expected = sa.minus(sb);
      }
      assertThat(r.degree()).isEqualTo(2);
    }
    if (what.startsWith("rescaled")) {
      // the rounding of c2 is multiplied by s^2, whose slot values s(z)^2 have an exponential
      // modulus: over S slots its largest is about ln S times its mean, half a log2(ln S) more
      // bits in the worst slot than a Gaussian error
      f.assertPrecise(what, expected, r, v, 0.5 * NoiseModel.log2(Math.log(slots)));
    } else {
      f.assertPrecise(what, expected, r, v);
    }
  }

  // ------------------------------------------------------------------ levels and scales

  @ParameterizedTest(name = "dropToLevel({0}) keeps the values and the scale")
  @ValueSource(ints = {2, 1, 0})
  void dropToLevel_keeps_values_and_scale(int level) {
    Ciphertext r = ev.dropToLevelNew(cx, level);
    assertThat(r.level()).isEqualTo(level);
    assertThat(r.scale()).isEqualTo(scale);
    f.assertPrecise("dropToLevel " + level, x, r, fresh);
  }

  @Test
  void setScale_brings_a_ciphertext_to_another_scale_so_that_the_two_add() {
    double otherScale = Math.pow(2, 35);
    Slots w = Slots.random(new SplittableRandom(35), slots, true);
    Ciphertext cw = f.encrypt(w, top, otherScale);
    Ciphertext moved = Ciphertext.empty(f.params);
    ev.setScale(cw, scale, moved);
    assertThat(moved.scale()).isEqualTo(scale);
    assertThat(moved.level()).isEqualTo(top - 1);
    // the noise grows with the scale ratio; the rescale adds its rounding
    double ratio = scale / otherScale;
    double vw = noise.rescale(fresh * ratio * ratio * q(top) * q(top), top);
    f.assertPrecise("setScale 2^35 -> 2^40", w, moved, vw);
    Ciphertext sum = ev.addNew(cx, moved);
    assertThat(sum.level()).isEqualTo(top - 1);
    f.assertPrecise("add after setScale", x.plus(w), sum, vw + fresh);
  }

  // ------------------------------------------------------------------ rotations

  Stream<Arguments> rotations() {
    return Stream.of(1, 3, -5, 0, slots - 1).map(Arguments::of);
  }

  @ParameterizedTest(name = "rotation by {0} matches the plain rotation")
  @MethodSource("rotations")
  void rotate(int k) {
    Ciphertext r = ev.rotateNew(cx, k);
    assertThat(r.level()).isEqualTo(top);
    assertThat(r.scale()).isEqualTo(scale);
    f.assertPrecise("rotate " + k, x.rotate(k), r, fresh + (k == 0 ? 0 : noise.keySwitch(top)));
  }

  @Test
  void conjugate_matches_the_plain_complex_conjugate() {
    Ciphertext r = ev.conjugateNew(cx);
    f.assertPrecise("conjugate", x.conjugate(), r, fresh + noise.keySwitch(top));
  }

  @Test
  void hoisted_rotations_decrypt_to_the_rotations_and_equal_the_plain_rotate_bit_for_bit() {
    int[] ks = {1, 3, -5, 0, slots - 1};
    Ciphertext[] hoisted = ev.rotateHoisted(cx, ks);
    assertThat(hoisted).hasSize(ks.length);
    for (int i = 0; i < ks.length; i++) {
      int k = ks[i];
      f.assertPrecise("rotateHoisted " + k, x.rotate(k), hoisted[i],
          fresh + (k == 0 ? 0 : noise.keySwitch(top)));
      // one data prime per digit (dnum = 3): the hoisted decomposition is exactly the plain one
      assertThat(hoisted[i].contentEquals(ev.rotateNew(cx, k)))
          .as("hoisted rotation by %d equals rotate bit for bit", k).isTrue();
    }
  }

  Stream<Arguments> sumCounts() {
    return Stream.of(1, 8, slots).map(Arguments::of);
  }

  @ParameterizedTest(name = "rotateAndSum over {0} slots matches the plain window sums")
  @MethodSource("sumCounts")
  void rotateAndSum(int count) {
    Ciphertext r = ev.rotateAndSumNew(cx, count);
    double v = fresh;
    for (int step = 1; step < count; step <<= 1) {
      v = 2 * v + noise.keySwitch(top);
    }
    if (count == slots) {
      // every slot holds the sum of all slots: the fresh noise part of the error is the same
      // value in every slot, so the mean over slots is a single draw
      f.assertPreciseShared("rotateAndSum " + count, x.windowSum(count), r, v);
    } else {
      f.assertPrecise("rotateAndSum " + count, x.windowSum(count), r, v);
    }
  }

  // ------------------------------------------------------------------ encryption

  static Stream<Arguments> encryptions() {
    return Stream.of("secret", "public").flatMap(
        kind -> IntStream.of(2, 1, 0).mapToObj(level -> Arguments.of(kind, level)));
  }

  @ParameterizedTest(name = "{0}-key encryption at level {1} decrypts to the message")
  @MethodSource("encryptions")
  void encryption_decrypts_to_the_message(String kind, int level) {
    boolean pk = kind.equals("public");
    Encryptor e = pk ? f.pkEncryptor : f.skEncryptor;
    Ciphertext c = e.encrypt(f.encode(x, level, scale));
    assertThat(c.level()).isEqualTo(level);
    assertThat(c.scale()).isEqualTo(scale);
    assertThat(c.degree()).isEqualTo(1);
    f.assertPrecise(kind + "-key encryption at level " + level, x, c,
        pk ? noise.freshPublicKey() : noise.freshSecretKey());
  }
}
