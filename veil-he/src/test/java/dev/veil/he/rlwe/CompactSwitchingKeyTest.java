package dev.veil.he.rlwe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.io.VeilIO;

/**
 * Compact switching keys (the {@code b_j} and the seed in memory, the {@code a_j} expanded at each
 * switch): half the bytes, and every key switch bit for bit that of the expanded key. N = 2^12,
 * Q = {60, 40, 40, 40}, P = {61}, dnum 4 (one prime per digit, so several digits drop with the
 * level).
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CompactSwitchingKeyTest {
  private Parameters params;
  private HeContext ctx;
  private SwitchingKey relin;
  private SwitchingKey galois;
  private KeySwitcher switcher;

  @BeforeAll
  void setUp() {
    params = Parameters.builder().logN(12).logQ(60, 40, 40, 40).logP(61).dnum(4).securityOff()
        .build();
    ctx = new HeContext(params, 2);
    KeyGenerator kg = new KeyGenerator(ctx);
    SecretKey sk = kg.secretKey();
    relin = kg.relinearizationKey(sk);
    galois = kg.galoisKey(sk, Evaluator.galoisElement(params, 3));
    switcher = new KeySwitcher(ctx);
  }

  @AfterAll
  void tearDown() {
    ctx.close();
  }

  private long[][] randomPoly(SplittableRandom rnd, int level) {
    long[][] p = new long[level + 1][params.n()];
    for (int r = 0; r <= level; r++) {
      long q = params.q(r);
      for (int j = 0; j < p[r].length; j++) {
        p[r][j] = rnd.nextLong(q);
      }
    }
    return p;
  }

  @Test
  void a_compact_key_holds_half_the_bytes_and_expands_the_same_a_parts() {
    SwitchingKey c = relin.compact();
    assertThat(c.isCompact()).isTrue();
    assertThat(relin.isCompact()).isFalse();
    assertThat(c.compact()).isSameAs(c);
    assertThat(c.memoryBytes() * 2).isEqualTo(relin.memoryBytes());
    assertThat(relin.memoryBytes()).isEqualTo(SwitchingKey.memoryBytes(params, false));
    assertThat(c.memoryBytes()).isEqualTo(SwitchingKey.memoryBytes(params, true));
    for (int j = 0; j < params.dnum(); j++) {
      assertThat(Arrays.deepEquals(c.a(j), relin.a(j))).as("a[%d]", j).isTrue();
      assertThat(c.b(j)).isSameAs(relin.b(j));
    }
    assertThat(c.galoisElement()).isEqualTo(relin.galoisElement());
  }

  @ParameterizedTest(name = "switchKey with a compact key equals the expanded key at level {0}")
  @ValueSource(ints = {3, 2, 0})
  void switchKey_with_a_compact_key_equals_the_expanded_key(int level) {
    SplittableRandom rnd = new SplittableRandom(level);
    for (SwitchingKey key : new SwitchingKey[] {relin, galois}) {
      long[][] c = randomPoly(rnd, level);
      long[][] e0 = new long[level + 1][params.n()];
      long[][] e1 = new long[level + 1][params.n()];
      long[][] c0 = new long[level + 1][params.n()];
      long[][] c1 = new long[level + 1][params.n()];
      switcher.switchKey(c, level, key, e0, e1);
      switcher.switchKey(c, level, key.compact(), c0, c1);
      assertThat(Arrays.deepEquals(c0, e0)).isTrue();
      assertThat(Arrays.deepEquals(c1, e1)).isTrue();
    }
  }

  @Test
  void hoisted_apply_with_compact_keys_alternating_equals_the_expanded_keys() {
    int level = 3;
    long[][] c = randomPoly(new SplittableRandom(7), level);
    KeySwitcher.Decomposition dec = switcher.decompose(c, level);
    SwitchingKey[] compact = {relin.compact(), galois.compact()};
    SwitchingKey[] full = {relin, galois};
    for (int round = 0; round < 4; round++) { // the workspace's cached expansion changes key
      int k = round % 2;
      long[][] e0 = new long[level + 1][params.n()];
      long[][] e1 = new long[level + 1][params.n()];
      long[][] c0 = new long[level + 1][params.n()];
      long[][] c1 = new long[level + 1][params.n()];
      switcher.apply(dec, full[k], null, e0, e1);
      switcher.apply(dec, compact[k], null, c0, c1);
      assertThat(Arrays.deepEquals(c0, e0)).as("round %d", round).isTrue();
      assertThat(Arrays.deepEquals(c1, e1)).as("round %d", round).isTrue();
    }
  }

  @Test
  void a_compact_key_writes_the_same_bytes_as_the_expanded_key_in_both_forms() throws Exception {
    for (VeilIO.Form form : new VeilIO.Form[] {VeilIO.Form.AUTO, VeilIO.Form.FULL}) {
      ByteArrayOutputStream full = new ByteArrayOutputStream();
      ByteArrayOutputStream compact = new ByteArrayOutputStream();
      VeilIO.write(full, galois, form);
      VeilIO.write(compact, galois.compact(), form);
      assertThat(compact.toByteArray()).as("%s", form).isEqualTo(full.toByteArray());
    }
  }

  @Test
  void a_key_without_a_seed_cannot_be_made_compact() {
    long[][][] b = new long[params.dnum()][][];
    long[][][] a = new long[params.dnum()][][];
    for (int j = 0; j < params.dnum(); j++) {
      b[j] = relin.b(j);
      a[j] = relin.a(j);
    }
    SwitchingKey unseeded = new SwitchingKey(params, 0, b, a, null);
    assertThatThrownBy(unseeded::compact).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a seed");
  }
}
