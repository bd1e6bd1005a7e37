package dev.veil.he.ckks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

import dev.veil.he.rlwe.Ciphertext;
import dev.veil.he.rlwe.KeySwitcher;
import dev.veil.he.rlwe.Parameters;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;

/**
 * The evaluator's workspaces. The hot paths allocate (almost) nothing once warm when the caller
 * passes the output: heap bytes
 * allocated by the calling thread for one call, measured with {@link
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes(long)} on a single-threaded context, must
 * stay below {@link #BOUND}, an eighth of one polynomial row at N = 2^13 (64 KiB). What remains is
 * bookkeeping (lambdas, index arrays, small records), not polynomials: before the workspaces a
 * relinearisation here allocated megabytes.
 *
 * <p>Two special primes and dnum 2 make every basis conversion have several source primes, so the
 * overflow buffers of ModUp and ModDown are exercised too. And one evaluator shared by several
 * threads at once gives each the result it gets alone: no workspace is used by two calls.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EvaluatorWorkspaceTest {
  private static final long BOUND = 8 * 1024;
  private static final int WARM_UP = 3;

  private static CkksFixture f;
  private static Ciphertext a;
  private static Ciphertext b;
  private static Ciphertext product;

  @BeforeAll
  static void setUp() {
    Parameters params = Parameters.builder().logN(13).logQ(50, 40, 40, 40).logP(55, 55).dnum(2)
        .securityOff().build();
    f = CkksFixture.create(params, 1);
    double[] v = new double[f.slots()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Math.sin(i);
    }
    a = f.skEncryptor.encrypt(f.encoder.encode(v));
    b = f.skEncryptor.encrypt(f.encoder.encode(v));
    product = f.evaluator.mulNew(a, b);
  }

  @AfterAll
  static void tearDown() {
    f.close();
  }

  /** Bytes the current thread allocates in one call of {@code op}, after {@link #WARM_UP} calls. */
  private static long allocatedByOneCall(Ciphertext out, Consumer<Ciphertext> op) {
    assumeTrue(ManagementFactory.getThreadMXBean()
        instanceof com.sun.management.ThreadMXBean t && t.isThreadAllocatedMemorySupported()
        && t.isThreadAllocatedMemoryEnabled(), "the JVM does not count allocated bytes");
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    for (int i = 0; i < WARM_UP; i++) {
      op.accept(out);
    }
    long first = mx.getThreadAllocatedBytes(id);
    long before = mx.getThreadAllocatedBytes(id);
    long overhead = before - first; // what a reading allocates itself
    op.accept(out);
    long after = mx.getThreadAllocatedBytes(id);
    return after - before - overhead;
  }

  @Test
  void relinearize_into_a_given_output_allocates_almost_nothing() {
    Ciphertext out = Ciphertext.empty(f.params);
    assertThat(allocatedByOneCall(out, o -> f.evaluator.relinearize(product, o)))
        .isLessThan(BOUND);
  }

  @Test
  void rescale_into_a_given_output_allocates_almost_nothing() {
    Ciphertext out = Ciphertext.empty(f.params);
    assertThat(allocatedByOneCall(out, o -> f.evaluator.rescale(a, o))).isLessThan(BOUND);
  }

  @Test
  void multiply_and_relinearize_into_a_given_output_allocate_almost_nothing() {
    Ciphertext out = Ciphertext.empty(f.params);
    assertThat(allocatedByOneCall(out, o -> f.evaluator.mul(a, b, o))).isLessThan(BOUND);
    assertThat(allocatedByOneCall(out, o -> f.evaluator.mulRelin(a, b, o))).isLessThan(BOUND);
  }

  @Test
  void rotate_and_conjugate_into_a_given_output_allocate_almost_nothing() {
    Ciphertext out = Ciphertext.empty(f.params);
    assertThat(allocatedByOneCall(out, o -> f.evaluator.rotate(a, 1, o))).isLessThan(BOUND);
    assertThat(allocatedByOneCall(out, o -> f.evaluator.conjugate(a, o))).isLessThan(BOUND);
  }

  @Test
  void key_switching_into_given_outputs_allocates_almost_nothing() {
    KeySwitcher switcher = new KeySwitcher(f.context);
    int level = product.level();
    long[][] k0 = new long[level + 1][f.params.n()];
    long[][] k1 = new long[level + 1][f.params.n()];
    assertThat(allocatedByOneCall(product, c -> switcher.switchKey(
        c.poly(2), level, f.keys.relinearizationKey(), k0, k1))).isLessThan(BOUND);
  }

  /** relinearize, rescale, rotate and conjugate of {@code ct}, each into its own output. */
  private static List<Ciphertext> pipeline(Ciphertext ct) {
    Evaluator ev = f.evaluator;
    Ciphertext m = Ciphertext.empty(f.params);
    ev.mul(ct, b, m);
    Ciphertext r = Ciphertext.empty(f.params);
    ev.relinearize(m, r);
    Ciphertext s = Ciphertext.empty(f.params);
    ev.rescale(r, s);
    Ciphertext rot = Ciphertext.empty(f.params);
    ev.rotate(s, 1, rot);
    Ciphertext conj = Ciphertext.empty(f.params);
    ev.conjugate(rot, conj);
    return List.of(r, s, rot, conj);
  }

  private static void assertSame(List<Ciphertext> actual, List<Ciphertext> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      Ciphertext x = actual.get(i);
      Ciphertext y = expected.get(i);
      assertThat(x.level()).isEqualTo(y.level());
      assertThat(x.degree()).isEqualTo(y.degree());
      for (int p = 0; p <= y.degree(); p++) {
        for (int row = 0; row <= y.level(); row++) {
          assertThat(x.poly(p)[row]).as("result %d, poly %d, row %d", i, p, row)
              .isEqualTo(y.poly(p)[row]);
        }
      }
    }
  }

  @Test
  void one_evaluator_shared_by_threads_gives_each_the_result_it_gets_alone() throws Exception {
    int threads = 4;
    List<Ciphertext> inputs = new ArrayList<>();
    List<List<Ciphertext>> alone = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      double[] v = new double[f.slots()];
      for (int i = 0; i < v.length; i++) {
        v[i] = Math.cos(i + t);
      }
      Ciphertext ct = f.skEncryptor.encrypt(f.encoder.encode(v));
      inputs.add(ct);
      alone.add(pipeline(ct));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<List<Ciphertext>>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Ciphertext ct = inputs.get(t);
        futures.add(pool.submit(() -> {
          start.await();
          List<List<Ciphertext>> results = new ArrayList<>();
          for (int round = 0; round < 3; round++) {
            results.add(pipeline(ct));
          }
          return results;
        }));
      }
      start.countDown();
      for (int t = 0; t < threads; t++) {
        for (List<Ciphertext> result : futures.get(t).get()) {
          assertSame(result, alone.get(t));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
