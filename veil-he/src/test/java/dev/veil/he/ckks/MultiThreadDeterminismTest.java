package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.veil.he.ring.RingContext;
import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.Decryptor;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.Plaintext;

/**
 * Two contexts over the same parameters, with 1 and with 4 threads, share one set of keys and one
 * input ciphertext; every operation must give bit-identical results in both. N = 2^13 (the
 * N13QP201 preset), above RingContext.PARALLEL_MIN_N, so the 4-thread context really runs the
 * limb loops in parallel.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MultiThreadDeterminismTest {
  private static final int[] ROTATIONS = {1, -7, 100};

  private CkksFixture single;
  private HeContext parallel;
  private Evaluator parallelEvaluator;
  private Encoder parallelEncoder;
  private Slots x;
  private Slots y;
  private Ciphertext cx;
  private Ciphertext cy;

  @BeforeAll
  void setUp() {
    Parameters p = Presets.N13QP201.parameters();
    // keys generated once, under the single-threaded context, and used by both
    single = CkksFixture.create(p, 1, true, true, ROTATIONS);
    parallel = new HeContext(p, 4);
    parallelEvaluator = new Evaluator(parallel, single.keys);
    parallelEncoder = new Encoder(parallel);
    SplittableRandom rnd = new SplittableRandom(0x7EAD5L);
    x = Slots.random(rnd, p.slots(), true);
    y = Slots.random(rnd, p.slots(), true);
    cx = single.encrypt(x);
    cy = single.encrypt(y);
  }

  @AfterAll
  void tearDown() {
    parallel.close();
    single.close();
  }

  @Test
  void the_parallel_context_really_runs_in_parallel() {
    assertThat(parallel.threads()).isEqualTo(4);
    assertThat(single.context.threads()).isEqualTo(1);
    assertThat(parallel.parameters().n()).isGreaterThanOrEqualTo(RingContext.PARALLEL_MIN_N);
    assertThat(parallel.parameters()).isEqualTo(single.params);
  }

  /** An operation run by an evaluator on the two input ciphertexts. */
  private interface Op extends BiFunction<Evaluator, MultiThreadDeterminismTest, Ciphertext> {}

  static Stream<Arguments> operations() {
    return Stream.of(
        op("mulRelin", (ev, t) -> ev.mulRelinNew(t.cx, t.cy)),
        op("mul", (ev, t) -> ev.mulNew(t.cx, t.cy)),
        op("rescale", (ev, t) -> ev.rescaleNew(ev.mulRelinNew(t.cx, t.cy))),
        op("rotate by 1", (ev, t) -> ev.rotateNew(t.cx, 1)),
        op("rotate by -7", (ev, t) -> ev.rotateNew(t.cx, -7)),
        op("rotate by 100 at level 1", (ev, t) -> ev.rotateNew(ev.dropToLevelNew(t.cx, 1), 100)),
        op("rotateHoisted, first result", (ev, t) -> ev.rotateHoisted(t.cx, ROTATIONS)[0]),
        op("rotateHoisted, second result", (ev, t) -> ev.rotateHoisted(t.cx, ROTATIONS)[1]),
        op("rotateHoisted, third result", (ev, t) -> ev.rotateHoisted(t.cx, ROTATIONS)[2]),
        op("conjugate", (ev, t) -> ev.conjugateNew(t.cx)),
        op("mulConst and rescale", (ev, t) -> ev.rescaleNew(ev.mulConstNew(t.cx, 0.3))),
        op("add", (ev, t) -> ev.addNew(t.cx, t.cy)));
  }

  private static Arguments op(String name, Op op) {
    return Arguments.of(Named.of(name, op));
  }

  @ParameterizedTest(name = "{0} gives bit-identical results with 1 and 4 threads")
  @MethodSource("operations")
  void operation_is_bit_identical_across_thread_counts(Op op) {
    Ciphertext one = op.apply(single.evaluator, this);
    Ciphertext four = op.apply(parallelEvaluator, this);
    assertThat(one.contentEquals(four)).as("1-thread and 4-thread results").isTrue();
  }

  @Test
  void encode_and_decode_are_bit_identical_across_thread_counts() {
    for (int level = 0; level <= single.maxLevel(); level++) {
      Plaintext one = single.encoder.encode(x.re(), x.im(), level, single.scale());
      Plaintext four = parallelEncoder.encode(x.re(), x.im(), level, single.scale());
      for (int i = 0; i <= level; i++) {
        assertThat(four.poly()[i]).as("level %d row %d", level, i).isEqualTo(one.poly()[i]);
      }
      double[] re1 = new double[single.slots()];
      double[] im1 = new double[single.slots()];
      double[] re4 = new double[single.slots()];
      double[] im4 = new double[single.slots()];
      single.encoder.decode(one, re1, im1);
      parallelEncoder.decode(one, re4, im4);
      assertThat(re4).isEqualTo(re1);
      assertThat(im4).isEqualTo(im1);
    }
  }

  @Test
  void decryption_is_bit_identical_across_thread_counts() {
    Decryptor parallelDecryptor = new Decryptor(parallel, single.secretKey);
    Ciphertext product = single.evaluator.mulNew(cx, cy); // degree 2 as well
    for (Ciphertext c : new Ciphertext[] {cx, product}) {
      Plaintext one = single.decryptor.decrypt(c);
      Plaintext four = parallelDecryptor.decrypt(c);
      for (int i = 0; i <= c.level(); i++) {
        assertThat(four.poly()[i]).isEqualTo(one.poly()[i]);
      }
    }
  }
}
