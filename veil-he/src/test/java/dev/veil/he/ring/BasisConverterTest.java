package dev.veil.he.ring;

import static dev.veil.he.ring.RingTestSupport.big;
import static dev.veil.he.ring.RingTestSupport.deepCopy;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract of a fast basis conversion: the output is {@code x + u A} modulo every destination
 * prime, for one integer u (the same for all destination primes) that is small: below the number
 * r of source primes, and at least -1 (a conversion of the centered representative of x, in
 * (-A/2, A/2], yields u = -1 for some x in the upper half of [0, A)).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class BasisConverterTest {
  private static final int LOG_N = 6;

  /** Source bit sizes, destination bit sizes. */
  static Stream<Arguments> bases() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of(new int[] {40}, new int[] {61, 30}));
    out.add(Arguments.of(new int[] {61}, new int[] {20}));
    out.add(Arguments.of(new int[] {60, 40}, new int[] {61}));
    out.add(Arguments.of(new int[] {40, 40, 40}, new int[] {61, 60, 20}));
    out.add(Arguments.of(new int[] {61, 61, 61, 61}, new int[] {40, 30}));
    out.add(Arguments.of(new int[] {20, 30, 50, 60}, new int[] {61, 61, 40}));
    out.add(Arguments.of(new int[] {61, 61, 61}, new int[] {60, 40, 40, 40, 40, 40}));
    return out.stream();
  }

  private static int[] concatBits(int[] a, int[] b) {
    int[] r = new int[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @ParameterizedTest(name = "{index}: source bits {0} -> destination bits {1}")
  @MethodSource("bases")
  void conversion_is_x_plus_a_small_multiple_of_A_consistently_over_all_destination_primes(
      int[] srcBits, int[] dstBits) {
    long[] primes = Primes.generate(LOG_N, concatBits(srcBits, dstBits));
    int r = srcBits.length;
    // destination rows listed in reverse, so index bookkeeping is exercised
    int[] src = RingContext.range(0, r);
    int[] dst = new int[dstBits.length];
    for (int j = 0; j < dst.length; j++) {
      dst[j] = primes.length - 1 - j;
    }
    BigInteger bigA = BigInteger.ONE;
    for (int i : src) {
      bigA = bigA.multiply(big(primes[i]));
    }
    try (RingContext ring = new RingContext(LOG_N, primes, 1)) {
      int n = ring.n;
      Random rnd = new Random(bigA.longValue());
      BigInteger[] xs = new BigInteger[n];
      for (int k = 0; k < n; k++) {
        xs[k] = new BigInteger(bigA.bitLength() + 8, rnd).mod(bigA);
      }
      // edge values of x: 0, 1, A-1, floor(A/2), ceil(A/2), A/2 - 1
      xs[0] = BigInteger.ZERO;
      xs[1] = BigInteger.ONE;
      xs[2] = bigA.subtract(BigInteger.ONE);
      xs[3] = bigA.shiftRight(1);
      xs[4] = bigA.add(BigInteger.ONE).shiftRight(1);
      xs[5] = bigA.shiftRight(1).subtract(BigInteger.ONE);
      long[][] in = ring.newPoly(r);
      for (int i = 0; i < r; i++) {
        for (int k = 0; k < n; k++) {
          in[i][k] = xs[k].mod(big(primes[src[i]])).longValueExact();
        }
      }
      BasisConverter conv = new BasisConverter(ring, src, dst);
      assertThat(conv.source()).containsExactly(src);
      assertThat(conv.destination()).containsExactly(dst);
      long[][] out = ring.newPoly(dst.length);
      conv.convert(in, out);

      int[] uCount = new int[r + 2];
      for (int k = 0; k < n; k++) {
        Integer u = null;
        for (int cand = -1; cand <= r; cand++) {
          BigInteger value = xs[k].add(bigA.multiply(BigInteger.valueOf(cand)));
          boolean all = true;
          for (int j = 0; j < dst.length; j++) {
            long q = primes[dst[j]];
            assertThat(out[j][k]).as("output range, row %d", j).isBetween(0L, q - 1);
            all &= value.mod(big(q)).longValueExact() == out[j][k];
          }
          if (all) {
            u = cand;
            break;
          }
        }
        assertThat(u)
            .as("coefficient %d: x = %s, outputs %s are x + uA for one u in [-1, %d)",
                k, xs[k], java.util.Arrays.toString(column(out, k)), r)
            .isNotNull()
            .isBetween(-1, r - 1);
        // the conversion is centered and its overflow removed: x itself below A/2, x - A above,
        // except within a relative 2^-40 of A/2, where floating point may pick either lift
        BigInteger distance = xs[k].shiftLeft(1).subtract(bigA).abs();
        if (distance.shiftLeft(40).compareTo(bigA) > 0) {
          int expected = xs[k].shiftLeft(1).compareTo(bigA) < 0 ? 0 : -1;
          assertThat(u).as("coefficient %d: x = %s lifts to its centered value", k, xs[k])
              .isEqualTo(expected);
        }
        uCount[u + 1]++;
      }
      if (r == 1) {
        // a single source prime: nothing to reconstruct, x (or its centered lift) is exact
        assertThat(uCount[2] + uCount[0] + uCount[1]).isEqualTo(n);
        assertThat(uCount[2]).as("u = 1 never happens for one prime").isZero();
      }
    }
  }

  private static long[] column(long[][] p, int k) {
    long[] c = new long[p.length];
    for (int i = 0; i < p.length; i++) {
      c[i] = p[i][k];
    }
    return c;
  }

  @Test
  void small_values_convert_exactly_up_to_a_multiple_of_A() {
    // x = small numbers; the outputs minus x are multiples of A mod b for every b
    long[] primes = Primes.generate(LOG_N, new int[] {50, 50, 61, 40});
    int[] src = {0, 1};
    int[] dst = {2, 3};
    try (RingContext ring = new RingContext(LOG_N, primes, 1)) {
      long[][] in = ring.newPoly(2);
      for (int k = 0; k < ring.n; k++) {
        in[0][k] = k;
        in[1][k] = k;
      }
      long[][] out = ring.newPoly(2);
      new BasisConverter(ring, src, dst).convert(in, out);
      BigInteger bigA = big(primes[0]).multiply(big(primes[1]));
      for (int k = 0; k < ring.n; k++) {
        boolean matched = false;
        for (int u = -1; u <= 2 && !matched; u++) {
          BigInteger v = big(k).add(bigA.multiply(BigInteger.valueOf(u)));
          matched = v.mod(big(primes[2])).longValue() == out[0][k]
              && v.mod(big(primes[3])).longValue() == out[1][k];
        }
        assertThat(matched).as("coefficient %d", k).isTrue();
      }
    }
  }

  @Test
  void prepare_then_convertRow_equals_convert() {
    long[] primes = Primes.generate(LOG_N, new int[] {40, 40, 40, 61, 61});
    int[] src = {0, 1, 2};
    int[] dst = {3, 4};
    try (RingContext ring = new RingContext(LOG_N, primes, 1)) {
      SplittableRandom rnd = new SplittableRandom(9);
      long[][] in = RingTestSupport.uniformPoly(rnd, ring, src);
      BasisConverter conv = new BasisConverter(ring, src, dst);
      long[][] whole = ring.newPoly(2);
      conv.convert(deepCopy(in), whole);
      BasisConverter.Prepared prepared = conv.prepare(deepCopy(in));
      long[][] rows = ring.newPoly(2);
      for (int j = 0; j < dst.length; j++) {
        conv.convertRow(prepared, j, rows[j]);
      }
      assertThat(rows).isDeepEqualTo(whole);
    }
  }

  @Test
  void four_threads_convert_bit_identically_to_one_thread_at_logN_13() {
    int logN = 13;
    long[] primes = Primes.generate(logN, new int[] {60, 40, 40, 40, 61, 61});
    int[] src = {4, 5};
    int[] dst = {0, 1, 2, 3};
    try (RingContext one = new RingContext(logN, primes, 1);
        RingContext four = new RingContext(logN, primes, 4)) {
      long[][] in = RingTestSupport.uniformPoly(new SplittableRandom(13), one, src);
      long[][] o1 = one.newPoly(dst.length);
      long[][] o4 = four.newPoly(dst.length);
      new BasisConverter(one, src, dst).convert(deepCopy(in), o1);
      new BasisConverter(four, src, dst).convert(deepCopy(in), o4);
      assertThat(o4).isDeepEqualTo(o1);
    }
  }
}
