package dev.veil.api;

import java.time.Instant;

/**
 * A key set: parameters, public key and evaluation keys of one key pair (never its secret key),
 * as its owner sees it.
 *
 * @param id {@code ks_...}
 * @param name a label
 * @param params {@code params.bin}
 * @param paramsDigest the parameters' digest
 * @param logN log2 of the ring degree
 * @param maxLevel the parameters' top level
 * @param slots slots per ciphertext
 * @param insecure whether the parameters are below 128-bit security
 * @param publicKey {@code public.key}, or null until uploaded
 * @param keyId the first 16 hex digits of the public key's SHA-256 ({@code veil keygen}'s key id),
 *     or null
 * @param evaluationKeys {@code evaluation.keys}, or null until uploaded
 * @param complete whether both keys are there (a data set or an inference job needs it)
 * @param createdAt when it was created
 */
public record KeySet(String id, String name, FileInfo params, String paramsDigest, int logN,
    int maxLevel, int slots, boolean insecure, FileInfo publicKey, String keyId,
    EvaluationKeysInfo evaluationKeys, boolean complete, Instant createdAt) {}
