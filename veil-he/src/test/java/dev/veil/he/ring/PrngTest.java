package dev.veil.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class PrngTest {

  private static byte[] seed(long s) {
    byte[] b = new byte[Prng.SEED_BYTES];
    new SplittableRandom(s).nextBytes(b);
    return b;
  }

  private static long[] words(Prng p, int count) {
    long[] w = new long[count];
    for (int i = 0; i < count; i++) {
      w[i] = p.nextLong();
    }
    return w;
  }

  @Test
  void the_same_seed_and_stream_give_the_same_words_across_buffer_refills() {
    // 8192-byte buffer = 1024 words: 3000 words cross two refills
    assertThat(words(new Prng(seed(1), 7), 3000)).containsExactly(words(new Prng(seed(1), 7), 3000));
  }

  @Test
  void words_are_the_aes_ctr_key_stream_read_little_endian() throws Exception {
    // what a seed expands to is a format: a seeded key or ciphertext must decode the same bytes
    byte[] key = seed(9);
    long stream = 0x0102030405060708L;
    byte[] iv = new byte[16];
    for (int i = 0; i < 8; i++) {
      iv[i] = (byte) (stream >>> (8 * i));
    }
    javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
    aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(key, "AES"),
        new javax.crypto.spec.IvParameterSpec(iv));
    byte[] keyStream = aes.update(new byte[8 * 2500]);
    long[] expected = new long[2500];
    for (int w = 0; w < expected.length; w++) {
      for (int b = 7; b >= 0; b--) {
        expected[w] = (expected[w] << 8) | (keyStream[8 * w + b] & 0xFF);
      }
    }
    assertThat(words(new Prng(key, stream), 2500)).containsExactly(expected);
  }

  /**
   * Known answers, fixed bytes: the seed 00 01 .. 1f, stream 0x0102030405060708 (IV 08 07 .. 01
   * then eight zero bytes). The expected key stream was taken from OpenSSL's AES-256-CTR ({@code
   * openssl enc -aes-256-ctr -K 0001..1f -iv 0807060504030201 0000000000000000 -nopad} over zero
   * bytes), not from the JDK cipher this class uses, and the uniform values from that key stream
   * by the documented rule (41-bit mask, reject values not below q).
   */
  @Test
  void seed_expansion_matches_pinned_known_answers() {
    byte[] seed = new byte[Prng.SEED_BYTES];
    for (int i = 0; i < seed.length; i++) {
      seed[i] = (byte) i;
    }
    long stream = 0x0102030405060708L;
    assertThat(words(new Prng(seed, stream), 4)).containsExactly(
        0xcefa19fa5083999fL, 0x995215d95b303c61L, 0xe8a10b666f6cf434L, 0xe54565af3acb48a1L);
    long q = (1L << 40) + 5;
    long[] uniform = new long[8];
    new Prng(seed, stream).fillUniform(uniform, q);
    assertThat(uniform).containsExactly(628767178679L, 242820477646L, 535725025090L,
        64076938826L, 253124098734L, 671487841505L, 842921191581L, 256410810523L);
  }

  @Test
  void fill_uniform_takes_the_words_in_order_and_rejects_those_not_below_q() {
    long q = (1L << 40) + 5; // about half the masked words are rejected
    long mask = (1L << 41) - 1;
    Prng reference = new Prng(seed(5), 3);
    long[] expected = new long[3000]; // crosses buffer refills
    for (int j = 0; j < expected.length; j++) {
      long v;
      do {
        v = reference.nextLong() & mask;
      } while (v >= q);
      expected[j] = v;
    }
    Prng p = new Prng(seed(5), 3);
    long[] first = new long[7];
    long[] rest = new long[2993];
    p.fillUniform(first, q);
    p.fillUniform(rest, q); // continues the same stream
    assertThat(first).containsExactly(java.util.Arrays.copyOf(expected, 7));
    assertThat(rest).containsExactly(java.util.Arrays.copyOfRange(expected, 7, 3000));
    assertThat(p.nextLong()).isEqualTo(reference.nextLong()); // the same words were used up
  }

  @Test
  void a_different_stream_or_seed_gives_different_words() {
    long[] base = words(new Prng(seed(1), 0), 64);
    assertThat(words(new Prng(seed(1), 1), 64)).isNotEqualTo(base);
    assertThat(words(new Prng(seed(2), 0), 64)).isNotEqualTo(base);
    assertThat(words(new Prng(seed(1), Long.MIN_VALUE), 64)).isNotEqualTo(base);
    // streams 1 and 256 differ in another IV byte; word-by-word, nothing matches
    long[] s1 = words(new Prng(seed(1), 1), 256);
    long[] s256 = words(new Prng(seed(1), 256), 256);
    for (int i = 0; i < s1.length; i++) {
      assertThat(s256[i]).isNotEqualTo(s1[i]);
      assertThat(s1[i]).isNotEqualTo(i < base.length ? base[i] : 0L);
    }
  }

  @Test
  void stream_k_is_not_a_shifted_copy_of_stream_0() {
    // a counter-mode stream must not overlap a neighbouring stream's blocks
    long[] s0 = words(new Prng(seed(3), 0), 4096);
    long[] s1 = words(new Prng(seed(3), 1), 64);
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (long w : s0) {
      seen.add(w);
    }
    for (long w : s1) {
      assertThat(seen).doesNotContain(w);
    }
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 16, 31, 33, 64})
  void a_seed_must_be_32_bytes(int length) {
    assertThatThrownBy(() -> new Prng(new byte[length], 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32 bytes");
  }

  @Test
  void words_have_balanced_bits() {
    Prng p = new Prng(seed(4), 0);
    int count = 20_000;
    long[] ones = new long[64];
    for (int i = 0; i < count; i++) {
      long w = p.nextLong();
      for (int b = 0; b < 64; b++) {
        ones[b] += (w >>> b) & 1;
      }
    }
    // each bit: mean 10000, standard deviation 71; 6 sigma bounds
    for (int b = 0; b < 64; b++) {
      assertThat(ones[b]).as("bit %d", b).isBetween(9_575L, 10_425L);
    }
  }

  static Stream<Arguments> moduli() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("small prime", 65_537L));
    out.add(Arguments.of("20-bit prime", Primes.generate(3, new int[] {20})[0]));
    out.add(Arguments.of("just above a power of two", (1L << 40) + 15));
    out.add(Arguments.of("just below a power of two", (1L << 50) - 27));
    out.add(Arguments.of("61-bit prime", Primes.generate(10, new int[] {61})[0]));
    out.add(Arguments.of("three", 3L));
    return out.stream();
  }

  @ParameterizedTest(name = "{0} q = {1}")
  @MethodSource("moduli")
  void fillUniform_stays_below_q_and_passes_a_chi_square_test(String what, long q) {
    Prng p = new Prng(seed(q), 3);
    int buckets = q < 16 ? (int) q : 16;
    long[] out = new long[64_000];
    p.fillUniform(out, q);
    long[] counts = new long[buckets];
    double sum = 0;
    for (long v : out) {
      assertThat(v).isBetween(0L, q - 1);
      int bucket = (int) (java.math.BigInteger.valueOf(v).multiply(java.math.BigInteger.valueOf(buckets))
          .divide(java.math.BigInteger.valueOf(q)).longValue());
      counts[bucket]++;
      sum += v / (double) q;
    }
    double expected = out.length / (double) buckets;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    // 15 degrees of freedom: P(chi2 > 50) is about 1e-5; a biased sampler lands far above
    assertThat(chi2).as("chi-square over %d buckets", buckets).isLessThan(50.0);
    double mean = sum / out.length;
    double meanTarget = q < 16 ? (q - 1) / (2.0 * q) : 0.5;
    // standard deviation of the mean is about 0.0011
    assertThat(mean).isBetween(meanTarget - 0.01, meanTarget + 0.01);
  }

  @Test
  void fillUniform_with_the_same_seed_is_reproducible() {
    long q = Primes.generate(12, new int[] {45})[0];
    long[] a = new long[5000];
    long[] b = new long[5000];
    new Prng(seed(5), 2).fillUniform(a, q);
    new Prng(seed(5), 2).fillUniform(b, q);
    assertThat(a).containsExactly(b);
  }

  @ParameterizedTest(name = "bound {0}")
  @ValueSource(ints = {1, 2, 3, 7, 1000, 1 << 20, Integer.MAX_VALUE})
  void nextInt_stays_below_its_bound(int bound) {
    Prng p = new Prng(seed(bound), 0);
    int max = -1;
    for (int i = 0; i < 5000; i++) {
      int v = p.nextInt(bound);
      assertThat(v).isBetween(0, bound - 1);
      max = Math.max(max, v);
    }
    if (bound <= 1000) {
      assertThat(max).as("the top value is reached").isEqualTo(bound - 1);
    }
  }

  @Test
  void nextDouble_is_in_the_unit_interval_with_mean_one_half() {
    Prng p = new Prng(seed(6), 0);
    double sum = 0;
    for (int i = 0; i < 40_000; i++) {
      double d = p.nextDouble();
      assertThat(d).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
      sum += d;
    }
    // standard deviation of the mean: 0.0014
    assertThat(sum / 40_000).isBetween(0.49, 0.51);
  }

  @Test
  void freshSeed_draws_32_bytes_from_the_given_source() {
    byte[] a = Prng.freshSeed(new RingTestSupport.SeededSecureRandom(1));
    byte[] b = Prng.freshSeed(new RingTestSupport.SeededSecureRandom(1));
    byte[] c = Prng.freshSeed(new RingTestSupport.SeededSecureRandom(2));
    assertThat(a).hasSize(Prng.SEED_BYTES).containsExactly(b);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void uniform_polynomial_rows_are_below_their_own_primes() {
    long[] primes = Primes.generate(5, new int[] {61, 20, 40});
    try (RingContext ring = new RingContext(5, primes, 1)) {
      int[] mods = {1, 0, 2};
      long[][] p = ring.newPoly(3);
      Sampler.uniform(new Prng(seed(7), 0), p, ring, mods);
      long[][] again = ring.newPoly(3);
      Sampler.uniform(new Prng(seed(7), 0), again, ring, mods);
      assertThat(again).isDeepEqualTo(p);
      for (int i = 0; i < 3; i++) {
        long q = primes[mods[i]];
        for (long v : p[i]) {
          assertThat(v).isBetween(0L, q - 1);
        }
      }
      // the 61-bit row uses its top bits: some value is above 2^60
      assertThat(java.util.Arrays.stream(p[1]).max().orElseThrow()).isGreaterThan(1L << 59);
    }
  }
}
