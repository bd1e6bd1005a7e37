package dev.veil.server.catalog;

/**
 * A user's uploaded public key set as the job runners need it: blob digests of its parameters,
 * public key and evaluation keys (never a secret key: the server refuses those at upload).
 *
 * @param id the key set's id
 * @param ownerId who uploaded it (the key pair's holder)
 * @param paramsSha256 the {@code VeilIO} parameters
 * @param publicKeySha256 the public key
 * @param evaluationKeysSha256 the evaluation keys (relinearisation and Galois keys)
 */
public record KeySetRef(String id, String ownerId, String paramsSha256, String publicKeySha256,
    String evaluationKeysSha256) {}
