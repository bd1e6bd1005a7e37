package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
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

import dev.veil.he.ring.Modulus;
import dev.veil.he.rlwe.Plaintext;

/**
 * Encoder round trips against the noise model (rounding plus FFT error), the exact reduction of
 * large coefficients, and the CRT reconstruction of coefficients larger than q0. Parameters: N =
 * 2^12, Q = {60, 40, 40}, P = {61}.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EncoderTest {
  private CkksFixture f;
  private Encoder encoder;
  private int slots;

  @BeforeAll
  void setUp() {
    f = CkksFixture.create(CkksFixture.standardParameters());
    encoder = f.encoder;
    slots = f.slots();
  }

  @AfterAll
  void tearDown() {
    f.close();
  }

  private double maxAbsCoefficient(Plaintext pt) {
    return Arrays.stream(encoder.coefficients(pt)).map(Math::abs).max().orElseThrow();
  }

  @ParameterizedTest(name = "encode then decode at level {0} and the default scale recovers complex values")
  @ValueSource(ints = {0, 1, 2})
  void round_trip_at_each_level(int level) {
    Slots v = Slots.random(new SplittableRandom(100 + level), slots, true);
    Plaintext pt = f.encode(v, level, f.scale());
    assertThat(pt.level()).isEqualTo(level);
    assertThat(pt.scale()).isEqualTo(f.scale());
    f.assertPrecise("encode/decode at level " + level, v, pt, f.noise.encoding());
  }

  static Stream<Arguments> largeValues() {
    return Stream.of(
        Arguments.of(2, 50, 0.0, 32768.0),
        Arguments.of(2, 50, -32768.0, 0.0),
        Arguments.of(2, 50, -32768.0, 32768.0),
        Arguments.of(1, 50, 0.0, 4096.0));
  }

  @ParameterizedTest(name = "at level {0} and scale 2^{1}, values in [{2}, {3}) whose coefficients exceed q0 decode correctly")
  @MethodSource("largeValues")
  void crt_reconstruction_beyond_q0(int level, int logScale, double lo, double hi) {
    Slots v = Slots.random(new SplittableRandom(200 + level), slots, lo, hi, true);
    double scale = Math.pow(2, logScale);
    Plaintext pt = f.encode(v, level, scale);
    // the reconstruction must cross q0: some coefficient lies outside (-q0/2, q0/2]
    assertThat(maxAbsCoefficient(pt)).as("largest coefficient").isGreaterThan(f.params.q(0) / 2.0);
    f.assertPrecise("large values at level " + level, v, pt, f.noise.encoding());
  }

  static Stream<Arguments> bigScales() {
    return Stream.of(
        Arguments.of(1, 62.0, 1.0, 2.0),
        Arguments.of(1, 70.0, -1.0, 1.0),
        Arguments.of(2, 70.0, -1.0, 1.0),
        Arguments.of(2, 80.4567, -1.0, 1.0),
        Arguments.of(2, 100.0, -1.0, 1.0));
  }

  @ParameterizedTest(name = "at level {0} and scale 2^{1} (values in [{2}, {3})) the large-coefficient path is exact and decodes")
  @MethodSource("bigScales")
  void encoding_with_a_scale_of_2_to_the_62_or_more_is_exact(
      int level, double logScale, double lo, double hi) {
    Slots v = Slots.random(new SplittableRandom(300 + level), slots, lo, hi, true);
    double scale = Math.pow(2, logScale);
    Plaintext pt = f.encode(v, level, scale);

    // reference: the same embedding, then exact rounding and reduction with big integers
    double[] re = v.re().clone();
    double[] im = v.im().clone();
    encoder.inverseEmbed(re, im);
    double[] coeffs = new double[f.params.n()];
    double largest = 0;
    for (int j = 0; j < slots; j++) {
      coeffs[j] = re[j] * scale;
      coeffs[j + slots] = im[j] * scale;
      largest = Math.max(largest, Math.max(Math.abs(coeffs[j]), Math.abs(coeffs[j + slots])));
    }
    assertThat(largest).as("some scaled coefficient reaches 2^62").isGreaterThanOrEqualTo(0x1p62);
    for (int i = 0; i <= level; i++) {
      BigInteger q = BigInteger.valueOf(f.params.q(i));
      long[] row = new long[coeffs.length];
      for (int j = 0; j < coeffs.length; j++) {
        row[j] = new BigDecimal(Math.rint(coeffs[j])).toBigIntegerExact().mod(q).longValueExact();
      }
      f.context.ring().ntt(i).forward(row);
      assertThat(pt.poly()[i]).as("row %d (prime %d)", i, f.params.q(i)).isEqualTo(row);
    }
    f.assertPrecise("encode at 2^" + logScale, v, pt, f.noise.encoding());
  }

  @Test
  void residue_reduces_any_finite_double_exactly() {
    SplittableRandom rnd = new SplittableRandom(400);
    for (int i = 0; i <= f.maxLevel(); i++) {
      Modulus m = f.context.ring().modulus(i);
      BigInteger q = BigInteger.valueOf(m.q);
      for (int t = 0; t < 2000; t++) {
        double v = Math.scalb(rnd.nextDouble(-1, 1), rnd.nextInt(0, 1000));
        long expected = new BigDecimal(Math.rint(v)).toBigIntegerExact().mod(q).longValueExact();
        assertThat(Encoder.residue(v, m)).as("residue of %s mod %d", v, m.q).isEqualTo(expected);
      }
      for (double v : new double[] {0x1p62, -0x1p62, 0x1p62 - 1024, -0x1p63, 0x1p63, 0.5, -0.5,
          1.5, Double.MAX_VALUE, -Double.MAX_VALUE}) {
        long expected = new BigDecimal(Math.rint(v)).toBigIntegerExact().mod(q).longValueExact();
        assertThat(Encoder.residue(v, m)).as("residue of %s mod %d", v, m.q).isEqualTo(expected);
      }
    }
  }

  @Test
  void decode_returns_real_parts_and_with_an_imaginary_array_both_parts() {
    Slots v = Slots.random(new SplittableRandom(500), slots, true);
    Plaintext pt = f.encode(v, f.maxLevel(), f.scale());
    double[] re = new double[slots];
    double[] im = new double[slots];
    encoder.decode(pt, re, im);
    assertThat(encoder.decode(pt)).as("real-only decode").isEqualTo(re);
    f.assertPrecise("complex decode", v, pt, f.noise.encoding());
    // purely imaginary input: the real parts decode to about zero
    Slots imaginary = new Slots(new double[slots], v.im());
    f.assertPrecise("imaginary decode", imaginary, f.encode(imaginary, 1, f.scale()),
        f.noise.encoding());
  }

  @Test
  void fewer_values_than_slots_leave_the_rest_zero_and_the_default_encode_uses_top_level() {
    Slots v = Slots.random(new SplittableRandom(600), slots, false);
    double[] head = Arrays.copyOf(v.re(), 100);
    Plaintext pt = encoder.encode(head);
    assertThat(pt.level()).isEqualTo(f.maxLevel());
    assertThat(pt.scale()).isEqualTo(f.scale());
    Slots expected = new Slots(Arrays.copyOf(head, slots), new double[slots]);
    f.assertPrecise("short input", expected, pt, f.noise.encoding());
    assertThat(encoder.slots()).isEqualTo(slots);
  }
}
