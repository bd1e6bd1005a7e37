package dev.veil.ml.nn.compile;

import java.util.Arrays;

/**
 * Where the values of one activation sit in the slots of a latency-mode ciphertext: value v at
 * slot {@code base[v]} and, when the layout is replicated, at {@code base[v] + w period} for every
 * w (period a power of two dividing the slots; period = slots means one copy). Other slots hold
 * zero when {@link #clean()} (up to noise), anything otherwise (a polynomial's value at 0).
 * Public metadata; immutable.
 *
 * @param size values of the activation
 * @param slots slots of the ciphertext
 * @param period replication period
 * @param base slot of each value's first copy, in [0, period)
 * @param clean whether the slots holding no value are zero
 */
record SlotLayout(int size, int slots, int period, int[] base, boolean clean) {

  /** Values 0..size-1 in slots 0..size-1, zeros elsewhere. */
  static SlotLayout contiguous(int size, int slots) {
    return replicated(size, slots, slots);
  }

  /** Values 0..size-1 in slots 0..size-1, repeated every {@code period} slots. */
  static SlotLayout replicated(int size, int slots, int period) {
    if (size > period) {
      throw new IllegalArgumentException(size + " values do not fit a period of " + period);
    }
    int[] b = new int[size];
    for (int v = 0; v < size; v++) {
      b[v] = v;
    }
    return new SlotLayout(size, slots, period, b, true);
  }

  SlotLayout dirty() {
    return new SlotLayout(size, slots, period, base, false);
  }

  /** Whether this is the contiguous layout of one copy (what a result descriptor reads). */
  boolean contiguousSingle() {
    if (period != slots) {
      return false;
    }
    for (int v = 0; v < size; v++) {
      if (base[v] != v) {
        return false;
      }
    }
    return true;
  }

  /** Same slots for every value (the clean flag aside). */
  boolean sameSlots(SlotLayout o) {
    return o.size == size && o.period == period && Arrays.equals(o.base, base);
  }

  /** The copy of value v nearest to slot j (cyclically). */
  int slotNear(int v, int j) {
    int b = base[v];
    if (period == slots) {
      return b;
    }
    int d = Math.floorMod(j - b, period); // j = b + d (mod period)
    int s = d <= period / 2 ? j - d : j + (period - d);
    return Math.floorMod(s, slots);
  }

  /** Every slot holding value v. */
  int[] slotsOf(int v) {
    int[] s = new int[slots / period];
    for (int w = 0; w < s.length; w++) {
      s[w] = base[v] + w * period;
    }
    return s;
  }

  /** The slot vector holding {@code values} in this layout, zeros elsewhere. */
  double[] spread(double[] values) {
    if (values.length != size) {
      throw new IllegalArgumentException("layout of " + size + " values, got " + values.length);
    }
    double[] out = new double[slots];
    for (int v = 0; v < size; v++) {
      for (int w = 0; w < slots / period; w++) {
        out[base[v] + w * period] = values[v];
      }
    }
    return out;
  }

  /** The values read from a decoded slot vector (first copies). */
  double[] read(double[] slotVector) {
    double[] out = new double[size];
    for (int v = 0; v < size; v++) {
      out[v] = slotVector[base[v]];
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SlotLayout l && sameSlots(l) && l.slots == slots && l.clean == clean;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(base) * 31 + period;
  }

  @Override
  public String toString() {
    String kind = period == slots ? "contiguous" : "replicated/" + period;
    return kind + " " + size + (clean ? "" : " (dirty)");
  }
}
