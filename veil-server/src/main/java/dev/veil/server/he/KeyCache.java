package dev.veil.server.he;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.veil.he.io.VeilIO;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.PublicKey;
import dev.veil.he.rlwe.SwitchingKey;

/**
 * The server's one cache of what is read from key sets, parsed once and kept for the requests and
 * jobs that follow: parameters, public keys and evaluation keys by the SHA-256 of the blob they
 * were read from, and computation contexts by parameters and thread count. Uploads (checked under
 * their key set's parameters), job admission and the job runners all go through it.
 *
 * <p><b>Why it is safe.</b> Blobs are content-addressed: a digest names one content for ever, so
 * an entry can never go stale, and a job that asks for the digest its key set records gets exactly
 * the keys that blob holds. Who may use a key set is decided before (by the job's admission), not
 * here. Keys and parameters are immutable once built, and objects made under one context work
 * with any other context of equal parameters, so one parsed key serves concurrent jobs.
 *
 * <p><b>Contexts</b> are leased: a job gets a context no other job is using (a multi-threaded one
 * owns its thread pool, which a job should not share) and gives it back when done ({@link
 * Lease#close}); idle contexts are kept for the next job of the same parameters and thread count,
 * at most {@link Limits#maxIdleContexts} of them (the least recently returned closed first).
 *
 * <p><b>Bounded:</b> at most {@link Limits#maxEntries} keys and parameters, holding at most
 * {@link Limits#maxKeyBytes} of polynomial memory, the least recently used evicted first; a key
 * larger than the whole budget is returned but not kept. An evicted key stays valid for the jobs
 * holding it. Thread-safe.
 */
public final class KeyCache implements AutoCloseable {
  /** Bytes counted for a parameter set (its primes and digest: tiny next to keys). */
  private static final long PARAMETERS_BYTES = 1024;

  /**
   * @param maxEntries parameters, public keys and evaluation-key sets kept, at least 1
   * @param maxKeyBytes heap bytes of key polynomials kept, at least 0
   * @param maxIdleContexts contexts kept between jobs, at least 0
   */
  public record Limits(int maxEntries, long maxKeyBytes, int maxIdleContexts) {
    public Limits {
      if (maxEntries < 1 || maxKeyBytes < 0 || maxIdleContexts < 0) {
        throw new IllegalArgumentException("invalid key cache limits: " + maxEntries + ", "
            + maxKeyBytes + ", " + maxIdleContexts);
      }
    }

    /**
     * 64 entries, a quarter of the maximum heap (at most 2 GiB) of keys, 8 idle contexts.
     */
    public static Limits defaults() {
      return new Limits(64, Math.min(2L << 30, Runtime.getRuntime().maxMemory() / 4), 8);
    }
  }

  /** Reads an object from its blob; called on a miss. */
  @FunctionalInterface
  public interface Loader<T> {
    /** The object, read afresh. */
    T load() throws IOException;
  }

  /** Opens a blob by its SHA-256 (the blob store's {@code open}): where misses are read from. */
  @FunctionalInterface
  public interface Blobs {
    /** The blob's bytes; the caller closes the stream. */
    InputStream open(String sha256) throws IOException;
  }

  /**
   * Counts, for tests and logs: lookups of parameters and keys that found them or read them,
   * what is kept, and how many contexts were ever built.
   */
  public record Stats(long hits, long misses, int entries, long keyBytes, int idleContexts,
      long contextsCreated) {}

  /** A context leased to one job; {@link #close} gives it back. */
  public final class Lease implements AutoCloseable {
    private final ContextKey key;
    private final HeContext context;
    private boolean closed;

    private Lease(ContextKey key, HeContext context) {
      this.key = key;
      this.context = context;
    }

    /** The leased context; only until {@link #close}. */
    public HeContext context() {
      if (closed) {
        throw new IllegalStateException("the context lease was returned");
      }
      return context;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        giveBack(key, context);
      }
    }
  }

  private record Entry(Object value, long bytes) {}

  private record ContextKey(String paramsDigest, int threads) {}

  private final Limits limits;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  /** Idle contexts in the order they were returned (oldest first). */
  private final Deque<Map.Entry<ContextKey, HeContext>> idle = new ArrayDeque<>();
  private long bytes;
  private long hits;
  private long misses;
  private long contextsCreated;
  private boolean closed;

  /** An empty cache that keeps at most {@code limits}. */
  public KeyCache(Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** The parameters in blob {@code sha256}, read with {@code load} if not cached. */
  public Parameters parameters(String sha256, Loader<Parameters> load) throws IOException {
    return get("params:" + sha256, load, p -> PARAMETERS_BYTES);
  }

  /** The public key in blob {@code sha256}, read with {@code load} if not cached. */
  public PublicKey publicKey(String sha256, Loader<PublicKey> load) throws IOException {
    return get("pk:" + sha256, load, KeyCache::bytes);
  }

  /** The evaluation keys in blob {@code sha256}, read with {@code load} if not cached. */
  public EvaluationKeys evaluationKeys(String sha256, Loader<EvaluationKeys> load)
      throws IOException {
    return get("evk:" + sha256, load, KeyCache::bytes);
  }

  /** The parameters in blob {@code sha256}, read from {@code blobs} if not cached. */
  public Parameters parameters(String sha256, Blobs blobs) throws IOException {
    Objects.requireNonNull(blobs, "blobs");
    return parameters(sha256, () -> {
      try (InputStream in = blobs.open(sha256)) {
        return VeilIO.readParameters(in);
      }
    });
  }

  /**
   * The public key in blob {@code sha256}, read from {@code blobs} under {@code he} (a context of
   * its key set's parameters) if not cached.
   */
  public PublicKey publicKey(String sha256, HeContext he, Blobs blobs) throws IOException {
    Objects.requireNonNull(he, "he");
    Objects.requireNonNull(blobs, "blobs");
    return publicKey(sha256, () -> {
      try (InputStream in = blobs.open(sha256)) {
        return VeilIO.readPublicKey(in, he);
      }
    });
  }

  /**
   * The evaluation keys in blob {@code sha256}, read from {@code blobs} under {@code he} (a
   * context of their key set's parameters) if not cached.
   */
  public EvaluationKeys evaluationKeys(String sha256, HeContext he, Blobs blobs)
      throws IOException {
    Objects.requireNonNull(he, "he");
    Objects.requireNonNull(blobs, "blobs");
    return evaluationKeys(sha256, () -> {
      try (InputStream in = blobs.open(sha256)) {
        return VeilIO.readEvaluationKeys(in, he);
      }
    });
  }

  /**
   * A context of these parameters and thread count for the caller alone: an idle one, or a new
   * one. Give it back with {@link Lease#close}.
   */
  public Lease context(Parameters params, int threads) {
    Objects.requireNonNull(params, "params");
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    ContextKey key = new ContextKey(params.digestHex(), threads);
    synchronized (this) {
      for (Iterator<Map.Entry<ContextKey, HeContext>> it = idle.descendingIterator();
          it.hasNext(); ) {
        Map.Entry<ContextKey, HeContext> e = it.next();
        if (e.getKey().equals(key)) {
          it.remove();
          return new Lease(key, e.getValue());
        }
      }
      contextsCreated++;
    }
    return new Lease(key, new HeContext(params, threads)); // outside the lock: builds tables
  }

  /** What the cache has done and holds now. */
  public synchronized Stats stats() {
    return new Stats(hits, misses, entries.size(), bytes, idle.size(), contextsCreated);
  }

  /** Drops every entry and closes the idle contexts; leased ones are closed when given back. */
  @Override
  public void close() {
    List<HeContext> toClose = new ArrayList<>();
    synchronized (this) {
      closed = true;
      entries.clear();
      bytes = 0;
      idle.forEach(e -> toClose.add(e.getValue()));
      idle.clear();
    }
    toClose.forEach(HeContext::close);
  }

  private void giveBack(ContextKey key, HeContext context) {
    HeContext evicted = null;
    synchronized (this) {
      if (closed || limits.maxIdleContexts() == 0) {
        evicted = context;
      } else {
        idle.addLast(Map.entry(key, context));
        if (idle.size() > limits.maxIdleContexts()) {
          evicted = idle.removeFirst().getValue();
        }
      }
    }
    if (evicted != null) {
      evicted.close();
    }
  }

  @SuppressWarnings("unchecked")
  private <T> T get(String key, Loader<T> load, java.util.function.ToLongFunction<T> size)
      throws IOException {
    synchronized (this) {
      Entry e = entries.get(key);
      if (e != null) {
        hits++;
        return (T) e.value();
      }
      misses++;
    }
    // outside the lock: parsing keys takes a while; two jobs missing together both read
    T value = Objects.requireNonNull(load.load(), "loaded value");
    long b = size.applyAsLong(value);
    synchronized (this) {
      if (closed || b > limits.maxKeyBytes()) {
        return value;
      }
      Entry there = entries.get(key);
      if (there != null) {
        return (T) there.value();
      }
      entries.put(key, new Entry(value, b));
      bytes += b;
      Iterator<Entry> it = entries.values().iterator();
      while ((entries.size() > limits.maxEntries() || bytes > limits.maxKeyBytes())
          && it.hasNext()) {
        Entry eldest = it.next();
        if (eldest.value() == value) {
          break; // never the entry just added (it fits alone)
        }
        bytes -= eldest.bytes();
        it.remove();
      }
      return value;
    }
  }

  private static long bytes(PublicKey pk) {
    return 2L * pk.b().length * pk.parameters().n() * 8;
  }

  private static long bytes(EvaluationKeys keys) {
    long b = 0;
    if (keys.hasRelinearizationKey()) {
      b += keys.relinearizationKey().memoryBytes();
    }
    for (SwitchingKey k : keys.galoisKeys().values()) {
      b += k.memoryBytes();
    }
    return b;
  }
}
