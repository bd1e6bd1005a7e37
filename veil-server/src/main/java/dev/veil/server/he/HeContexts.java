package dev.veil.server.he;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.veil.he.rlwe.HeContext;
import dev.veil.he.rlwe.Parameters;

/**
 * Single-threaded {@link HeContext}s for checking uploaded objects, kept for the few parameter sets
 * in use (least recently used evicted). A context is immutable after construction and holds no
 * keys, so one may serve concurrent readers; single-threaded contexts own no thread pool, so an
 * evicted one needs no closing.
 */
public final class HeContexts {
  private final int capacity;
  private final Map<String, HeContext> cache;

  public HeContexts(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive");
    }
    this.capacity = capacity;
    this.cache = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The context of {@code params}. */
  public HeContext of(Parameters params) {
    String key = params.digestHex();
    synchronized (cache) {
      HeContext c = cache.get(key);
      if (c != null) {
        return c;
      }
    }
    HeContext made = new HeContext(params, 1); // outside the lock: building tables takes a while
    synchronized (cache) {
      HeContext c = cache.putIfAbsent(key, made);
      if (cache.size() > capacity) {
        String eldest = cache.keySet().iterator().next();
        cache.remove(eldest);
      }
      return c != null ? c : made;
    }
  }
}
