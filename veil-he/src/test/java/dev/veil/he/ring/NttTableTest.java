package dev.veil.he.ring;

import static dev.veil.he.ring.RingTestSupport.big;
import static dev.veil.he.ring.RingTestSupport.schoolbookNegacyclic;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
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

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class NttTableTest {

  /** Primes.generate(3, {20}): the largest 20-bit prime = 1 mod 16. */
  private static final long Q20 = 1_048_433L;
  /** Its smallest primitive 16th root of unity. */
  private static final long PSI20 = 63_334L;

  /** Direct evaluation of the forward NTT: slot k holds a(psi^(2 bitrev(k) + 1)). */
  private static long[] directForward(long[] a, long q, long psi, int logN) {
    int n = a.length;
    BigInteger bq = big(q);
    long[] out = new long[n];
    for (int k = 0; k < n; k++) {
      BigInteger x = big(psi).modPow(big(2L * NttTable.bitReverse(k, logN) + 1), bq);
      BigInteger acc = BigInteger.ZERO;
      BigInteger pw = BigInteger.ONE;
      for (int i = 0; i < n; i++) {
        acc = acc.add(big(a[i]).multiply(pw));
        pw = pw.multiply(x).mod(bq);
      }
      out[k] = acc.mod(bq).longValueExact();
    }
    return out;
  }

  private static void assertInRange(long[] a, long q) {
    assertThat(java.util.Arrays.stream(a).min().orElseThrow()).as("min").isGreaterThanOrEqualTo(0);
    assertThat(java.util.Arrays.stream(a).max().orElseThrow()).as("max").isLessThan(q);
  }

  @Test
  void the_known_answer_prime_and_root_are_the_expected_ones() {
    assertThat(Primes.generate(3, new int[] {20})).containsExactly(Q20);
    NttTable t = new NttTable(new Modulus(Q20), 3);
    assertThat(t.psi).isEqualTo(PSI20);
    assertThat(t.n).isEqualTo(8);
    assertThat(t.logN).isEqualTo(3);
  }

  @Test
  void forward_ntt_of_1_to_8_matches_direct_evaluation_and_the_pinned_vector() {
    long[] input = {1, 2, 3, 4, 5, 6, 7, 8};
    // pinned: a change of root choice or of output ordering must show up here
    long[] pinned = {807126, 904688, 37836, 739289, 119478, 734766, 72540, 778017};
    assertThat(directForward(input, Q20, PSI20, 3)).containsExactly(pinned);

    NttTable t = new NttTable(new Modulus(Primes.generate(3, new int[] {20})[0]), 3);
    long[] a = input.clone();
    t.forward(a);
    assertThat(a).containsExactly(pinned);
    t.inverse(a);
    assertThat(a).containsExactly(input);
  }

  @Test
  void forward_ntt_of_an_input_with_edge_values_matches_direct_evaluation_and_the_pinned_vector() {
    long[] input = {Q20 - 1, 0, 12345, Q20 - 2, 999_999, 7, 0, 1};
    long[] pinned = {562454, 156829, 265472, 13384, 422215, 384501, 896757, 443679};
    assertThat(directForward(input, Q20, PSI20, 3)).containsExactly(pinned);

    NttTable t = new NttTable(new Modulus(Q20), 3);
    long[] a = input.clone();
    t.forward(a);
    assertThat(a).containsExactly(pinned);
    t.inverse(a);
    assertThat(a).containsExactly(input);
  }

  @Test
  void forward_ntt_of_the_monomial_X_lists_the_odd_powers_of_psi_in_bit_reversed_order() {
    NttTable t = new NttTable(new Modulus(Q20), 3);
    long[] a = {0, 1, 0, 0, 0, 0, 0, 0};
    t.forward(a);
    // exponents 2*bitrev(k)+1 for k = 0..7: 1, 9, 5, 13, 3, 11, 7, 15
    int[] exps = {1, 9, 5, 13, 3, 11, 7, 15};
    for (int k = 0; k < 8; k++) {
      assertThat(a[k]).as("slot %d", k)
          .isEqualTo(big(PSI20).modPow(big(exps[k]), big(Q20)).longValueExact());
    }
  }

  static Stream<Arguments> smallRings() {
    List<Arguments> out = new ArrayList<>();
    for (int logN = 3; logN <= 6; logN++) {
      for (int bits : new int[] {20, 40, 61}) {
        out.add(Arguments.of(logN, bits));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "logN {0}, {1}-bit prime")
  @MethodSource("smallRings")
  void forward_ntt_of_random_input_matches_direct_evaluation(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    NttTable t = new NttTable(new Modulus(q), logN);
    SplittableRandom rnd = new SplittableRandom(logN * 100L + bits);
    for (int rep = 0; rep < 3; rep++) {
      long[] a = RingTestSupport.uniformRow(rnd, t.n, q);
      long[] expected = directForward(a, q, t.psi, logN);
      t.forward(a);
      assertThat(a).containsExactly(expected);
    }
  }

  @ParameterizedTest(name = "logN {0}, {1}-bit prime")
  @MethodSource("smallRings")
  void twiddles_are_powers_of_psi_in_bit_reversed_order(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    NttTable t = new NttTable(new Modulus(q), logN);
    assertThat(t.psi).isEqualTo(Primes.primitiveRoot2N(q, logN));
    for (int i = 0; i < t.n; i++) {
      assertThat(t.forwardTwiddle(NttTable.bitReverse(i, logN)))
          .isEqualTo(big(t.psi).modPow(big(i), big(q)).longValueExact());
    }
  }

  static Stream<Arguments> allSizes() {
    List<Arguments> out = new ArrayList<>();
    for (int logN = 3; logN <= 14; logN++) {
      for (int bits : new int[] {30, 50, 61}) {
        out.add(Arguments.of(logN, bits));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "logN {0}, {1}-bit prime")
  @MethodSource("allSizes")
  void inverse_undoes_forward_for_random_input(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    NttTable t = new NttTable(new Modulus(q), logN);
    SplittableRandom rnd = new SplittableRandom(31L * logN + bits);
    long[] x = RingTestSupport.uniformRow(rnd, t.n, q);
    long[] a = x.clone();
    t.forward(a);
    assertInRange(a, q);
    assertThat(a).isNotEqualTo(x);
    t.inverse(a);
    assertThat(a).containsExactly(x);
  }

  @ParameterizedTest(name = "logN {0}, {1}-bit prime")
  @MethodSource("allSizes")
  void forward_accepts_inputs_below_2q_and_inverse_accepts_inputs_below_2q(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    NttTable t = new NttTable(new Modulus(q), logN);
    SplittableRandom rnd = new SplittableRandom(17L * logN + bits);
    long[] x = RingTestSupport.uniformRow(rnd, t.n, q);
    x[0] = q - 1;
    x[t.n - 1] = 0;
    long[] lifted = new long[t.n];
    for (int i = 0; i < t.n; i++) {
      lifted[i] = rnd.nextBoolean() ? x[i] + q : x[i];
    }
    lifted[0] = 2 * q - 1;
    long[] fx = x.clone();
    t.forward(fx);
    t.forward(lifted);
    assertThat(lifted).containsExactly(fx);

    long[] liftedEval = fx.clone();
    for (int i = 0; i < t.n; i++) {
      if (rnd.nextBoolean()) {
        liftedEval[i] += q;
      }
    }
    t.inverse(liftedEval);
    assertThat(liftedEval).containsExactly(x);
  }

  @ParameterizedTest(name = "logN {0}, {1}-bit prime")
  @MethodSource("allSizes")
  void all_maximal_inputs_give_outputs_in_range(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    NttTable t = new NttTable(new Modulus(q), logN);
    long[] a = new long[t.n];
    java.util.Arrays.fill(a, 2 * q - 1);
    t.forward(a);
    assertInRange(a, q);
    long[] b = new long[t.n];
    java.util.Arrays.fill(b, q - 1);
    t.forward(b);
    assertThat(a).containsExactly(b);
    java.util.Arrays.fill(a, 2 * q - 1);
    t.inverse(a);
    // (2q-1) = -1 everywhere in evaluation form is the constant polynomial -1
    assertThat(a[0]).isEqualTo(q - 1);
    for (int i = 1; i < t.n; i++) {
      assertThat(a[i]).as("coefficient %d", i).isZero();
    }
  }

  static Stream<Arguments> productSizes() {
    List<Arguments> out = new ArrayList<>();
    for (int logN = 3; logN <= 10; logN++) {
      for (int bits : logN <= 6 ? new int[] {20, 36, 61} : new int[] {36, 61}) {
        out.add(Arguments.of(logN, bits));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "logN {0}, {1}-bit prime")
  @MethodSource("productSizes")
  void pointwise_product_in_ntt_form_is_the_negacyclic_product(int logN, int bits) {
    long q = Primes.generate(logN, new int[] {bits})[0];
    Modulus m = new Modulus(q);
    NttTable t = new NttTable(m, logN);
    SplittableRandom rnd = new SplittableRandom(1000L * logN + bits);
    long[] a = RingTestSupport.uniformRow(rnd, t.n, q);
    long[] b = RingTestSupport.uniformRow(rnd, t.n, q);
    if (logN == 3) {
      b = new long[] {0, 0, 0, 0, 0, 0, 0, 1}; // X^7: a * X^7 rotates with sign flips
    }
    long[] expected = schoolbookNegacyclic(a, b, q);
    long[] fa = a.clone();
    long[] fb = b.clone();
    t.forward(fa);
    t.forward(fb);
    for (int i = 0; i < t.n; i++) {
      fa[i] = RingTestSupport.mulRef(fa[i], fb[i], q);
    }
    t.inverse(fa);
    assertThat(fa).containsExactly(expected);
  }

  @Test
  void multiplying_by_X_to_the_N_gives_minus_one() {
    // X^(N/2) * X^(N/2) = X^N = -1 in the negacyclic ring
    int logN = 5;
    long q = Primes.generate(logN, new int[] {40})[0];
    NttTable t = new NttTable(new Modulus(q), logN);
    long[] a = new long[t.n];
    a[t.n / 2] = 1;
    t.forward(a);
    for (int i = 0; i < t.n; i++) {
      a[i] = RingTestSupport.mulRef(a[i], a[i], q);
    }
    t.inverse(a);
    assertThat(a[0]).isEqualTo(q - 1);
    for (int i = 1; i < t.n; i++) {
      assertThat(a[i]).isZero();
    }
  }

  @Test
  void bitReverse_reverses_the_low_bits() {
    assertThat(NttTable.bitReverse(0, 3)).isZero();
    assertThat(NttTable.bitReverse(1, 3)).isEqualTo(4);
    assertThat(NttTable.bitReverse(3, 3)).isEqualTo(6);
    assertThat(NttTable.bitReverse(6, 3)).isEqualTo(3);
    assertThat(NttTable.bitReverse(1, 14)).isEqualTo(1 << 13);
    for (int i = 0; i < 1 << 10; i++) {
      assertThat(NttTable.bitReverse(NttTable.bitReverse(i, 10), 10)).isEqualTo(i);
    }
  }
}
