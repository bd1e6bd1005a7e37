package dev.veil.ml.linalg;

import java.util.Arrays;
import java.util.TreeSet;

import dev.veil.he.ckks.Evaluator;
import dev.veil.he.rlwe.EvaluationKeys;
import dev.veil.he.rlwe.MissingKeyException;
import dev.veil.he.rlwe.Parameters;

/** Checks that evaluation keys are present before any work starts. */
final class Keys {
  private Keys() {}

  /**
   * @throws MissingKeyException naming the first rotation (and {@code op}) whose Galois key is
   *     missing
   */
  static void requireRotations(Evaluator ev, int[] rotations, String op) {
    Parameters params = ev.context().parameters();
    EvaluationKeys keys = ev.keys();
    for (int k : rotations) {
      if (Math.floorMod(k, params.slots()) != 0) {
        keys.galoisKey(Evaluator.galoisElement(params, k), "rotation by " + k + " (" + op + ")");
      }
    }
  }

  /** @throws MissingKeyException if the evaluator has no relinearisation key */
  static void requireRelinearization(Evaluator ev, String op) {
    if (!ev.keys().hasRelinearizationKey()) {
      throw new MissingKeyException(op + ": needs a relinearisation key and the evaluator has none;"
          + " generate it with KeyGenerator.relinearizationKey");
    }
  }

  /** Sorted distinct union, rotation 0 left out. */
  static int[] union(int[]... sets) {
    TreeSet<Integer> all = new TreeSet<>();
    for (int[] s : sets) {
      for (int k : s) {
        if (k != 0) {
          all.add(k);
        }
      }
    }
    return all.stream().mapToInt(Integer::intValue).toArray();
  }

  static int[] sorted(int[] r) {
    int[] c = r.clone();
    Arrays.sort(c);
    return c;
  }
}
