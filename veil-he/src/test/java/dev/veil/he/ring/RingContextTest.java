package dev.veil.he.ring;

import static dev.veil.he.ring.RingTestSupport.big;
import static dev.veil.he.ring.RingTestSupport.deepCopy;
import static dev.veil.he.ring.RingTestSupport.mulRef;
import static dev.veil.he.ring.RingTestSupport.uniformPoly;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
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
class RingContextTest {

  /** Mixed sizes, so that a kernel using the wrong row's prime gets caught. */
  private static final int[] BITS = {61, 30, 40, 50, 60, 20, 36};

  private static RingContext ring(int logN, int threads) {
    return new RingContext(logN, Primes.generate(logN, BITS), threads);
  }

  /** Row i under prime mods[i]; deliberately not the identity mapping. */
  private static final int[] MODS = {2, 0, 6, 5, 1};

  // ------------------------------------------------------------ kernels against BigInteger

  @Test
  void add_sub_and_neg_agree_with_BigInteger_row_by_row() {
    try (RingContext r = ring(6, 1)) {
      SplittableRandom rnd = new SplittableRandom(1);
      long[][] a = uniformPoly(rnd, r, MODS);
      long[][] b = uniformPoly(rnd, r, MODS);
      setEdges(r, a, b);
      long[][] sum = r.newPoly(MODS.length);
      long[][] diff = r.newPoly(MODS.length);
      long[][] neg = r.newPoly(MODS.length);
      r.add(a, b, sum, MODS);
      r.sub(a, b, diff, MODS);
      r.neg(a, neg, MODS);
      for (int i = 0; i < MODS.length; i++) {
        long q = r.modulus(MODS[i]).q;
        for (int j = 0; j < r.n; j++) {
          assertThat(sum[i][j]).isEqualTo(big(a[i][j]).add(big(b[i][j])).mod(big(q)).longValue());
          assertThat(diff[i][j])
              .isEqualTo(big(a[i][j]).subtract(big(b[i][j])).mod(big(q)).longValue());
          assertThat(neg[i][j]).isEqualTo(big(a[i][j]).negate().mod(big(q)).longValue());
        }
      }
    }
  }

  @Test
  void mul_mulAdd_and_mulScalar_agree_with_BigInteger_row_by_row() {
    try (RingContext r = ring(6, 1)) {
      SplittableRandom rnd = new SplittableRandom(2);
      long[][] a = uniformPoly(rnd, r, MODS);
      long[][] b = uniformPoly(rnd, r, MODS);
      long[][] acc = uniformPoly(rnd, r, MODS);
      setEdges(r, a, b);
      long[] constants = new long[MODS.length];
      for (int i = 0; i < MODS.length; i++) {
        long q = r.modulus(MODS[i]).q;
        constants[i] = i == 0 ? q - 1 : rnd.nextLong(q);
      }
      long[][] prod = r.newPoly(MODS.length);
      long[][] scaled = r.newPoly(MODS.length);
      long[][] accOut = deepCopy(acc);
      r.mul(a, b, prod, MODS);
      r.mulAdd(a, b, accOut, MODS);
      r.mulScalar(a, constants, scaled, MODS);
      for (int i = 0; i < MODS.length; i++) {
        long q = r.modulus(MODS[i]).q;
        for (int j = 0; j < r.n; j++) {
          long p = mulRef(a[i][j], b[i][j], q);
          assertThat(prod[i][j]).as("mul row %d col %d", i, j).isEqualTo(p);
          assertThat(accOut[i][j]).as("mulAdd row %d col %d", i, j)
              .isEqualTo(big(p).add(big(acc[i][j])).mod(big(q)).longValue());
          assertThat(scaled[i][j]).as("mulScalar row %d col %d", i, j)
              .isEqualTo(mulRef(a[i][j], constants[i], q));
        }
      }
    }
  }

  @Test
  void static_mulScalarAdd_agrees_with_BigInteger() {
    try (RingContext r = ring(6, 1)) {
      SplittableRandom rnd = new SplittableRandom(3);
      for (int k = 0; k < r.moduliCount(); k++) {
        Modulus m = r.modulus(k);
        long[] a = RingTestSupport.uniformRow(rnd, r.n, m.q);
        long[] acc = RingTestSupport.uniformRow(rnd, r.n, m.q);
        long c = rnd.nextLong(m.q);
        long[] out = acc.clone();
        RingContext.mulScalarAdd(a, c, out, m);
        for (int j = 0; j < r.n; j++) {
          assertThat(out[j])
              .isEqualTo(big(a[j]).multiply(big(c)).add(big(acc[j])).mod(big(m.q)).longValue());
        }
      }
    }
  }

  @Test
  void kernels_may_write_into_one_of_their_inputs() {
    try (RingContext r = ring(5, 1)) {
      SplittableRandom rnd = new SplittableRandom(4);
      long[][] a = uniformPoly(rnd, r, MODS);
      long[][] b = uniformPoly(rnd, r, MODS);
      long[][] expected = r.newPoly(MODS.length);
      r.mul(a, b, expected, MODS);
      long[][] inPlace = deepCopy(a);
      r.mul(inPlace, b, inPlace, MODS);
      assertThat(inPlace).isDeepEqualTo(expected);
      r.add(a, b, expected, MODS);
      inPlace = deepCopy(b);
      r.add(a, inPlace, inPlace, MODS);
      assertThat(inPlace).isDeepEqualTo(expected);
      r.sub(a, b, expected, MODS);
      inPlace = deepCopy(a);
      r.sub(inPlace, b, inPlace, MODS);
      assertThat(inPlace).isDeepEqualTo(expected);
      r.neg(a, expected, MODS);
      inPlace = deepCopy(a);
      r.neg(inPlace, inPlace, MODS);
      assertThat(inPlace).isDeepEqualTo(expected);
    }
  }

  /** Puts the extreme operand pairs (0, q-1), (q-1, q-1), (q-1, 0), (1, q-1) in each row. */
  private static void setEdges(RingContext r, long[][] a, long[][] b) {
    for (int i = 0; i < MODS.length; i++) {
      long q = r.modulus(MODS[i]).q;
      a[i][0] = 0;
      b[i][0] = q - 1;
      a[i][1] = q - 1;
      b[i][1] = q - 1;
      a[i][2] = q - 1;
      b[i][2] = 0;
      a[i][3] = 1;
      b[i][3] = q - 1;
      a[i][4] = 0;
      b[i][4] = 0;
    }
  }

  // ------------------------------------------------------------ transforms

  @Test
  void forward_and_inverse_ntt_use_the_prime_of_each_row() {
    try (RingContext r = ring(7, 1)) {
      SplittableRandom rnd = new SplittableRandom(5);
      long[][] a = uniformPoly(rnd, r, MODS);
      long[][] t = deepCopy(a);
      r.forwardNtt(t, MODS);
      for (int i = 0; i < MODS.length; i++) {
        long[] row = a[i].clone();
        r.ntt(MODS[i]).forward(row);
        assertThat(t[i]).as("row %d", i).containsExactly(row);
      }
      r.inverseNtt(t, MODS);
      assertThat(t).isDeepEqualTo(a);
    }
  }

  // ------------------------------------------------------------ automorphisms

  /** {@code a(X) -> a(X^g)} in coefficient form: a_i X^i -> +-a_i X^(i g mod N). */
  private static long[] automorphismCoeff(long[] a, long g, long q) {
    int n = a.length;
    long twoN = 2L * n;
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      long e = (i * g) % twoN;
      if (e < n) {
        out[(int) e] = a[i];
      } else {
        out[(int) (e - n)] = a[i] == 0 ? 0 : q - a[i];
      }
    }
    return out;
  }

  static Stream<Arguments> galoisElements() {
    List<Arguments> out = new ArrayList<>();
    for (int logN : new int[] {3, 6, 10}) {
      long twoN = 2L << logN;
      List<Long> gs = new ArrayList<>(List.of(1L, 3L, twoN - 1, twoN - 5, twoN / 2 + 1));
      long p = 1;
      for (int k = 1; k <= 4; k++) {
        p = p * 5 % twoN;
        gs.add(p);
      }
      gs.add((twoN - 1) * 25 % twoN); // conjugation after a rotation
      for (long g : gs.stream().distinct().toList()) {
        out.add(Arguments.of(logN, g));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "logN {0}, g = {1}")
  @MethodSource("galoisElements")
  void galois_permutation_in_ntt_form_equals_the_coefficient_automorphism(int logN, long g) {
    try (RingContext r = ring(logN, 1)) {
      SplittableRandom rnd = new SplittableRandom(logN * 1000L + g);
      int[] mods = {0, 1, 2};
      long[][] a = uniformPoly(rnd, r, mods);
      a[0][1] = 0; // a zero coefficient that lands in the sign-flipped half
      long[][] expected = r.newPoly(mods.length);
      for (int i = 0; i < mods.length; i++) {
        expected[i] = automorphismCoeff(a[i], g, r.modulus(mods[i]).q);
      }
      int[] perm = r.galoisPermutation(g);
      int[] sorted = perm.clone();
      Arrays.sort(sorted);
      assertThat(sorted).as("a permutation of 0..N-1").containsExactly(RingContext.range(0, r.n));
      long[][] nttA = deepCopy(a);
      r.forwardNtt(nttA, mods);
      long[][] rotated = r.newPoly(mods.length);
      r.automorphismNtt(nttA, rotated, mods.length, perm);
      r.inverseNtt(rotated, mods);
      assertThat(rotated).isDeepEqualTo(expected);
      if (g == 1) {
        assertThat(perm).containsExactly(RingContext.range(0, r.n));
      }
    }
  }

  @Test
  void galois_permutations_compose_like_the_group_elements() {
    try (RingContext r = ring(8, 1)) {
      long twoN = 2L * r.n;
      long[] gs = {5, 25, twoN - 1, 3, 77};
      for (long g1 : gs) {
        for (long g2 : gs) {
          int[] p1 = r.galoisPermutation(g1);
          int[] p2 = r.galoisPermutation(g2);
          int[] p12 = r.galoisPermutation(g1 * g2 % twoN);
          // out = in o p1, then o p2: out[k] = in[p1[p2[k]]] applies X -> X^(g1 g2)
          for (int k = 0; k < r.n; k++) {
            assertThat(p1[p2[k]]).isEqualTo(p12[k]);
          }
        }
      }
      assertThat(r.galoisPermutation(5)).as("cached").isSameAs(r.galoisPermutation(5));
    }
  }

  @ParameterizedTest(name = "g = {0}")
  @ValueSource(longs = {0, 2, 64, -1, -5, 128, 129, 1000})
  void galois_permutation_refuses_even_or_out_of_range_elements(long g) {
    try (RingContext r = ring(6, 1)) {
      assertThatThrownBy(() -> r.galoisPermutation(g))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Galois element");
    }
  }

  @Test
  void automorphism_refuses_to_run_in_place() {
    try (RingContext r = ring(4, 1)) {
      long[][] p = r.newPoly(1);
      int[] perm = r.galoisPermutation(5);
      assertThatThrownBy(() -> r.automorphismNtt(p, p, 1, perm))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ------------------------------------------------------------ threads

  @Test
  void four_threads_give_bit_identical_results_to_one_thread_at_logN_13() {
    int logN = 13;
    long[] primes = Primes.generate(logN, new int[] {60, 40, 40, 40, 40, 61});
    int[] mods = {5, 0, 1, 2, 3, 4};
    try (RingContext one = new RingContext(logN, primes, 1);
        RingContext four = new RingContext(logN, primes, 4)) {
      assertThat(one.threads()).isEqualTo(1);
      assertThat(four.threads()).isEqualTo(4);
      assertThat(one.n).isGreaterThanOrEqualTo(RingContext.PARALLEL_MIN_N);
      for (int i = 0; i < primes.length; i++) {
        assertThat(four.ntt(i).psi).isEqualTo(one.ntt(i).psi);
      }
      SplittableRandom rnd = new SplittableRandom(13);
      long[][] a = uniformPoly(rnd, one, mods);
      long[][] b = uniformPoly(rnd, one, mods);
      long[] c = new long[mods.length];
      for (int i = 0; i < mods.length; i++) {
        c[i] = rnd.nextLong(primes[mods[i]]);
      }
      long[][][] r1 = runAllKernels(one, a, b, c, mods);
      long[][][] r4 = runAllKernels(four, a, b, c, mods);
      String[] names = {"forwardNtt", "inverseNtt", "add", "sub", "neg", "mul", "mulAdd",
          "mulScalar", "automorphismNtt"};
      for (int k = 0; k < r1.length; k++) {
        assertThat(r4[k]).as(names[k]).isDeepEqualTo(r1[k]);
      }
      // and the parallel path really ran everything: the inverse undid the forward
      assertThat(r4[1]).isDeepEqualTo(a);
    }
  }

  private static long[][][] runAllKernels(
      RingContext r, long[][] a, long[][] b, long[] c, int[] mods) {
    int rows = mods.length;
    long[][] fwd = deepCopy(a);
    r.forwardNtt(fwd, mods);
    long[][] inv = deepCopy(fwd);
    r.inverseNtt(inv, mods);
    long[][] add = r.newPoly(rows);
    r.add(a, b, add, mods);
    long[][] sub = r.newPoly(rows);
    r.sub(a, b, sub, mods);
    long[][] neg = r.newPoly(rows);
    r.neg(a, neg, mods);
    long[][] mul = r.newPoly(rows);
    r.mul(fwd, b, mul, mods);
    long[][] mulAdd = deepCopy(b);
    r.mulAdd(a, fwd, mulAdd, mods);
    long[][] scal = r.newPoly(rows);
    r.mulScalar(a, c, scal, mods);
    long[][] aut = r.newPoly(rows);
    r.automorphismNtt(fwd, aut, rows, r.galoisPermutation(5));
    return new long[][][] {fwd, inv, add, sub, neg, mul, mulAdd, scal, aut};
  }

  @Test
  void parallelFor_visits_every_index_exactly_once_with_four_threads() {
    try (RingContext r = ring(13, 4)) {
      int[] hits = new int[100];
      r.parallelFor(hits.length, i -> hits[i]++);
      assertThat(hits).containsOnly(1);
    }
  }

  // ------------------------------------------------------------ construction and helpers

  @ParameterizedTest(name = "threads = {0}")
  @ValueSource(ints = {0, -1})
  void constructor_refuses_fewer_than_one_thread(int threads) {
    assertThatThrownBy(() -> new RingContext(4, Primes.generate(4, new int[] {30}), threads))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("threads");
  }

  @Test
  void accessors_describe_the_ring() {
    long[] primes = Primes.generate(5, new int[] {30, 40});
    try (RingContext r = new RingContext(5, primes, 1)) {
      assertThat(r.logN).isEqualTo(5);
      assertThat(r.n).isEqualTo(32);
      assertThat(r.moduliCount()).isEqualTo(2);
      assertThat(r.modulus(1).q).isEqualTo(primes[1]);
      assertThat(r.ntt(1).modulus.q).isEqualTo(primes[1]);
      assertThat(r.ntt(0).n).isEqualTo(32);
      assertThat(r.newPoly(3)).hasNumberOfRows(3);
      assertThat(r.newPoly(3)[2]).hasSize(32).containsOnly(0L);
    }
  }

  @Test
  void range_and_concat_build_index_lists() {
    assertThat(RingContext.range(3, 4)).containsExactly(3, 4, 5, 6);
    assertThat(RingContext.range(0, 0)).isEmpty();
    assertThat(RingContext.concat(new int[] {1, 2}, new int[] {7})).containsExactly(1, 2, 7);
    assertThat(RingContext.concat(new int[0], new int[0])).isEmpty();
  }
}
