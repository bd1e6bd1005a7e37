package dev.veil.he.ckks;

import dev.veil.he.rlwe.InvalidParametersException;
import dev.veil.he.rlwe.Parameters;

/**
 * Chooses parameters from intent: the multiplicative depth a computation needs, the scale and the
 * number of slots. Returns the smallest 128-bit-secure set (smallest ring degree, then the fewest
 * key-switching digits the remaining modulus budget allows), or refuses with a message that says
 * what to change.
 *
 * <p>Layout: a first prime of {@code scaleBits + headroomBits} bits (room for the magnitude of
 * decrypted values), {@code depth} primes of {@code scaleBits} bits, and special primes at least
 * as large as the largest key-switching digit.
 */
public final class ParameterSelector {
  /** Default bits of the first prime above the scale: values up to about 2^19 decode exactly. */
  public static final int DEFAULT_HEADROOM_BITS = 20;

  private ParameterSelector() {}

  /** Smallest secure parameters for the intent, with the default headroom. */
  public static Parameters select(int depth, int scaleBits, int slots) {
    return select(depth, scaleBits, slots, DEFAULT_HEADROOM_BITS);
  }

  /**
   * @param depth multiplications (rescales) on the longest path, at least 0
   * @param scaleBits log2 of the scale, 20..60
   * @param slots complex slots needed, at least 1
   * @param headroomBits bits of the first prime above the scale
   * @throws InvalidParametersException when no secure set up to N = 2^16 fits, saying why
   */
  public static Parameters select(int depth, int scaleBits, int slots, int headroomBits) {
    if (depth < 0) {
      throw new InvalidParametersException("depth must be >= 0, got " + depth);
    }
    if (scaleBits < 20 || scaleBits > 60) {
      throw new InvalidParametersException("scale must be 2^20 .. 2^60, got 2^" + scaleBits);
    }
    if (slots < 1 || slots > (1 << 15)) {
      throw new InvalidParametersException(
          "slots must be in [1, 32768] (N = 2^16 holds 32768), got " + slots);
    }
    int q0 = Math.min(61, scaleBits + Math.max(0, headroomBits));
    int logQ = q0 + depth * scaleBits;
    // N/2 slots: logN >= ceil(log2(slots)) + 1
    int minLogN = Math.max(12, 32 - Integer.numberOfLeadingZeros(slots - 1) + 1);
    for (int logN = minLogN; logN <= 16; logN++) {
      int budget = Parameters.maxLogQP(logN);
      // largest digit first: fewer digits means faster key switching and smaller keys
      for (int alpha = depth + 1; alpha >= 1; alpha--) {
        int digitBits = Math.max(q0 + (alpha - 1) * scaleBits, Math.min(alpha, depth) * scaleBits);
        int k = (digitBits + 60) / 61;
        int pBits = Math.max(18, (digitBits + k - 1) / k);
        if (pBits > 61) {
          continue;
        }
        if (logQ + k * pBits <= budget) {
          int[] lq = Presets.chain(q0, scaleBits, depth);
          int[] lp = new int[k];
          java.util.Arrays.fill(lp, pBits);
          int dnum = (depth + 1 + alpha - 1) / alpha;
          return Parameters.builder().logN(logN).logQ(lq).logP(lp).logDefaultScale(scaleBits)
              .dnum(dnum).build();
        }
      }
    }
    int needed = logQ + Math.min(61, q0);
    throw new InvalidParametersException(String.format(
        "depth %d at scale 2^%d needs log2(QP) of at least %d bits, more than the %d bits that"
            + " N = 2^16 allows at 128-bit security: lower the depth (or refresh the ciphertext"
            + " midway) or the scale",
        depth, scaleBits, needed, Parameters.maxLogQP(16)));
  }
}
