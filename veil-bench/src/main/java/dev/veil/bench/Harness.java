package dev.veil.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * A small timing harness: a time-based warm-up (so that the JIT compiles the hot loops before
 * anything is recorded), then many timed rounds, summarised by their median and minimum.
 *
 * <p>Each operation returns a {@code long} derived from its result; the harness folds it into a
 * field that is published through a volatile at the end, so the JIT cannot drop the work as dead
 * code. Operations cheaper than {@link Budget#minRoundNanos} run several times per round and the
 * round time is divided by the number of calls. The number of rounds follows the cost measured
 * during the warm-up: {@link Budget#measureNanos} of rounds, clamped to [{@link Budget#minRounds},
 * {@link Budget#maxRounds}], so a 50 µs operation gets thousands of rounds and a 1 s key
 * generation a handful.
 */
final class Harness {
  /** One operation under test; returns something computed from its result. */
  @FunctionalInterface
  interface Op {
    long call();
  }

  /**
   * How long to warm up and to measure each operation.
   *
   * @param warmupNanos warm-up time per operation (the warm-up also stops at maxWarmupCalls)
   * @param minWarmupCalls calls before anything is timed, whatever the time
   * @param maxWarmupCalls cap on warm-up calls of a cheap operation
   * @param measureNanos target time of the timed rounds of one operation
   * @param minRounds fewest timed rounds, however slow the operation
   * @param maxRounds most timed rounds, however fast the operation
   * @param minRoundNanos a round repeats the operation until it lasts about this long
   */
  record Budget(
      long warmupNanos,
      int minWarmupCalls,
      int maxWarmupCalls,
      long measureNanos,
      int minRounds,
      int maxRounds,
      long minRoundNanos) {

    Budget {
      if (minWarmupCalls < 0 || maxWarmupCalls < minWarmupCalls || minRounds < 1
          || maxRounds < minRounds || warmupNanos < 0 || measureNanos < 0 || minRoundNanos < 0) {
        throw new IllegalArgumentException("inconsistent benchmark budget " + this);
      }
    }

    /**
     * The budget of {@code veil bench ckks}: 2 s of warm-up and 3 s of rounds per operation, at
     * least 2 warm-up calls and 5 rounds (so an operation of 1 s costs about 7 s, and the N15
     * preset finishes in a few minutes).
     */
    static Budget standard() {
      return new Budget(2_000_000_000L, 2, 200_000, 3_000_000_000L, 5, 10_000, 50_000L);
    }

    /** For tests: one warm-up call and {@code rounds} single-call rounds. */
    static Budget quick(int rounds) {
      return new Budget(0, 1, 1, 0, rounds, rounds, 0);
    }
  }

  /**
   * What one operation measured, per call.
   *
   * @param medianNanos median over rounds of the time per call
   * @param minNanos fastest round, per call
   * @param rounds timed rounds
   * @param callsPerRound calls in each round
   * @param warmupCalls calls made before timing
   * @param allocatedBytes heap bytes allocated by one more call, by all threads; -1 when the JVM
   *     cannot tell
   */
  record Measurement(
      double medianNanos,
      double minNanos,
      int rounds,
      int callsPerRound,
      int warmupCalls,
      long allocatedBytes) {

    double medianMicros() {
      return medianNanos / 1e3;
    }

    double minMicros() {
      return minNanos / 1e3;
    }
  }

  private final Budget budget;
  /** Results of every call, folded together; see {@link #published}. */
  private long sink;
  /** Written once per measurement so that {@link #sink} is observable. */
  static volatile long published;

  Harness(Budget budget) {
    this.budget = budget;
  }

  Budget budget() {
    return budget;
  }

  /** Warms {@code op} up, then times it. */
  Measurement measure(Op op) {
    Budget b = budget;
    // warm-up: until the time is up and at least minWarmupCalls were made
    long start = System.nanoTime();
    long fastest = Long.MAX_VALUE; // the cost estimate: a GC pause in one call does not skew it
    int warm = 0;
    while (warm < b.minWarmupCalls()
        || (warm < b.maxWarmupCalls() && System.nanoTime() - start < b.warmupNanos())) {
      long t0 = System.nanoTime();
      sink ^= op.call();
      fastest = Math.min(fastest, System.nanoTime() - t0);
      warm++;
    }
    if (warm == 0) { // a budget without warm-up: still one call to estimate the cost
      long t0 = System.nanoTime();
      sink ^= op.call();
      fastest = System.nanoTime() - t0;
    }
    long estimate = Math.max(1, fastest);
    int perRound = (int) Math.max(1, Math.min(1_000_000, ceilDiv(b.minRoundNanos(), estimate)));
    long rounds = b.measureNanos() / (estimate * perRound);
    int n = (int) Math.max(b.minRounds(), Math.min(b.maxRounds(), rounds));
    long[] times = new long[n];
    for (int r = 0; r < n; r++) {
      long t0 = System.nanoTime();
      for (int c = 0; c < perRound; c++) {
        sink ^= op.call();
      }
      times[r] = System.nanoTime() - t0;
    }
    long allocated = allocatedBytes();
    if (allocated >= 0) {
      long before = allocatedBytes();
      long overhead = before - allocated; // what counting allocates itself
      sink ^= op.call();
      long after = allocatedBytes();
      allocated = after >= before ? Math.max(0, after - before - overhead) : -1;
    }
    published = sink;
    Arrays.sort(times);
    double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2.0;
    return new Measurement(
        median / perRound, (double) times[0] / perRound, n, perRound, warm, allocated);
  }

  /** Heap bytes allocated so far by the live threads, or -1 when the JVM does not count them. */
  static long allocatedBytes() {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t)
        || !t.isThreadAllocatedMemorySupported() || !t.isThreadAllocatedMemoryEnabled()) {
      return -1;
    }
    long sum = 0;
    for (long b : t.getThreadAllocatedBytes(t.getAllThreadIds())) {
      if (b > 0) {
        sum += b;
      }
    }
    return sum;
  }

  private static long ceilDiv(long a, long b) {
    return (a + b - 1) / b;
  }
}
