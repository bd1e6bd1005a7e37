package dev.veil.he.ring;

import static dev.veil.he.ring.RingTestSupport.big;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrimesTest {

  private static boolean reference(long n) {
    return n >= 2 && big(n).isProbablePrime(64);
  }

  @Test
  void isPrime_agrees_with_BigInteger_on_every_number_below_100000() {
    for (long n = -5; n < 100_000; n++) {
      assertThat(Primes.isPrime(n)).as("isPrime(%d)", n).isEqualTo(reference(n));
    }
  }

  @ParameterizedTest(name = "Carmichael number {0}")
  @ValueSource(longs = {
    561, 1105, 1729, 2465, 2821, 6601, 8911, 10585, 15841, 29341, 41041, 46657, 52633, 62745,
    63973, 75361, 101101, 115921, 126217, 162401, 172081, 188461, 252601, 278545, 294409,
    314821, 334153, 340561, 399001, 410041, 449065, 488881, 512461, 3_215_031_751L,
    9_999_109_081L, 1_436_697_831_295_441L
  })
  void isPrime_rejects_Carmichael_numbers(long n) {
    assertThat(reference(n)).as("test data: %d is composite", n).isFalse();
    assertThat(Primes.isPrime(n)).isFalse();
  }

  @ParameterizedTest(name = "strong pseudoprime {0}")
  @ValueSource(longs = {
    // strong pseudoprimes to base 2
    2047, 3277, 4033, 4681, 8321, 15841, 29341, 42799, 49141, 52633, 65281, 74665, 80581,
    85489, 88357, 90751,
    // to bases 2, 3
    1_373_653L, 25_326_001L,
    // to bases 2, 3, 5
    3_215_031_751L,
    // to bases 2 .. 11
    2_152_302_898_747L,
    // to bases 2 .. 13
    3_474_749_660_383L,
    // to bases 2 .. 19
    341_550_071_728_321L,
    // to bases 2 .. 31
    3_825_123_056_546_413_051L
  })
  void isPrime_rejects_strong_pseudoprimes(long n) {
    assertThat(reference(n)).as("test data: %d is composite", n).isFalse();
    assertThat(Primes.isPrime(n)).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(longs = {
    2, 3, 37, 41, 2_147_483_647L, 4_294_967_291L, 1_000_000_007L, 2_305_843_009_213_693_951L,
    9_223_372_036_854_775_783L, 4_611_686_018_427_387_847L
  })
  void isPrime_accepts_known_primes(long p) {
    assertThat(reference(p)).isTrue();
    assertThat(Primes.isPrime(p)).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(longs = {
    Long.MAX_VALUE, Long.MIN_VALUE, 4_611_686_014_132_420_609L /* (2^31-1)^2 */,
    4_294_967_297L /* F5 */, 18_446_744_073_709_551L /* composite 17 digits */,
    1_000_000_016_000_000_063L /* (1e9+7)(1e9+9) */
  })
  void isPrime_rejects_squares_products_and_extremes(long n) {
    assertThat(Primes.isPrime(n)).isEqualTo(reference(n));
  }

  @Test
  void isPrime_agrees_with_BigInteger_on_random_numbers_of_every_size() {
    SplittableRandom rnd = new SplittableRandom(2024);
    int primes = 0;
    for (int bits = 2; bits <= 63; bits++) {
      for (int i = 0; i < 150; i++) {
        long n = (rnd.nextLong() >>> (64 - bits)) | 1 | (1L << (bits - 1));
        boolean expected = reference(n);
        primes += expected ? 1 : 0;
        assertThat(Primes.isPrime(n)).as("isPrime(%d)", n).isEqualTo(expected);
      }
    }
    assertThat(primes).as("the sample contains primes too").isGreaterThan(300);
  }

  @Test
  void isPrime_agrees_with_BigInteger_on_products_of_two_random_primes() {
    SplittableRandom rnd = new SplittableRandom(77);
    for (int i = 0; i < 300; i++) {
      int bits = 4 + rnd.nextInt(28);
      BigInteger p = BigInteger.probablePrime(bits, new java.util.Random(rnd.nextLong()));
      BigInteger q = BigInteger.probablePrime(63 - bits - 1, new java.util.Random(rnd.nextLong()));
      long n = p.multiply(q).longValueExact();
      assertThat(Primes.isPrime(n)).as("%s * %s", p, q).isFalse();
    }
  }

  @ParameterizedTest(name = "logN {0}, bits {1}")
  @CsvSource({
    "3, 20", "10, 18", "10, 30", "12, 40", "13, 50", "14, 60", "15, 61", "16, 40", "16, 61"
  })
  void generate_returns_distinct_primes_congruent_to_1_mod_2N_with_exact_bit_length(
      int logN, int bits) {
    int[] sizes = new int[6];
    Arrays.fill(sizes, bits);
    if (bits == 18 && logN == 10) {
      sizes = new int[] {18, 18, 18};
    }
    long[] ps = Primes.generate(logN, sizes);
    long twoN = 2L << logN;
    assertThat(ps).hasSize(sizes.length).doesNotHaveDuplicates();
    for (long p : ps) {
      assertThat(reference(p)).as("%d is prime", p).isTrue();
      assertThat(p % twoN).as("%d mod 2N", p).isEqualTo(1);
      assertThat(64 - Long.numberOfLeadingZeros(p)).as("bit length of %d", p).isEqualTo(bits);
    }
    // "largest first": descending, and no unused candidate between them is prime
    for (int i = 1; i < ps.length; i++) {
      assertThat(ps[i]).isLessThan(ps[i - 1]);
    }
    for (long c = ps[ps.length - 1] + twoN; c < (1L << bits); c += twoN) {
      long cc = c;
      if (LongStream.of(ps).noneMatch(p -> p == cc)) {
        assertThat(reference(c)).as("skipped candidate %d", c).isFalse();
      }
    }
  }

  @Test
  void generate_serves_mixed_sizes_in_request_order() {
    int[] sizes = {60, 40, 40, 61, 40, 30, 60};
    long[] ps = Primes.generate(13, sizes);
    for (int i = 0; i < sizes.length; i++) {
      assertThat(64 - Long.numberOfLeadingZeros(ps[i])).isEqualTo(sizes[i]);
    }
    assertThat(ps).doesNotHaveDuplicates();
  }

  @Test
  void generate_is_deterministic() {
    int[] sizes = {60, 40, 40, 40, 61, 61};
    assertThat(Primes.generate(14, sizes)).containsExactly(Primes.generate(14, sizes));
    assertThat(Primes.generate(3, new int[] {20})).containsExactly(1_048_433L);
  }

  @ParameterizedTest(name = "bits {0}")
  @ValueSource(ints = {-1, 0, 17, 62, 64})
  void generate_rejects_bit_sizes_outside_18_to_61(int bits) {
    assertThatThrownBy(() -> Primes.generate(10, new int[] {40, bits}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bit size")
        .hasMessageContaining(Integer.toString(bits));
  }

  @Test
  void generate_fails_when_2N_exceeds_the_prime_size() {
    // 2N = 2^19 > 2^18: no 18-bit number is 1 mod 2N except 1
    assertThatThrownBy(() -> Primes.generate(18, new int[] {18}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("18-bit");
  }

  @Test
  void generate_fails_when_the_supply_of_primes_runs_out() {
    // count the 20-bit primes = 1 mod 2^14 and ask for one more
    long twoN = 1L << 14;
    int available = 0;
    for (long c = (1L << 19) + 1; c < (1L << 20); c += twoN) {
      available += reference(c) ? 1 : 0;
    }
    int[] exact = new int[available];
    Arrays.fill(exact, 20);
    assertThat(Primes.generate(13, exact)).hasSize(available);
    int[] tooMany = new int[available + 1];
    Arrays.fill(tooMany, 20);
    assertThatThrownBy(() -> Primes.generate(13, tooMany))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no unused 20-bit prime");
  }

  @ParameterizedTest(name = "logN {0}, bits {1}")
  @CsvSource({"3, 20", "5, 30", "10, 40", "12, 50", "13, 60", "14, 61", "16, 61"})
  void primitiveRoot2N_has_order_exactly_2N_and_is_the_smallest_such_root(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    long psi = Primes.primitiveRoot2N(q, logN);
    BigInteger bq = big(q);
    BigInteger bpsi = big(psi);
    long n = 1L << logN;
    assertThat(psi).isBetween(2L, q - 1);
    assertThat(bpsi.modPow(big(n), bq)).as("psi^N = -1").isEqualTo(bq.subtract(BigInteger.ONE));
    assertThat(bpsi.modPow(big(2 * n), bq)).as("psi^2N = 1").isEqualTo(BigInteger.ONE);
    // 2N is a power of two, so psi^N = -1 already excludes every smaller order; check a few anyway
    for (long d = 1; d < 2 * n && d <= 1024; d++) {
      assertThat(bpsi.modPow(big(d), bq)).as("psi^%d", d).isNotEqualTo(BigInteger.ONE);
    }
    // canonical: no odd power of psi (the other primitive 2N-th roots) is smaller
    BigInteger cur = bpsi;
    BigInteger psi2 = bpsi.multiply(bpsi).mod(bq);
    for (long k = 1; k < 2 * n; k += 2) {
      assertThat(cur.longValueExact()).as("psi^%d", k).isGreaterThanOrEqualTo(psi);
      cur = cur.multiply(psi2).mod(bq);
    }
    assertThat(Primes.primitiveRoot2N(q, logN)).as("deterministic").isEqualTo(psi);
  }

  @Test
  void primitiveRoot2N_of_the_small_test_prime_is_pinned() {
    assertThat(Primes.primitiveRoot2N(1_048_433L, 3)).isEqualTo(63_334L);
    // brute force: no smaller x has x^8 = -1
    Modulus m = new Modulus(1_048_433L);
    for (long x = 2; x < 63_334L; x++) {
      assertThat(m.pow(x, 8)).isNotEqualTo(1_048_432L);
    }
  }

  @Test
  void primitiveRoot2N_refuses_a_prime_that_is_not_1_mod_2N() {
    assertThatThrownBy(() -> Primes.primitiveRoot2N(1_000_000_007L, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not 1 mod 2N");
  }
}
