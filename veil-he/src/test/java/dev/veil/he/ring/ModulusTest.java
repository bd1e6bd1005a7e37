package dev.veil.he.ring;

import static dev.veil.he.ring.RingTestSupport.big;
import static dev.veil.he.ring.RingTestSupport.modRef;
import static dev.veil.he.ring.RingTestSupport.mulRef;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ModulusTest {
  private static final int SAMPLES = 4000;

  /** Two primes = 1 mod 2^11 per bit size: the largest, and the one below it. */
  static Stream<Arguments> primes() {
    List<Arguments> out = new ArrayList<>();
    for (int bits : new int[] {20, 30, 40, 50, 60, 61}) {
      for (long q : Primes.generate(10, new int[] {bits, bits})) {
        out.add(Arguments.of(bits, q));
      }
    }
    return out.stream();
  }

  /** Edge values and random values in [0, q). */
  private static long[] operands(long q, SplittableRandom rnd) {
    long[] edges = {0, 1, 2, q - 1, q - 2, q / 2, (q + 1) / 2};
    long[] out = new long[edges.length + SAMPLES];
    System.arraycopy(edges, 0, out, 0, edges.length);
    for (int i = edges.length; i < out.length; i++) {
      out[i] = rnd.nextLong(q);
    }
    return out;
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void constants_are_the_documented_ones(int bits, long q) {
    Modulus m = new Modulus(q);
    assertThat(m.q).isEqualTo(q);
    assertThat(m.bits).isEqualTo(bits);
    assertThat(big(m.mu))
        .isEqualTo(BigInteger.ONE.shiftLeft(62 + bits).divide(big(q)))
        .isLessThan(BigInteger.ONE.shiftLeft(63));
    assertThat(m.toString()).contains(Long.toString(q)).contains(bits + " bits");
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void mul_and_static_mulMod_agree_with_BigInteger_including_edge_values(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q ^ 0x5EED);
    long[] xs = operands(q, rnd);
    long[] ys = operands(q, rnd);
    // every pair of edge values
    for (int i = 0; i < 7; i++) {
      for (int j = 0; j < 7; j++) {
        assertThat(m.mul(xs[i], ys[j])).as("%d * %d", xs[i], ys[j])
            .isEqualTo(mulRef(xs[i], ys[j], q));
      }
    }
    for (int i = 0; i < xs.length; i++) {
      long expected = mulRef(xs[i], ys[i], q);
      assertThat(m.mul(xs[i], ys[i])).as("%d * %d", xs[i], ys[i]).isEqualTo(expected);
      assertThat(Modulus.mulMod(xs[i], ys[i], q, m.bits, m.mu)).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void reduce_maps_every_non_negative_long_into_the_range_0_to_q(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q + 17);
    List<Long> xs = new ArrayList<>(List.of(0L, 1L, q - 1, q, q + 1, 2 * q - 1, 2 * q, 3 * q + 5,
        Long.MAX_VALUE, Long.MAX_VALUE - 1, Long.MAX_VALUE - q, (Long.MAX_VALUE / q) * q,
        (Long.MAX_VALUE / q) * q - 1));
    if (bits <= 31) {
      xs.add((q - 1) * (q - 1));
    }
    for (int i = 0; i < SAMPLES; i++) {
      xs.add(rnd.nextLong() >>> 1); // full 63-bit range
      xs.add(rnd.nextLong(1L << Math.min(62, 2 * bits))); // products below q^2
      xs.add(rnd.nextLong(4 * q)); // lazily reduced values
    }
    for (long x : xs) {
      assertThat(m.reduce(x)).as("reduce(%d)", x).isEqualTo(modRef(x, q));
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void reduceSigned_handles_negative_values_and_Long_MIN_VALUE(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q * 31);
    List<Long> xs = new ArrayList<>(List.of(0L, 1L, -1L, q, -q, q - 1, -(q - 1), -q - 1,
        -2 * q, Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE, -Long.MAX_VALUE));
    for (int i = 0; i < SAMPLES; i++) {
      xs.add(rnd.nextLong());
      xs.add(-rnd.nextLong(4 * q));
      xs.add(rnd.nextLong(-64, 64));
    }
    for (long x : xs) {
      long r = m.reduceSigned(x);
      assertThat(r).as("reduceSigned(%d)", x).isEqualTo(modRef(x, q)).isBetween(0L, q - 1);
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void instance_shoup_equals_the_BigInteger_static_shoup(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q - 99);
    for (long w : operands(q, rnd)) {
      long expected = big(w).shiftLeft(64).divide(big(q)).longValue();
      assertThat(Modulus.shoup(w, q)).as("static shoup(%d)", w).isEqualTo(expected);
      assertThat(m.shoup(w)).as("fast shoup(%d)", w).isEqualTo(expected);
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void mulShoup_is_exact_and_mulShoupLazy_stays_below_2q_for_any_63_bit_input(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q ^ 0xABCDEFL);
    long[] ws = operands(q, rnd);
    for (int i = 0; i < ws.length; i++) {
      long w = ws[i];
      long ws64 = Modulus.shoup(w, q);
      long[] xs = {
        0, 1, q - 1, q, 2 * q - 1, 4 * q - 1, Long.MAX_VALUE, rnd.nextLong() >>> 1,
        rnd.nextLong(q), rnd.nextLong(4 * q)
      };
      for (long x : xs) {
        long expected = mulRef(modRef(x, q), w, q);
        long lazy = Modulus.mulShoupLazy(x, w, ws64, q);
        assertThat(lazy).as("mulShoupLazy(%d, %d)", x, w).isBetween(0L, 2 * q - 1);
        assertThat(lazy % q).isEqualTo(expected);
        assertThat(Modulus.mulShoup(x, w, ws64, q)).as("mulShoup(%d, %d)", x, w)
            .isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void add_and_sub_wrap_around_q(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q + 5);
    long[] xs = operands(q, rnd);
    long[] ys = operands(q, rnd);
    for (int i = 0; i < xs.length; i++) {
      assertThat(m.add(xs[i], ys[i])).isEqualTo(big(xs[i]).add(big(ys[i])).mod(big(q))
          .longValueExact());
      assertThat(m.sub(xs[i], ys[i])).isEqualTo(big(xs[i]).subtract(big(ys[i])).mod(big(q))
          .longValueExact());
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void pow_agrees_with_BigInteger_modPow(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q * 7 + 3);
    assertThat(m.pow(0, 0)).isEqualTo(1);
    assertThat(m.pow(q - 1, 0)).isEqualTo(1);
    assertThat(m.pow(0, 5)).isZero();
    assertThat(m.pow(1, Long.MAX_VALUE)).isEqualTo(1);
    assertThat(m.pow(q - 1, 3)).isEqualTo(q - 1);
    assertThat(m.pow(q - 1, 2)).isEqualTo(1);
    // Fermat: a^(q-1) = 1
    assertThat(m.pow(2, q - 1)).isEqualTo(1);
    for (int i = 0; i < 300; i++) {
      long base = i % 3 == 0 ? rnd.nextLong() >>> 1 : rnd.nextLong(q); // also bases above q
      long exp = i % 2 == 0 ? rnd.nextLong(1000) : rnd.nextLong() >>> 1;
      assertThat(m.pow(base, exp)).as("%d^%d", base, exp)
          .isEqualTo(big(base).modPow(big(exp), big(q)).longValueExact());
    }
  }

  @ParameterizedTest(name = "{0}-bit q = {1}")
  @MethodSource("primes")
  void inv_agrees_with_BigInteger_modInverse_and_refuses_zero(int bits, long q) {
    Modulus m = new Modulus(q);
    SplittableRandom rnd = new SplittableRandom(q * 11);
    long[] as = {1, 2, q - 1, q - 2, q + 1};
    for (long a : as) {
      assertThat(m.inv(a)).as("inv(%d)", a).isEqualTo(big(a).modInverse(big(q)).longValueExact());
    }
    assertThat(m.inv(q - 1)).isEqualTo(q - 1);
    for (int i = 0; i < 300; i++) {
      long a = 1 + rnd.nextLong(q - 1);
      long inv = m.inv(a);
      assertThat(inv).isEqualTo(big(a).modInverse(big(q)).longValueExact());
      assertThat(mulRef(a, inv, q)).isEqualTo(1);
    }
    assertThatThrownBy(() -> m.inv(0)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> m.inv(q)).isInstanceOf(ArithmeticException.class);
  }

  @ParameterizedTest(name = "q = {0}")
  @ValueSource(longs = {Long.MIN_VALUE, -7, 0, 1, 2, 1L << 61, (1L << 61) + 1, Long.MAX_VALUE})
  void constructor_rejects_moduli_outside_3_to_2_pow_61(long q) {
    assertThatThrownBy(() -> new Modulus(q))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("modulus");
  }

  @Test
  void largest_accepted_modulus_is_2_pow_61_minus_1_a_Mersenne_prime() {
    long q = (1L << 61) - 1;
    Modulus m = new Modulus(q);
    assertThat(m.bits).isEqualTo(61);
    SplittableRandom rnd = new SplittableRandom(61);
    for (int i = 0; i < SAMPLES; i++) {
      long a = rnd.nextLong(q);
      long b = rnd.nextLong(q);
      assertThat(m.mul(a, b)).isEqualTo(mulRef(a, b, q));
    }
    assertThat(m.mul(q - 1, q - 1)).isEqualTo(1);
  }

  @Test
  void mulHiUnsigned_is_the_unsigned_high_word_of_the_128_bit_product() {
    SplittableRandom rnd = new SplittableRandom(128);
    BigInteger mask = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    long[] edges = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE};
    List<long[]> pairs = new ArrayList<>();
    for (long a : edges) {
      for (long b : edges) {
        pairs.add(new long[] {a, b});
      }
    }
    IntStream.range(0, SAMPLES).forEach(i -> pairs.add(new long[] {rnd.nextLong(), rnd.nextLong()}));
    for (long[] p : pairs) {
      BigInteger ua = big(p[0]).and(mask);
      BigInteger ub = big(p[1]).and(mask);
      long expected = ua.multiply(ub).shiftRight(64).longValue();
      assertThat(Modulus.mulHiUnsigned(p[0], p[1])).as("%d * %d", p[0], p[1])
          .isEqualTo(expected);
    }
  }

  @Test
  void small_odd_moduli_that_are_not_word_primes_still_reduce_correctly() {
    // the kernels need no primality except inv; a few tiny and composite moduli
    for (long q : new long[] {3, 5, 7, 9, 15, 1_000_001, (1L << 32) + 15, (1L << 40) - 87}) {
      Modulus m = new Modulus(q);
      SplittableRandom rnd = new SplittableRandom(q);
      for (int i = 0; i < 500; i++) {
        long a = rnd.nextLong(q);
        long b = rnd.nextLong(q);
        long x = rnd.nextLong() >>> 1;
        assertThat(m.mul(a, b)).as("q=%d %d*%d", q, a, b).isEqualTo(mulRef(a, b, q));
        assertThat(m.reduce(x)).as("q=%d reduce(%d)", q, x).isEqualTo(modRef(x, q));
        assertThat(m.reduceSigned(-x)).isEqualTo(modRef(-x, q));
        assertThat(m.shoup(a)).isEqualTo(Modulus.shoup(a, q));
      }
    }
  }
}
