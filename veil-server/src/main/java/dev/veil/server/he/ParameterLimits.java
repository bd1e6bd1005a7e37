package dev.veil.server.he;

import dev.veil.he.rlwe.Parameters;
import dev.veil.server.core.ServiceException;

/**
 * The one place that bounds the work an untrusted {@code params.bin} can cause on this server.
 * Parameters are made from the literal a user uploads, and everything sized by them follows: the
 * primes generated when they are read, the NTT tables of every context built for their jobs
 * (about 4 N longs per prime), and the size of every key and ciphertext checked under them. A key
 * set's parameters are checked here when it is created, before anything is stored; whatever
 * passes is what jobs may later build contexts for.
 *
 * <p>Uploads themselves build no context: public and evaluation keys are checked row by row
 * (VeilIO#checkPublicKey, VeilIO#checkEvaluationKeys) and ciphertexts likewise, so the contexts
 * the server builds are those of admitted jobs, bounded in number by the job runners.
 *
 * @param maxLogN largest ring degree, as log2 N
 * @param maxPrimes most primes (data plus special) in one set
 * @param maxRingCoefficients most coefficients of one polynomial over every prime, N times the
 *     prime count: what one context row set, one key digit and the tables scale with
 */
public record ParameterLimits(int maxLogN, int maxPrimes, long maxRingCoefficients) {
  public ParameterLimits {
    if (maxLogN < 1 || maxLogN > 16 || maxPrimes < 2 || maxRingCoefficients < 2) {
      throw new IllegalArgumentException("invalid parameter limits: " + maxLogN + ", "
          + maxPrimes + ", " + maxRingCoefficients);
    }
  }

  /**
   * The engine's own ceiling (N up to 2^16, at most 64 data and 16 special primes: N x primes at
   * most 2^16 x 80, a polynomial over every prime of 40 MiB), which every set the planner picks
   * fits (scales down to 2^20 at depth 60 need 60-odd primes). An operator who serves smaller
   * work lowers them; a set beyond them is refused before anything is stored.
   */
  public static ParameterLimits defaults() {
    return new ParameterLimits(16, 80, (1L << 16) * 80);
  }

  /**
   * Refuses parameters beyond the limits.
   *
   * @param what names the upload in the message ("params")
   * @throws ServiceException 400 {@code parameters_too_large}, naming the limit exceeded
   */
  public void check(Parameters p, String what) {
    int primes = p.qCount() + p.pCount();
    if (p.logN() > maxLogN) {
      throw refuse(what + ": ring degree N = 2^" + p.logN() + " is above this server's limit of"
          + " 2^" + maxLogN);
    }
    if (primes > maxPrimes) {
      throw refuse(what + ": " + primes + " primes (" + p.qCount() + " data + " + p.pCount()
          + " special) is above this server's limit of " + maxPrimes);
    }
    long coefficients = (long) p.n() * primes;
    if (coefficients > maxRingCoefficients) {
      throw refuse(what + ": N x primes = 2^" + p.logN() + " x " + primes + " = " + coefficients
          + " coefficients per polynomial is above this server's limit of " + maxRingCoefficients
          + " (fewer primes or a smaller ring)");
    }
  }

  private static ServiceException refuse(String message) {
    return new ServiceException(400, "parameters_too_large", message + "; nothing was stored");
  }
}
