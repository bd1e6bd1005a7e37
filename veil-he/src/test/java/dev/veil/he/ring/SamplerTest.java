package dev.veil.he.ring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ring.RingTestSupport.SeededSecureRandom;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class SamplerTest {

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void ternary_coefficients_are_minus_one_zero_or_one_each_about_a_third_of_the_time(long seed) {
    int n = 30_000;
    byte[] s = Sampler.ternary(n, new SeededSecureRandom(seed));
    assertThat(s).hasSize(n);
    int[] counts = new int[3];
    for (byte b : s) {
      assertThat(b).isBetween((byte) -1, (byte) 1);
      counts[b + 1]++;
    }
    // expected 10000 each, standard deviation 82: 6 sigma bounds
    for (int c = 0; c < 3; c++) {
      assertThat(counts[c]).as("count of %d", c - 1).isBetween(9_510, 10_490);
    }
  }

  @Test
  void samplers_are_reproducible_from_the_random_source_and_differ_between_sources() {
    assertThat(Sampler.ternary(512, new SeededSecureRandom(9)))
        .containsExactly(Sampler.ternary(512, new SeededSecureRandom(9)))
        .isNotEqualTo(Sampler.ternary(512, new SeededSecureRandom(10)));
    assertThat(Sampler.gaussian(512, 3.2, new SeededSecureRandom(9)))
        .containsExactly(Sampler.gaussian(512, 3.2, new SeededSecureRandom(9)))
        .isNotEqualTo(Sampler.gaussian(512, 3.2, new SeededSecureRandom(10)));
    assertThat(Sampler.hammingWeight(512, 64, new SeededSecureRandom(9)))
        .containsExactly(Sampler.hammingWeight(512, 64, new SeededSecureRandom(9)))
        .isNotEqualTo(Sampler.hammingWeight(512, 64, new SeededSecureRandom(10)));
  }

  @ParameterizedTest(name = "N = {0}, h = {1}")
  @CsvSource({"8, 1", "8, 8", "1024, 64", "4096, 192", "8192, 8192"})
  void hammingWeight_has_exactly_h_nonzero_coefficients_of_plus_or_minus_one(int n, int h) {
    byte[] s = Sampler.hammingWeight(n, h, new SeededSecureRandom(n * 31L + h));
    assertThat(s).hasSize(n);
    int nonzero = 0;
    int plus = 0;
    for (byte b : s) {
      assertThat(b).isBetween((byte) -1, (byte) 1);
      if (b != 0) {
        nonzero++;
      }
      if (b == 1) {
        plus++;
      }
    }
    assertThat(nonzero).isEqualTo(h);
    if (h >= 192) {
      // signs: binomial(h, 1/2), 6 sigma
      double sd = Math.sqrt(h) / 2;
      assertThat((double) plus).isBetween(h / 2.0 - 6 * sd, h / 2.0 + 6 * sd);
    }
  }

  @Test
  void hammingWeight_positions_are_spread_over_the_whole_vector() {
    int n = 1024;
    int h = 64;
    int[] hits = new int[8]; // per eighth of the vector
    for (int rep = 0; rep < 200; rep++) {
      byte[] s = Sampler.hammingWeight(n, h, new SeededSecureRandom(1000 + rep));
      for (int i = 0; i < n; i++) {
        if (s[i] != 0) {
          hits[i / (n / 8)]++;
        }
      }
    }
    // 12800 nonzeros, 1600 per eighth expected, standard deviation about 37
    for (int part = 0; part < 8; part++) {
      assertThat(hits[part]).as("eighth %d", part).isBetween(1_380, 1_820);
    }
  }

  @ParameterizedTest(name = "h = {0}")
  @ValueSource(ints = {0, -1, 65})
  void hammingWeight_refuses_a_weight_outside_1_to_N(int h) {
    assertThatThrownBy(() -> Sampler.hammingWeight(64, h, new SeededSecureRandom(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Hamming weight");
  }

  @ParameterizedTest(name = "sigma = {0}")
  @ValueSource(doubles = {3.2, 1.0, 8.0})
  void gaussian_has_mean_zero_the_requested_deviation_and_no_tail_beyond_six_sigma(double sigma) {
    int n = 40_000;
    long[] e = Sampler.gaussian(n, sigma, new SeededSecureRandom((long) (sigma * 100)));
    assertThat(e).hasSize(n);
    double sum = 0;
    double sumSq = 0;
    long maxAbs = 0;
    for (long v : e) {
      sum += v;
      sumSq += (double) v * v;
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    double mean = sum / n;
    double std = Math.sqrt(sumSq / n - mean * mean);
    // rounding adds variance 1/12
    double expectedStd = Math.sqrt(sigma * sigma + 1.0 / 12);
    assertThat(mean).as("mean").isBetween(-8 * sigma / Math.sqrt(n), 8 * sigma / Math.sqrt(n));
    assertThat(std).as("standard deviation").isBetween(expectedStd * 0.97, expectedStd * 1.03);
    assertThat((double) maxAbs).as("largest |e|").isLessThanOrEqualTo(6 * sigma);
    // the tail is there: some values beyond 3 sigma
    long beyond3 = java.util.Arrays.stream(e).filter(v -> Math.abs(v) > 3 * sigma + 0.5).count();
    assertThat(beyond3).as("values beyond 3 sigma").isBetween(10L, 400L);
  }

  @Test
  void toRns_writes_small_signed_values_modulo_each_row_prime() {
    long[] primes = Primes.generate(4, new int[] {61, 30, 20});
    try (RingContext ring = new RingContext(4, primes, 1)) {
      int[] mods = {2, 0, 1};
      SplittableRandom rnd = new SplittableRandom(5);
      long[] small = new long[ring.n];
      byte[] tiny = new byte[ring.n];
      for (int j = 0; j < ring.n; j++) {
        small[j] = rnd.nextLong(-40, 41);
        tiny[j] = (byte) rnd.nextInt(-1, 2);
      }
      // values beyond the smallest prime, and of either sign
      small[0] = primes[2] + 5;
      small[1] = -primes[2] - 5;
      small[2] = Long.MAX_VALUE;
      small[3] = -Long.MAX_VALUE;
      small[4] = 0;
      long[][] out = ring.newPoly(3);
      long[][] outTiny = ring.newPoly(3);
      Sampler.toRns(ring, small, out, mods);
      Sampler.toRns(ring, tiny, outTiny, mods);
      for (int i = 0; i < mods.length; i++) {
        long q = primes[mods[i]];
        for (int j = 0; j < ring.n; j++) {
          assertThat(out[i][j]).as("row %d, value %d", i, small[j])
              .isEqualTo(RingTestSupport.modRef(small[j], q));
          assertThat(outTiny[i][j]).isEqualTo(RingTestSupport.modRef(tiny[j], q));
        }
      }
    }
  }
}
