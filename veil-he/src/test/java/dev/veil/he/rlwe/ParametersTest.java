package dev.veil.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.veil.he.ckks.Presets;
import dev.veil.he.rlwe.Parameters.Literal;
import dev.veil.he.rlwe.Parameters.SecretDistribution;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ParametersTest {

  /** A small valid set: N = 2^13, Q = {50, 40, 40}, P = {60}: 190 bits of the 218 allowed. */
  private static Parameters.Builder valid() {
    return Parameters.builder().logN(13).logQ(50, 40, 40).logP(60).logDefaultScale(40);
  }

  private static int[] repeat(int bits, int count) {
    int[] r = new int[count];
    Arrays.fill(r, bits);
    return r;
  }

  // ------------------------------------------------------------------ validation

  static Stream<Arguments> invalidLiterals() {
    List<Arguments> out = new ArrayList<>();
    out.add(Arguments.of("logN", "logN 11 without securityOff", valid().logN(11)));
    out.add(Arguments.of("logN", "logN 9 without securityOff", valid().logN(9)));
    out.add(Arguments.of("logN", "logN 17", valid().logN(17)));
    out.add(Arguments.of("logN", "logN 17 with securityOff", valid().logN(17).securityOff()));
    out.add(Arguments.of("logN", "logN 2 with securityOff", valid().logN(2).securityOff()));
    out.add(Arguments.of("logN", "logN 0", valid().logN(0)));
    out.add(Arguments.of("logQ", "no logQ at all",
        Parameters.builder().logN(13).logP(60).logDefaultScale(40)));
    out.add(Arguments.of("logQ", "an empty logQ", valid().logQ()));
    out.add(Arguments.of("logP", "no logP at all",
        Parameters.builder().logN(13).logQ(50, 40).logDefaultScale(40)));
    out.add(Arguments.of("logP", "an empty logP", valid().logP()));
    out.add(Arguments.of("logQ", "a 17-bit data prime", valid().logQ(50, 17, 40)));
    out.add(Arguments.of("logQ", "a 62-bit data prime", valid().logQ(62, 40)));
    out.add(Arguments.of("logP", "a 17-bit special prime", valid().logP(17)));
    out.add(Arguments.of("logP", "a 62-bit special prime", valid().logP(60, 62)));
    out.add(Arguments.of("data primes", "65 data primes",
        valid().logN(16).logQ(repeat(20, 65)).securityOff()));
    out.add(Arguments.of("special primes", "17 special primes",
        valid().logN(16).logP(repeat(20, 17)).securityOff()));
    out.add(Arguments.of("logDefaultScale", "scale 2^0", valid().logDefaultScale(0)));
    out.add(Arguments.of("logDefaultScale", "scale 2^-3", valid().logDefaultScale(-3)));
    out.add(Arguments.of("logDefaultScale", "scale 2^121", valid().logDefaultScale(121)));
    out.add(Arguments.of("logDefaultScale", "no scale and a single prime to default from",
        Parameters.builder().logN(13).logQ(50).logP(60)));
    out.add(Arguments.of("hammingWeight", "Hamming weight 0", valid().hammingWeightSecret(0)));
    out.add(Arguments.of("hammingWeight", "Hamming weight N + 1",
        valid().hammingWeightSecret(8193).securityOff()));
    out.add(Arguments.of("hammingWeight", "Hamming weight -5", valid().hammingWeightSecret(-5)));
    out.add(Arguments.of("hammingWeight", "insecure Hamming weight 191",
        valid().hammingWeightSecret(191)));
    out.add(Arguments.of("sigma", "sigma 0.4", valid().sigma(0.4).securityOff()));
    out.add(Arguments.of("sigma", "sigma 65", valid().sigma(65)));
    out.add(Arguments.of("sigma", "a NaN sigma", valid().sigma(Double.NaN)));
    out.add(Arguments.of("sigma", "insecure sigma 3.19", valid().sigma(3.19)));
    out.add(Arguments.of("dnum", "dnum -1", valid().dnum(-1)));
    out.add(Arguments.of("dnum", "dnum above the prime count", valid().dnum(4)));
    out.add(Arguments.of("log2(QP)", "219 bits at N = 2^13", valid().logQ(60, 49, 49).logP(61)));
    out.add(Arguments.of("log2(QP)", "110 bits at N = 2^12", valid().logN(12).logQ(49).logP(61)));
    out.add(Arguments.of("log2(QP)", "1748 bits at N = 2^16",
        valid().logN(16).logQ(repeat(61, 28)).logP(40)));
    return out.stream();
  }

  @ParameterizedTest(name = "{1} is refused naming {0}")
  @MethodSource("invalidLiterals")
  void every_validation_failure_names_the_field(
      String field, String description, Parameters.Builder builder) {
    assertThatThrownBy(builder::build)
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining(field);
  }

  @Test
  void a_missing_secret_distribution_is_refused() {
    Literal l = new Literal(13, new int[] {50, 40}, new int[] {60}, 40, null, 0, 3.2, 0, false);
    assertThatThrownBy(() -> Parameters.create(l))
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("secret");
  }

  @Test
  void a_NaN_scale_in_a_literal_is_refused() {
    // the builder reads NaN as "default to the second prime", a literal takes it as written
    Literal l = new Literal(13, new int[] {50, 40}, new int[] {60}, Double.NaN,
        SecretDistribution.UNIFORM_TERNARY, 0, 3.2, 0, false);
    assertThatThrownBy(() -> Parameters.create(l))
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("logDefaultScale");
    assertThat(valid().logDefaultScale(Double.NaN).build().logDefaultScale()).isEqualTo(40.0);
  }

  @Test
  void a_null_literal_is_refused() {
    assertThatThrownBy(() -> Parameters.create(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void an_insecure_modulus_is_refused_without_securityOff_and_accepted_with_it() {
    Parameters.Builder b = valid().logQ(60, 60, 60).logP(61); // 241 > 218
    assertThatThrownBy(b::build)
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("insecure")
        .hasMessageContaining("241")
        .hasMessageContaining("218");
    Parameters p = b.securityOff().build();
    assertThat(p.securityOff()).isTrue();
    assertThat(p.logQP()).isGreaterThan(Parameters.maxLogQP(13));
    assertThat(p.toString()).contains("SECURITY OFF");
    assertThat(p.literal().toString()).contains("SECURITY OFF");
  }

  @Test
  void a_modulus_exactly_at_the_bound_is_accepted() {
    Parameters p = valid().logQ(60, 49, 48).logP(61).build(); // 218
    assertThat(p.securityOff()).isFalse();
    assertThat(p.logQP()).isLessThanOrEqualTo(218.0);
  }

  @Test
  void a_sparse_secret_at_the_ternary_bound_is_refused_and_one_within_the_sparse_bound_accepted() {
    // weight 192 at N = 2^16 with log QP = 1747, the ternary bound: weaker than 128 bits
    Parameters.Builder atTernary = Parameters.builder().logN(16)
        .logQ(repeat(50, 31)).logP(49, 49, 49, 50).logDefaultScale(50).hammingWeightSecret(192);
    assertThat(atTernary.literal().logQ().length * 50 + 3 * 49 + 50).isEqualTo(1747);
    assertThatThrownBy(atTernary::build)
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("sparse secret")
        .hasMessageContaining("1546");
    // the same chain as a uniform ternary secret is fine
    assertThat(atTernary.literal().toBuilder().uniformTernarySecret().build().logQP())
        .isLessThanOrEqualTo(1747.0);
    // within the sparse bound: accepted
    Parameters ok = Parameters.builder().logN(16).logQ(repeat(50, 28)).logP(repeat(48, 3))
        .logDefaultScale(50).hammingWeightSecret(192).build();
    assertThat(ok.logQP()).isLessThanOrEqualTo(1546.0);
    // N = 2^15 at 881 bits (its ternary bound) is refused as sparse
    assertThatThrownBy(() -> Parameters.builder().logN(15).logQ(repeat(50, 16)).logP(41, 40)
        .logDefaultScale(50).hammingWeightSecret(192).build())
        .hasMessageContaining("768");
    // no published sparse bound below N = 2^15
    assertThatThrownBy(() -> valid().hammingWeightSecret(192).build())
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("no published 128-bit bound");
    assertThat(Parameters.maxSparseLogQP(16)).isEqualTo(1546);
    assertThat(Parameters.maxSparseLogQP(14)).isEqualTo(-1);
  }

  @Test
  void sparse_secrets_small_sigma_and_small_rings_are_accepted_only_with_securityOff() {
    assertThat(valid().logN(15).hammingWeightSecret(192).build().hammingWeight()).isEqualTo(192);
    assertThat(valid().logN(15).hammingWeightSecret(8192).build().hammingWeight())
        .isEqualTo(8192);
    Parameters sparse = valid().hammingWeightSecret(64).securityOff().build();
    assertThat(sparse.secretDistribution()).isEqualTo(SecretDistribution.FIXED_HAMMING_WEIGHT);
    assertThat(sparse.hammingWeight()).isEqualTo(64);
    assertThat(valid().sigma(1.0).securityOff().build().sigma()).isEqualTo(1.0);
    Parameters tiny = valid().logN(3).logQ(30, 25).logP(30).securityOff().build();
    assertThat(tiny.n()).isEqualTo(8);
    assertThat(tiny.slots()).isEqualTo(4);
  }

  @Test
  void running_out_of_primes_is_an_invalid_parameters_error() {
    // no 18-bit prime is 1 mod 2^17 (the only candidate, 131073, is 3 * 43691)
    assertThatThrownBy(() -> valid().logN(16).logQ(18).logP(18).logDefaultScale(10).build())
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("18-bit");
  }

  @ParameterizedTest(name = "logN {0}: {1} bits")
  @CsvSource({"9, -1", "10, 27", "11, 54", "12, 109", "13, 218", "14, 438", "15, 881",
      "16, 1747", "17, -1"})
  void maxLogQP_is_the_HomomorphicEncryption_org_table(int logN, int bits) {
    assertThat(Parameters.maxLogQP(logN)).isEqualTo(bits);
  }

  // ------------------------------------------------------------------ derived values

  @Test
  void accessors_report_the_generated_primes_and_derived_sizes() {
    Parameters p = valid().build();
    assertThat(p.logN()).isEqualTo(13);
    assertThat(p.n()).isEqualTo(8192);
    assertThat(p.slots()).isEqualTo(4096);
    assertThat(p.maxLevel()).isEqualTo(2);
    assertThat(p.qCount()).isEqualTo(3);
    assertThat(p.pCount()).isEqualTo(1);
    assertThat(p.qPrimes()).containsExactly(p.q(0), p.q(1), p.q(2));
    assertThat(p.allPrimes()).containsExactly(p.q(0), p.q(1), p.q(2), p.p(0));
    assertThat(p.allPrimes()).doesNotHaveDuplicates();
    for (long x : p.allPrimes()) {
      assertThat(x % (2L * p.n())).isEqualTo(1);
    }
    assertThat(64 - Long.numberOfLeadingZeros(p.q(0))).isEqualTo(50);
    assertThat(64 - Long.numberOfLeadingZeros(p.p(0))).isEqualTo(60);
    assertThat(p.defaultScale()).isEqualTo(Math.pow(2, 40));
    assertThat(p.sigma()).isEqualTo(Parameters.DEFAULT_SIGMA);
    assertThat(p.secretDistribution()).isEqualTo(SecretDistribution.UNIFORM_TERNARY);
    assertThat(p.logQP()).isBetween(189.0, 190.0);
    // returned arrays are copies
    p.qPrimes()[0] = 7;
    assertThat(p.q(0)).isNotEqualTo(7);
  }

  @Test
  void the_default_scale_is_the_size_of_the_second_prime() {
    Parameters p = Parameters.builder().logN(13).logQ(50, 33, 33).logP(60).build();
    assertThat(p.logDefaultScale()).isEqualTo(33.0);
  }

  @Test
  void literal_arrays_are_defensive_copies() {
    int[] q = {50, 40, 40};
    Parameters.Builder b = Parameters.builder().logN(13).logQ(q).logP(60);
    q[0] = 61;
    Literal l = b.literal();
    assertThat(l.logQ()).containsExactly(50, 40, 40);
    l.logQ()[0] = 18;
    assertThat(l.logQ()).containsExactly(50, 40, 40);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Presets.class)
  void every_preset_builds_securely_with_the_documented_levels(Presets preset) {
    int expectedLevels = switch (preset) {
      case N13QP201 -> 2;
      case N14QP401 -> 7;
      case N15QP881 -> 19;
      case N16QP1603 -> 34;
    };
    Parameters p = preset.parameters();
    assertThat(p.securityOff()).isFalse();
    assertThat(p.logN()).isEqualTo(preset.logN());
    assertThat(p.maxLevel()).isEqualTo(expectedLevels);
    assertThat(preset.levels()).isEqualTo(expectedLevels);
    assertThat(p.logQP()).isLessThanOrEqualTo(Parameters.maxLogQP(p.logN()));
    // the name states log2(QP)
    int named = Integer.parseInt(preset.name().substring(preset.name().indexOf("QP") + 2));
    assertThat(p.logQP()).isBetween(named - 1.0, (double) named);
    assertThat(p.defaultScale()).isEqualTo(Math.pow(2, 40));
    assertThat(64 - Long.numberOfLeadingZeros(p.q(0))).isEqualTo(60);
    assertThat(p.digitsAt(p.maxLevel())).as("digits at the top level").isEqualTo(p.dnum());
    assertThat(preset.parameters()).as("cached").isSameAs(p);
  }

  @ParameterizedTest(name = "{0}: alpha {1}, dnum {2}")
  @CsvSource({"N13QP201, 1, 3", "N14QP401, 1, 8", "N15QP881, 1, 20", "N16QP1603, 4, 9"})
  void automatic_dnum_picks_the_largest_digit_that_fits_under_P(
      Presets preset, int alpha, int dnum) {
    Parameters p = preset.parameters();
    assertThat(p.alpha()).isEqualTo(alpha);
    assertThat(p.dnum()).isEqualTo(dnum);
    assertThat(p.digitsAt(0)).isEqualTo(1);
  }

  @ParameterizedTest(name = "dnum {0} of 8 primes: alpha {1}, dnum {2}")
  @CsvSource({"1, 8, 1", "2, 4, 2", "3, 3, 3", "4, 2, 4", "5, 2, 4", "8, 1, 8"})
  void an_explicit_dnum_is_rounded_to_equal_digits(int requested, int alpha, int dnum) {
    // six 61-bit special primes cover even a single digit of all eight data primes
    Parameters p = Parameters.builder().logN(15).logQ(repeat(40, 8))
        .logP(61, 61, 61, 61, 61, 61).dnum(requested).build();
    assertThat(p.alpha()).isEqualTo(alpha);
    assertThat(p.dnum()).isEqualTo(dnum);
  }

  @Test
  void the_digest_changes_with_dnum() {
    Parameters.Builder b = Parameters.builder().logN(15).logQ(repeat(40, 8))
        .logP(61, 61, 61, 61, 61, 61);
    assertThat(b.dnum(1).build().digestHex()).isNotEqualTo(b.dnum(2).build().digestHex());
  }

  @Test
  void an_explicit_dnum_whose_digits_outgrow_the_special_primes_is_refused() {
    assertThatThrownBy(
            () -> Parameters.builder().logN(14).logQ(repeat(40, 8)).logP(61).dnum(2).build())
        .isInstanceOf(InvalidParametersException.class)
        .hasMessageContaining("dnum 2")
        .hasMessageContaining("special primes");
  }

  @Test
  void digitsAt_counts_the_digits_in_use_at_each_level() {
    Parameters p = Presets.N16QP1603.parameters(); // alpha 4
    assertThat(p.digitsAt(0)).isEqualTo(1);
    assertThat(p.digitsAt(3)).isEqualTo(1);
    assertThat(p.digitsAt(4)).isEqualTo(2);
    assertThat(p.digitsAt(34)).isEqualTo(9);
  }

  // ------------------------------------------------------------------ digest

  @Test
  void the_digest_of_N13QP201_is_pinned() {
    Parameters p = Presets.N13QP201.parameters();
    // primes and digest recomputed independently of this code base (Python, SHA-256 of the
    // documented canonical encoding); any change here breaks every stored key and ciphertext
    assertThat(p.allPrimes()).containsExactly(
        1_152_921_504_606_830_593L, 1_099_511_480_321L, 1_099_510_890_497L,
        2_305_843_009_213_317_121L);
    assertThat(p.digestHex())
        .isEqualTo("59b6404e78f8ae82a29fcde4a40e5394844c8e7f2fbc223b5094c5b28a2231aa");
    assertThat(p.shortId()).isEqualTo("59b6404e/N=2^13");
    assertThat(p.digest()).hasSize(32);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Presets.class)
  void the_digest_is_deterministic(Presets preset) {
    Parameters a = Parameters.create(preset.literal());
    Parameters b = Parameters.create(preset.literal());
    assertThat(a).isNotSameAs(b).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.digestHex()).isEqualTo(b.digestHex()).isEqualTo(preset.parameters().digestHex());
    assertThat(a.canonicalBytes()).containsExactly(b.canonicalBytes());
    assertThat(Parameters.create(a.literal().toBuilder().literal())).isEqualTo(a);
    a.requireSame(b, "test");
  }

  @Test
  void the_digest_changes_when_any_field_changes() {
    Parameters.Builder base = valid().logN(15).hammingWeightSecret(200);
    List<Supplier<Parameters.Builder>> variants = List.of(
        () -> base.literal().toBuilder(),
        () -> base.literal().toBuilder().logN(16),
        () -> base.literal().toBuilder().logQ(50, 40, 41),
        () -> base.literal().toBuilder().logQ(50, 40),
        () -> base.literal().toBuilder().logQ(40, 50, 40),
        () -> base.literal().toBuilder().logP(61),
        () -> base.literal().toBuilder().logP(30, 30),
        () -> base.literal().toBuilder().logDefaultScale(39.5),
        () -> base.literal().toBuilder().uniformTernarySecret(),
        () -> base.literal().toBuilder().hammingWeightSecret(201),
        () -> base.literal().toBuilder().sigma(3.3),
        () -> base.literal().toBuilder().securityOff());
    Set<String> digests = new HashSet<>();
    Set<Literal> literals = new HashSet<>();
    for (Supplier<Parameters.Builder> v : variants) {
      Parameters p = v.get().build();
      digests.add(p.digestHex());
      literals.add(p.literal());
    }
    assertThat(literals).hasSize(variants.size());
    assertThat(digests).as("one digest per variant").hasSize(variants.size());
  }

  @Test
  void requireSame_refuses_different_parameters_and_names_both() {
    Parameters a = valid().build();
    Parameters b = valid().sigma(3.3).build();
    assertThat(a).isNotEqualTo(b);
    assertThatThrownBy(() -> a.requireSame(b, "ciphertext"))
        .isInstanceOf(ParameterMismatchException.class)
        .hasMessageContaining("ciphertext")
        .hasMessageContaining(a.shortId())
        .hasMessageContaining(b.shortId());
  }

  /*
   * Regression (fixed: alpha is now a function of dnum, which the digest covers). Was: the digest, and so equals() and requireSame(), does not
   * cover alpha, the number of data primes per key-switching digit. Automatic selection can pick
   * an alpha that an explicit dnum never gives: with ten 40-bit data primes and P = 239 bits,
   * dnum = 0 chooses alpha = 6 (digits of 6 + 4 primes, dnum = 2) while dnum = 2 gives alpha = 5
   * (5 + 5). Both encode dnum = 2, so they have the same digest and compare equal, yet their
   * switching keys have incompatible digit layouts (HeContext.digitIndices uses alpha): a key
   * made under one passes requireSame under the other and silently decrypts to garbage.
   */
  @Test
  void parameters_with_equal_digests_have_the_same_key_switching_digit_size() {
    Parameters.Builder b = Parameters.builder().logN(15).logQ(repeat(40, 10)).logP(60, 60, 60, 59);
    Parameters auto = b.literal().toBuilder().dnum(0).build();
    Parameters explicit = b.literal().toBuilder().dnum(2).build();
    assertThat(auto.dnum()).isEqualTo(explicit.dnum()).isEqualTo(2);
    if (auto.digestHex().equals(explicit.digestHex())) {
      assertThat(auto.alpha())
          .as("alpha of two parameter sets with the same digest %s", auto.shortId())
          .isEqualTo(explicit.alpha());
    }
  }

  // ------------------------------------------------------------------ presets by name

  @ParameterizedTest(name = "\"{0}\" is {1}")
  @CsvSource({"N15, N15QP881", "n16, N16QP1603", "N13QP201, N13QP201", "n14qp4, N14QP401",
      "N14QP401, N14QP401"})
  void presets_are_found_by_name_or_unique_prefix(String name, Presets expected) {
    assertThat(Presets.byName(name)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"N1", "N", ""})
  void an_ambiguous_preset_name_is_refused(String name) {
    assertThatThrownBy(() -> Presets.byName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ambiguous");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"N17", "QP201", "N13QP2010", "x"})
  void an_unknown_preset_name_is_refused_listing_the_known_ones(String name) {
    assertThatThrownBy(() -> Presets.byName(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no preset")
        .hasMessageContaining("N15QP881");
  }
}
