package dev.veil.api;

/**
 * The public key that signs the server's audit checkpoints ({@code GET /api/audit/public-key},
 * no token needed).
 *
 * @param algorithm {@value AuditChain#ALGORITHM}
 * @param keyId the key's short id, as checkpoints name it
 * @param fingerprint the SHA-256 of the key's X.509 encoding, lowercase hex: what to compare with
 *     the operator's copy out of band
 * @param publicKey the key as PEM ({@code -----BEGIN PUBLIC KEY-----}), as the server's {@code
 *     audit-signing.pub} holds it
 */
public record AuditSigningKey(String algorithm, String keyId, String fingerprint,
    String publicKey) {}
