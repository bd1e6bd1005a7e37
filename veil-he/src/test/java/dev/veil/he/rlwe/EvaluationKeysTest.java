package dev.veil.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.veil.he.ckks.Evaluator;

/** The evaluation-key container: what it accepts, what it refuses and what its errors say. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EvaluationKeysTest {
  private Parameters params;
  private HeContext ctx;
  private SwitchingKey relin;
  private SwitchingKey rot1;
  private SwitchingKey rot2;

  @BeforeAll
  void setUp() {
    params = Parameters.builder().logN(12).logQ(60, 40, 40).logP(61).securityOff().build();
    ctx = new HeContext(params, 1);
    KeyGenerator kg = new KeyGenerator(ctx);
    SecretKey sk = kg.secretKey();
    relin = kg.relinearizationKey(sk);
    rot1 = kg.galoisKey(sk, Evaluator.galoisElement(params, 1));
    rot2 = kg.galoisKey(sk, Evaluator.galoisElement(params, 2));
  }

  @AfterAll
  void tearDown() {
    ctx.close();
  }

  @Test
  void keys_have_one_digit_per_decomposition_digit_and_know_what_they_switch() {
    assertThat(relin.digits()).isEqualTo(params.dnum());
    assertThat(relin.isRelinearization()).isTrue();
    assertThat(relin.galoisElement()).isZero();
    assertThat(rot1.isRelinearization()).isFalse();
    assertThat(rot1.galoisElement()).isEqualTo(5);
    assertThat(rot2.galoisElement()).isEqualTo(25);
    assertThat(relin.seed()).hasSize(32);
    assertThat(relin.memoryBytes())
        .isEqualTo(2L * params.dnum() * (params.qCount() + params.pCount()) * params.n() * 8);
  }

  @Test
  void a_missing_relinearisation_key_is_reported_with_how_to_make_one() {
    EvaluationKeys keys = EvaluationKeys.empty(params);
    assertThat(keys.hasRelinearizationKey()).isFalse();
    assertThatThrownBy(keys::relinearizationKey)
        .isExactlyInstanceOf(MissingKeyException.class)
        .hasMessageContaining("no relinearisation key")
        .hasMessageContaining("KeyGenerator.relinearizationKey");
  }

  @Test
  void a_missing_galois_key_is_reported_with_the_callers_name_and_the_elements_present() {
    EvaluationKeys keys = new EvaluationKeys(params, relin, List.of(rot1, rot2));
    assertThat(keys.hasGaloisKey(5)).isTrue();
    assertThat(keys.galoisKey(25, "rotation by 2")).isSameAs(rot2);
    long g = Evaluator.galoisElement(params, 7);
    assertThatThrownBy(() -> keys.galoisKey(g, "rotation by 7"))
        .isExactlyInstanceOf(MissingKeyException.class)
        .hasMessageContaining("rotation by 7")
        .hasMessageContaining("Galois element " + g)
        .hasMessageContaining("[5, 25]");
  }

  @Test
  void keys_in_the_wrong_slot_or_twice_are_refused() {
    assertThatThrownBy(() -> new EvaluationKeys(params, rot1, null))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relinearisation key slot got a Galois key");
    assertThatThrownBy(() -> new EvaluationKeys(params, null, List.of(relin)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("relinearisation key was given as a Galois key");
    assertThatThrownBy(() -> new EvaluationKeys(params, null, List.of(rot1, rot1)))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("two Galois keys for element 5");
  }

  @Test
  void with_adds_keys_to_a_copy_and_the_key_map_is_read_only_and_ascending() {
    EvaluationKeys one = new EvaluationKeys(params, relin, List.of(rot2));
    EvaluationKeys both = one.with(List.of(rot1));
    assertThat(both.galoisKeys().keySet()).containsExactly(5L, 25L);
    assertThat(both.relinearizationKey()).isSameAs(relin);
    assertThat(one.galoisKeys().keySet()).containsExactly(25L);
    assertThatThrownBy(() -> both.galoisKeys().remove(5L))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
