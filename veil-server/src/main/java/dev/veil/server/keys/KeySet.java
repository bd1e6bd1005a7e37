package dev.veil.server.keys;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A stored key set: the parameters, a public key and evaluation keys of one key pair, each file a
 * blob. Never a secret key.
 *
 * @param id {@code ks_...}
 * @param ownerId the user who uploaded it; only they see and use it
 * @param name the owner's label
 * @param paramsSha256 blob of {@code params.bin}
 * @param paramsSize its size
 * @param paramsDigest {@code Parameters.digestHex()}: every object made under them carries it
 * @param logN ring degree exponent
 * @param maxLevel top level
 * @param slots complex slots per ciphertext
 * @param insecure whether the parameters are below 128-bit security ({@code securityOff})
 * @param publicKeySha256 blob of {@code public.key}, or null before it is uploaded
 * @param publicKeySize its size, or null
 * @param keyId the first 16 hex digits of {@link #publicKeySha256} (the key id {@code veil keygen}
 *     writes in plan.json and {@code veil encrypt} in meta.json), or null
 * @param evaluationKeysSha256 blob of {@code evaluation.keys}, or null before it is uploaded
 * @param evaluationKeysSize its size, or null
 * @param relinearization whether the evaluation keys hold a relinearisation key, or null
 * @param galoisElements the Galois elements of their rotation keys, ascending, or null
 * @param createdAt when it was created
 */
public record KeySet(String id, String ownerId, String name, String paramsSha256, long paramsSize,
    String paramsDigest, int logN, int maxLevel, int slots, boolean insecure,
    String publicKeySha256, Long publicKeySize, String keyId, String evaluationKeysSha256,
    Long evaluationKeysSize, Boolean relinearization, List<Long> galoisElements,
    Instant createdAt) {
  public KeySet {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ownerId, "ownerId");
    galoisElements = galoisElements == null ? null : List.copyOf(galoisElements);
  }

  /** Whether both the public key and the evaluation keys are there. */
  public boolean complete() {
    return publicKeySha256 != null && evaluationKeysSha256 != null;
  }
}
