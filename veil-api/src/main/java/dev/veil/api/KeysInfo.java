package dev.veil.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code KEYDIR/plan.json} ({@code veil keygen}, format {@value #FORMAT}): what the keys were
 * generated for. Public: it names the key pair but holds no key.
 *
 * @param format {@value #FORMAT}
 * @param model logistic, linear, ovr (training) or inference
 * @param rows most training rows (0 for inference: any number, N/2 per batch)
 * @param features feature columns
 * @param iterations training iterations (0 for inference)
 * @param degree the sigmoid's degree (training: logistic and ovr; inference: probabilities)
 * @param output inference only: {@code probabilities} or {@code scores}, else null (omitted)
 * @param logN log2 of the ring degree
 * @param levels the parameters' levels
 * @param scaleBits log2 of the default scale
 * @param paramsDigest {@code Parameters.digestHex()}
 * @param keyId the first 16 hex digits of SHA-256 of {@code public.key}: names the key pair, so
 *     that a file encrypted under another key pair of the same parameters is refused
 * @param rotations the Galois rotations in {@code evaluation.keys}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record KeysInfo(String format, String model, int rows, int features, int iterations,
    int degree, String output, int logN, int levels, int scaleBits, String paramsDigest,
    String keyId, int[] rotations) {
  /** The format tag of a key plan. */
  public static final String FORMAT = "veil-keys/1";

  /**
   * Checks the plan: its format tag, the model, counts that are not negative, the parameters'
   * digest and the rotations.
   *
   * @return this
   * @throws IllegalArgumentException naming the field
   */
  public KeysInfo validate() {
    FileChecks.format(format, FORMAT);
    FileChecks.present(model, "model");
    FileChecks.atLeast(rows, 0, "rows");
    FileChecks.atLeast(features, 0, "features");
    FileChecks.atLeast(iterations, 0, "iterations");
    FileChecks.atLeast(degree, 0, "degree");
    FileChecks.atLeast(logN, 1, "logN");
    FileChecks.atLeast(levels, 0, "levels");
    FileChecks.present(paramsDigest, "paramsDigest");
    FileChecks.present(rotations, "rotations");
    return this;
  }
}
