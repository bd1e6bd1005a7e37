package dev.veil.he.rlwe;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The evaluation keys a computation needs: at most one relinearisation key and Galois keys for
 * exactly the automorphisms asked for. Passed to an evaluator explicitly; there is no global key
 * state. Immutable.
 */
public final class EvaluationKeys {
  private final Parameters params;
  private final SwitchingKey relinearization;
  private final Map<Long, SwitchingKey> galois;

  public EvaluationKeys(Parameters params, SwitchingKey relinearization, Iterable<SwitchingKey> g) {
    this.params = params;
    if (relinearization != null) {
      params.requireSame(relinearization.parameters(), "relinearisation key");
      if (!relinearization.isRelinearization()) {
        throw new IllegalArgumentException("the relinearisation key slot got a Galois key");
      }
    }
    this.relinearization = relinearization;
    Map<Long, SwitchingKey> m = new TreeMap<>();
    if (g != null) {
      for (SwitchingKey k : g) {
        params.requireSame(k.parameters(), "Galois key");
        if (k.isRelinearization()) {
          throw new IllegalArgumentException("a relinearisation key was given as a Galois key");
        }
        if (m.put(k.galoisElement(), k) != null) {
          throw new IllegalArgumentException(
              "two Galois keys for element " + k.galoisElement());
        }
      }
    }
    this.galois = Collections.unmodifiableMap(m);
  }

  public static EvaluationKeys empty(Parameters params) {
    return new EvaluationKeys(params, null, null);
  }

  public Parameters parameters() {
    return params;
  }

  public boolean hasRelinearizationKey() {
    return relinearization != null;
  }

  /** @throws MissingKeyException if none was generated */
  public SwitchingKey relinearizationKey() {
    if (relinearization == null) {
      throw new MissingKeyException(
          "no relinearisation key: generate one with KeyGenerator.relinearizationKey");
    }
    return relinearization;
  }

  public boolean hasGaloisKey(long galoisElement) {
    return galois.containsKey(galoisElement);
  }

  /**
   * @param what how the caller names the automorphism in the error, e.g. "rotation by 3"
   * @throws MissingKeyException naming {@code what} and the Galois element
   */
  public SwitchingKey galoisKey(long galoisElement, String what) {
    SwitchingKey k = galois.get(galoisElement);
    if (k == null) {
      throw new MissingKeyException(
          "no Galois key for "
              + what
              + " (Galois element "
              + galoisElement
              + "); the key set has "
              + (galois.isEmpty() ? "none" : "elements " + galois.keySet())
              + ": generate it with KeyGenerator.galoisKeys");
    }
    return k;
  }

  /** Galois elements present, ascending. */
  public Map<Long, SwitchingKey> galoisKeys() {
    return galois;
  }

  /**
   * A key set with these keys plus those of {@code more} whose Galois elements are not present
   * yet (a key already in the set is kept).
   */
  public EvaluationKeys with(Iterable<SwitchingKey> more) {
    java.util.Map<Long, SwitchingKey> all = new TreeMap<>(galois);
    for (SwitchingKey k : more) {
      params.requireSame(k.parameters(), "Galois key");
      all.putIfAbsent(k.galoisElement(), k);
    }
    return new EvaluationKeys(params, relinearization, all.values());
  }
}
