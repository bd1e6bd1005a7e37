package dev.veil.ml.train;

import java.util.Locale;

import dev.veil.he.rlwe.Parameters;
import dev.veil.he.rlwe.SwitchingKey;
import dev.veil.ml.linalg.Layout;

/**
 * The heap an encrypted training run needs, estimated from its plan before any key exists: the
 * evaluation keys (relinearisation plus one Galois key per rotation, {@code dnum (qCount +
 * pCount) N 8} bytes per part, two parts expanded, one when {@linkplain SwitchingKey#compact()
 * compact}) and the working set (the table's ciphertexts, the trainer's temporaries, the key
 * switcher's buffers), all at the top level.
 *
 * <p>The working set counts {@code 4 C + 14} ciphertexts of {@code 2 (L + 1) N 8} bytes for a
 * table of {@code C} ciphertexts: the table, the per-ciphertext gradient terms, the iterates, the
 * sigmoid's powers and a degree-2 product ({@code 2 C + 12}), and two more per table ciphertext
 * and two in all that {@code bench helr} measured beyond that (its peak live heap on a 2,000 x 64
 * table, {@code C = 4}, exceeded a {@code 2 C + 12} estimate by 4 %: 7,121 MiB against 6,818);
 * a key switcher's workspace ({@code 3 (qCount +
 * pCount) N} longs, plus {@code dnum (qCount + pCount) N} for a compact key's expanded a parts), a
 * hoisted decomposition ({@code dnum (qCount + pCount) N} longs), and {@value #OVERHEAD_MIB} MiB
 * for everything else (transform tables, the encoder, the clear-text table).
 *
 * @param keys switching keys: the relinearisation key and one per rotation
 * @param bytesPerKey heap bytes of one key in the chosen form
 * @param workingBytes heap bytes of the working set
 * @param compactKeys whether the keys are to be held compact
 */
public record PlanMemory(int keys, long bytesPerKey, long workingBytes, boolean compactKeys) {
  /** Fixed allowance for what the estimate does not itemise, in MiB. */
  public static final int OVERHEAD_MIB = 256;

  /**
   * Share of the maximum heap a plan may fill: the rest is the collector's (with the parallel
   * collector, about three quarters of {@code -Xmx} can stay live in large arrays).
   */
  public static final double HEAP_SHARE = 0.8;

  /** The estimate for a plan's parameters, layout and rotations, keys in the given form. */
  public static PlanMemory of(Parameters params, Layout layout, int rotations, boolean compact) {
    long row = params.n() * 8L;
    long rowsAll = params.qCount() + params.pCount();
    long ciphertext = 2L * (params.maxLevel() + 1) * row;
    long working = (4L * layout.ciphertexts() + 14) * ciphertext
        + (3 + (compact ? params.dnum() : 0)) * rowsAll * row // key switcher workspace
        + params.dnum() * rowsAll * row // a hoisted decomposition
        + ((long) OVERHEAD_MIB << 20);
    return new PlanMemory(rotations + 1, SwitchingKey.memoryBytes(params, compact), working,
        compact);
  }

  /** Bytes of all keys. */
  public long keyBytes() {
    return keys * bytesPerKey;
  }

  /** Bytes of keys and working set together. */
  public long totalBytes() {
    return keyBytes() + workingBytes;
  }

  /** Whether {@link #totalBytes()} fits {@link #HEAP_SHARE} of {@code maxHeap} bytes. */
  public boolean fits(long maxHeap) {
    return totalBytes() <= (long) (HEAP_SHARE * maxHeap);
  }

  /** A line for logs: "4,120 MiB (23 compact keys of 123 MiB, 680 MiB working)". */
  public String describe() {
    return String.format(Locale.ROOT, "%,d MiB (%d %s keys of %,d MiB, %,d MiB working)",
        mib(totalBytes()), keys, compactKeys ? "compact" : "expanded", mib(bytesPerKey),
        mib(workingBytes));
  }

  static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }
}
