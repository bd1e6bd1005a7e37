package dev.veil.he.ring;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Reusable scratch objects (workspaces of polynomial buffers) for operations that must not
 * allocate per call. A caller takes one with {@link #take()} for the length of one operation and
 * hands it back with {@link #give}, in a {@code finally}; the worker threads of that operation may
 * write disjoint parts of it meanwhile. A workspace is made by the factory only when none is free,
 * so the pool holds as many as there have ever been concurrent callers, each for the life of the
 * pool's owner; after the first call of each concurrent caller, taking and giving allocate
 * nothing.
 *
 * <p>Thread-safe: any number of threads may take and give at once; a taken object belongs to its
 * taker alone until given back.
 */
public final class ScratchPool<T> {
  private final Supplier<T> factory;
  private final ArrayDeque<T> free = new ArrayDeque<>();

  /** A pool making its objects with {@code factory}, which must return a new object each time. */
  public ScratchPool(Supplier<T> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /** A free object of the pool, or a new one when every object is taken. */
  public T take() {
    synchronized (free) {
      T t = free.pollLast();
      if (t != null) {
        return t;
      }
    }
    return Objects.requireNonNull(factory.get(), "the scratch factory returned null");
  }

  /** Hands back an object from {@link #take()}; the caller must not use it afterwards. */
  public void give(T t) {
    Objects.requireNonNull(t, "scratch object");
    synchronized (free) {
      free.addLast(t);
    }
  }

  /** Objects free now (for tests and diagnostics). */
  public int freeCount() {
    synchronized (free) {
      return free.size();
    }
  }
}
