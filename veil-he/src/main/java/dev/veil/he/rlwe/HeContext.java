package dev.veil.he.rlwe;

import java.util.concurrent.ConcurrentHashMap;

import dev.veil.he.ring.BasisConverter;
import dev.veil.he.ring.RingContext;

/**
 * Parameters plus everything precomputed from them (NTT tables, basis converters) and the thread
 * count. Cheap to share; holds no keys. Objects made under one context work with any other
 * context of equal parameters, whatever its thread count.
 */
public final class HeContext implements AutoCloseable {
  private final Parameters params;
  private final RingContext ring;
  private final ConcurrentHashMap<Long, BasisConverter> converters = new ConcurrentHashMap<>();
  /** {@code P^-1 mod q_i} and {@code P mod q_i} for each data prime. */
  private final long[] pInvModQ;
  private final long[] pModQ;

  /** A context using every available processor. */
  public HeContext(Parameters params) {
    this(params, Runtime.getRuntime().availableProcessors());
  }

  public HeContext(Parameters params, int threads) {
    this.params = params;
    this.ring = new RingContext(params.logN(), params.allPrimes(), threads);
    pInvModQ = new long[params.qCount()];
    pModQ = new long[params.qCount()];
    for (int i = 0; i < params.qCount(); i++) {
      dev.veil.he.ring.Modulus qi = ring.modulus(i);
      long prod = 1;
      for (int j = 0; j < params.pCount(); j++) {
        prod = qi.mul(prod, qi.reduce(params.p(j)));
      }
      pModQ[i] = prod;
      pInvModQ[i] = qi.inv(prod);
    }
  }

  public Parameters parameters() {
    return params;
  }

  public RingContext ring() {
    return ring;
  }

  public int threads() {
    return ring.threads();
  }

  /** {@code P^-1 mod q_i}. */
  public long pInvModQ(int i) {
    return pInvModQ[i];
  }

  /** {@code P mod q_i}. */
  public long pModQ(int i) {
    return pModQ[i];
  }

  /** Ring index of data prime i is i; of special prime j is qCount + j. */
  public int[] qIndices(int level) {
    return RingContext.range(0, level + 1);
  }

  public int[] pIndices() {
    return RingContext.range(params.qCount(), params.pCount());
  }

  /** Data primes up to {@code level}, then all special primes. */
  public int[] qpIndices(int level) {
    return RingContext.concat(qIndices(level), pIndices());
  }

  /** Data primes of key-switching digit {@code j} that exist at {@code level}. */
  public int[] digitIndices(int j, int level) {
    int from = j * params.alpha();
    int to = Math.min(level + 1, from + params.alpha());
    return RingContext.range(from, to - from);
  }

  /** ModUp converter for digit j at a level: digit primes to the other data primes and P. */
  public BasisConverter modUpConverter(int j, int level) {
    return converters.computeIfAbsent(
        ((long) level << 32) | j,
        k -> {
          int[] src = digitIndices(j, level);
          int[] others = new int[level + 1 - src.length];
          int c = 0;
          for (int i = 0; i <= level; i++) {
            if (i < src[0] || i > src[src.length - 1]) {
              others[c++] = i;
            }
          }
          return new BasisConverter(ring, src, RingContext.concat(others, pIndices()));
        });
  }

  /** ModDown converter: special primes to the data primes up to a level. */
  public BasisConverter modDownConverter(int level) {
    return converters.computeIfAbsent(
        (1L << 62) | level, k -> new BasisConverter(ring, pIndices(), qIndices(level)));
  }

  @Override
  public void close() {
    ring.close();
  }
}
