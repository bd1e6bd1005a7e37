package dev.veil.server.he;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.KeyGenerator;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SecretKey;
import dev.veil.server.testing.TestCrypto;
import org.junit.jupiter.api.Test;

/** The key cache of jobs: one parse per blob, bounded by count and bytes, contexts leased. */
class KeyCacheTest {
  private static final Parameters PARAMS = TestCrypto.PARAMS;

  /** A loader that counts its calls and reads the test's evaluation keys. */
  private static final class CountingLoader implements KeyCache.Loader<EvaluationKeys> {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public EvaluationKeys load() throws IOException {
      calls.incrementAndGet();
      try (HeContext ctx = new HeContext(PARAMS, 1)) {
        return VeilIO.readEvaluationKeys(new ByteArrayInputStream(TestCrypto.EVALUATION_KEYS),
            ctx);
      }
    }
  }

  private static long evaluationKeyBytes() throws IOException {
    EvaluationKeys k = new CountingLoader().load();
    long b = k.relinearizationKey().memoryBytes();
    for (var g : k.galoisKeys().values()) {
      b += g.memoryBytes();
    }
    return b;
  }

  private static PublicKey freshPublicKey() {
    try (HeContext ctx = new HeContext(PARAMS, 1)) {
      KeyGenerator kg = new KeyGenerator(ctx);
      SecretKey sk = kg.secretKey();
      return kg.publicKey(sk);
    }
  }

  @Test
  void theSameBlobIsParsedOnceAndServedAsTheSameObject() throws Exception {
    KeyCache cache = new KeyCache(new KeyCache.Limits(8, 1L << 30, 2));
    CountingLoader loader = new CountingLoader();
    EvaluationKeys first = cache.evaluationKeys("a".repeat(64), loader);
    EvaluationKeys again = cache.evaluationKeys("a".repeat(64), loader);
    assertThat(again).isSameAs(first);
    assertThat(loader.calls).hasValue(1);
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(cache.stats().misses()).isEqualTo(1);
    assertThat(cache.stats().keyBytes()).isEqualTo(evaluationKeyBytes());

    Parameters p1 = cache.parameters("b".repeat(64), () -> PARAMS);
    assertThat(cache.parameters("b".repeat(64), () -> {
      throw new AssertionError("read again");
    })).isSameAs(p1);
  }

  @Test
  void kindsAreKeptApartUnderOneDigest() throws Exception {
    KeyCache cache = new KeyCache(new KeyCache.Limits(8, 1L << 30, 2));
    String digest = "c".repeat(64);
    PublicKey pk = freshPublicKey();
    cache.publicKey(digest, () -> pk);
    CountingLoader loader = new CountingLoader();
    cache.evaluationKeys(digest, loader);
    assertThat(loader.calls).hasValue(1);
    assertThat(cache.publicKey(digest, () -> {
      throw new AssertionError("read again");
    })).isSameAs(pk);
  }

  @Test
  void theLeastRecentlyUsedEntryGoesWhenTheCountIsReached() throws Exception {
    KeyCache cache = new KeyCache(new KeyCache.Limits(2, 1L << 30, 2));
    CountingLoader a = new CountingLoader();
    CountingLoader b = new CountingLoader();
    CountingLoader c = new CountingLoader();
    cache.evaluationKeys("a".repeat(64), a);
    cache.evaluationKeys("b".repeat(64), b);
    cache.evaluationKeys("a".repeat(64), a); // a is now the most recently used
    cache.evaluationKeys("c".repeat(64), c); // evicts b
    assertThat(cache.stats().entries()).isEqualTo(2);
    cache.evaluationKeys("a".repeat(64), a);
    cache.evaluationKeys("b".repeat(64), b);
    assertThat(a.calls).hasValue(1);
    assertThat(b.calls).hasValue(2);
    assertThat(c.calls).hasValue(1);
  }

  @Test
  void theBytesKeptStayWithinTheBudget() throws Exception {
    long one = evaluationKeyBytes();
    KeyCache cache = new KeyCache(new KeyCache.Limits(100, 2 * one + one / 2, 2));
    for (int i = 0; i < 5; i++) {
      cache.evaluationKeys(Integer.toString(i).repeat(64), new CountingLoader());
      assertThat(cache.stats().keyBytes()).isLessThanOrEqualTo(2 * one + one / 2);
    }
    assertThat(cache.stats().entries()).isEqualTo(2);

    KeyCache small = new KeyCache(new KeyCache.Limits(100, one - 1, 2));
    CountingLoader loader = new CountingLoader();
    EvaluationKeys k = small.evaluationKeys("d".repeat(64), loader);
    assertThat(k).isNotNull(); // served, but larger than the whole budget: not kept
    small.evaluationKeys("d".repeat(64), loader);
    assertThat(loader.calls).hasValue(2);
    assertThat(small.stats().entries()).isZero();
  }

  @Test
  void aFailedLoadKeepsNothing() {
    KeyCache cache = new KeyCache(KeyCache.Limits.defaults());
    assertThatThrownBy(() -> cache.evaluationKeys("e".repeat(64), () -> {
      throw new IOException("unreadable");
    })).isInstanceOf(IOException.class).hasMessage("unreadable");
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void aContextIsLeasedToOneJobAtATimeAndReusedAfterwards() {
    KeyCache cache = new KeyCache(new KeyCache.Limits(8, 1L << 30, 2));
    HeContext first;
    HeContext second;
    try (KeyCache.Lease a = cache.context(PARAMS, 1); KeyCache.Lease b = cache.context(PARAMS, 1)) {
      first = a.context();
      second = b.context();
      assertThat(second).isNotSameAs(first); // leased: never shared by two jobs at once
      assertThat(first.parameters()).isSameAs(PARAMS);
    }
    assertThat(cache.stats().idleContexts()).isEqualTo(2);
    try (KeyCache.Lease c = cache.context(PARAMS, 1)) {
      assertThat(c.context()).isIn(first, second);
      assertThat(cache.stats().contextsCreated()).isEqualTo(2);
    }
    try (KeyCache.Lease other = cache.context(PARAMS, 2)) {
      assertThat(other.context().threads()).isEqualTo(2); // another thread count: another context
    }
    assertThat(cache.stats().contextsCreated()).isEqualTo(3);
    assertThat(cache.stats().idleContexts()).isEqualTo(2); // at most two kept
  }

  @Test
  void aReturnedLeaseCannotBeUsed() {
    KeyCache cache = new KeyCache(KeyCache.Limits.defaults());
    KeyCache.Lease lease = cache.context(PARAMS, 1);
    lease.close();
    lease.close(); // idempotent
    assertThatThrownBy(lease::context).isInstanceOf(IllegalStateException.class);
    assertThat(cache.stats().idleContexts()).isEqualTo(1);
  }

  @Test
  void closingDropsEverything() throws Exception {
    KeyCache cache = new KeyCache(KeyCache.Limits.defaults());
    cache.evaluationKeys("f".repeat(64), new CountingLoader());
    KeyCache.Lease lease = cache.context(PARAMS, 1);
    cache.context(PARAMS, 1).close();
    cache.close();
    lease.close(); // given back after the close: closed, not kept
    assertThat(cache.stats().entries()).isZero();
    assertThat(cache.stats().idleContexts()).isZero();
  }

  @Test
  void limitsAreChecked() {
    assertThatThrownBy(() -> new KeyCache.Limits(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeyCache.Limits(1, -1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(List.of(KeyCache.Limits.defaults().maxEntries())).containsExactly(64);
  }
}
