package dev.veil.server.job;

import java.util.Objects;

import dev.veil.server.blob.BlobStore.BlobRef;

/**
 * What a successful run produced: the result blob (already stored) and its public description
 * as JSON (format, shapes, parameters digest: what the entitled party needs to read it), and for
 * a training to be handed over the platform's mask.
 *
 * @param handover null, or the hand-over the job waits for (the result is then the masked model)
 */
public record JobOutcome(BlobRef result, String info, Handover handover) {
  /**
   * A trained model waiting for its data owner's public key switch to the builder's key.
   *
   * @param keySetId the builder's key set
   * @param maskSeedHex the seed of the {@code RingMask} added to every ciphertext (stream k for
   *     ciphertext k): the platform's secret, kept with the hand-over, never in a blob or a reply
   * @param ciphertexts ciphertexts in the result
   * @param hours how long the data owner has before the builder is refunded
   */
  public record Handover(String keySetId, String maskSeedHex, int ciphertexts, int hours) {
    public Handover {
      Objects.requireNonNull(keySetId, "keySetId");
      Objects.requireNonNull(maskSeedHex, "maskSeedHex");
      if (ciphertexts < 1 || hours < 1) {
        throw new IllegalArgumentException("a hand-over needs ciphertexts and hours");
      }
    }
  }

  public JobOutcome {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(info, "info");
  }

  /** An outcome with no hand-over. */
  public JobOutcome(BlobRef result, String info) {
    this(result, info, null);
  }
}
