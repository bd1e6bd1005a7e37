package dev.veil.ml.nn.compile;

import java.util.List;
import java.util.Objects;

import dev.veil.he.rlwe.FloodingPolicy;
import dev.veil.he.rlwe.Parameters;

/**
 * What {@link NetworkCompiler} is asked for. Immutable; start from {@link #latency()} or {@link
 * #throughput()} and adjust with the {@code with...} methods.
 *
 * @param mode one input per request, or one input per slot
 * @param parameters the parameters to compile for (tests: small insecure ones), or null to let
 *     the compiler choose the smallest 128-bit-secure set that meets {@code minPrecisionBits}
 * @param minPrecisionBits bits of absolute precision the decrypted outputs must keep (after the
 *     flooding, when sanitising): the error expected is about {@code 2^-bits}
 * @param sanitization how results are sanitised, or null for no sanitisation (tests of the
 *     arithmetic only; results returned to a key holder who is not the model owner must be)
 * @param calibration sample inputs whose activations bound the values of every layer (their
 *     largest magnitude times {@code margin}); empty: interval bounds from {@code inputBound}
 * @param inputBound largest |input value| (used without calibration samples)
 * @param margin factor on the calibrated magnitudes, at least 1
 * @param minScaleBits the smallest scale the parameter search tries
 */
public record CompileOptions(NetworkCompiler.Mode mode, Parameters parameters,
    double minPrecisionBits, Sanitization sanitization, List<double[]> calibration,
    double inputBound, double margin, int minScaleBits) {

  /**
   * The sanitiser's flooding: statistical security s and D, the number of sanitised ciphertexts
   * one key holder may ever receive from this model (see {@link
   * dev.veil.ml.infer.OutputSanitizer}), and the noise bound B.
   *
   * @param noiseBoundBits NaN: B is the compiled circuit's traced bound (what circuit privacy
   *     needs); a number: B = 2^that, declared by the caller (a bound below the traced one does
   *     NOT hide the noise; for measuring the sanitiser's cost where the traced flooding leaves
   *     no precision)
   */
  public record Sanitization(int securityBits, long maxResults, double noiseBoundBits) {
    public Sanitization {
      if (!Double.isNaN(noiseBoundBits) && !(noiseBoundBits >= 0 && noiseBoundBits < 62)) {
        throw new IllegalArgumentException("noiseBoundBits must be NaN or in [0, 62), got "
            + noiseBoundBits);
      }
      if (securityBits < FloodingPolicy.MIN_SECURITY_BITS) {
        throw new IllegalArgumentException("flooding security must be at least "
            + FloodingPolicy.MIN_SECURITY_BITS + " bits, got " + securityBits);
      }
      if (maxResults < 1) {
        throw new IllegalArgumentException("maxResults must be at least 1, got " + maxResults);
      }
    }

    /** s = {@value FloodingPolicy#DEFAULT_SECURITY_BITS} bits for {@code maxResults} results. */
    public static Sanitization of(long maxResults) {
      return new Sanitization(FloodingPolicy.DEFAULT_SECURITY_BITS, maxResults, Double.NaN);
    }

    /** Whether B is the traced bound. */
    public boolean traced() {
      return Double.isNaN(noiseBoundBits);
    }

    /** The same with B declared as 2^bits instead of traced. */
    public Sanitization withNoiseBoundBits(double bits) {
      return new Sanitization(securityBits, maxResults, bits);
    }
  }

  public CompileOptions {
    Objects.requireNonNull(mode, "mode");
    calibration = List.copyOf(calibration);
    if (!(minPrecisionBits > 0) || minPrecisionBits > 50) {
      throw new IllegalArgumentException("minPrecisionBits must be in (0, 50], got "
          + minPrecisionBits);
    }
    if (!(inputBound > 0) || !Double.isFinite(inputBound)) {
      throw new IllegalArgumentException("inputBound must be finite and > 0: " + inputBound);
    }
    if (!(margin >= 1) || !Double.isFinite(margin)) {
      throw new IllegalArgumentException("margin must be finite and >= 1: " + margin);
    }
    if (minScaleBits < 20 || minScaleBits > 60) {
      throw new IllegalArgumentException("minScaleBits must be in [20, 60]: " + minScaleBits);
    }
  }

  /** Latency mode: 10 bits, no sanitisation, inputs in [-1, 1], margin 2. */
  public static CompileOptions latency() {
    return new CompileOptions(NetworkCompiler.Mode.LATENCY, null, 10, null, List.of(), 1, 2, 24);
  }

  /** Throughput mode, with the defaults of {@link #latency()}. */
  public static CompileOptions throughput() {
    return latency().withMode(NetworkCompiler.Mode.THROUGHPUT);
  }

  public CompileOptions withMode(NetworkCompiler.Mode m) {
    return new CompileOptions(m, parameters, minPrecisionBits, sanitization, calibration,
        inputBound, margin, minScaleBits);
  }

  public CompileOptions withParameters(Parameters p) {
    return new CompileOptions(mode, p, minPrecisionBits, sanitization, calibration, inputBound,
        margin, minScaleBits);
  }

  public CompileOptions withMinPrecisionBits(double bits) {
    return new CompileOptions(mode, parameters, bits, sanitization, calibration, inputBound,
        margin, minScaleBits);
  }

  public CompileOptions withSanitization(Sanitization s) {
    return new CompileOptions(mode, parameters, minPrecisionBits, s, calibration, inputBound,
        margin, minScaleBits);
  }

  public CompileOptions withCalibration(List<double[]> samples) {
    return new CompileOptions(mode, parameters, minPrecisionBits, sanitization, samples,
        inputBound, margin, minScaleBits);
  }

  public CompileOptions withInputBound(double bound) {
    return new CompileOptions(mode, parameters, minPrecisionBits, sanitization, calibration,
        bound, margin, minScaleBits);
  }

  public CompileOptions withMargin(double m) {
    return new CompileOptions(mode, parameters, minPrecisionBits, sanitization, calibration,
        inputBound, m, minScaleBits);
  }

  public CompileOptions withMinScaleBits(int bits) {
    return new CompileOptions(mode, parameters, minPrecisionBits, sanitization, calibration,
        inputBound, margin, bits);
  }
}
