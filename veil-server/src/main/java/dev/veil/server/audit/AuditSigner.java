package dev.veil.server.audit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;

import dev.veil.api.AuditChain;
import dev.veil.api.AuditSigningKey;
import dev.veil.server.core.KeyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ed25519 key that signs audit checkpoints, kept outside the database: {@value #KEY_FILE} in
 * the data directory beside the weights' master key (created from {@link SecureRandom} on first
 * start, permissions 600, complete or not at all: see {@link KeyFiles}), its public half exported
 * as {@value #PUBLIC_FILE} and served at {@code GET /api/audit/public-key}.
 *
 * <p>The key file is PEM: the private key (PKCS#8) then the public key (X.509), both checked
 * together on every start by signing and verifying, so that a damaged or mismatched file stops the
 * server rather than producing checkpoints nobody can verify. Servers that share a database must
 * share this file. What it protects against: a database writer without the file, who can recompute
 * the hash chain but not sign a checkpoint. What it does not: whoever reads the file (the server
 * process) can sign anything. Thread-safe.
 */
public final class AuditSigner {
  private static final Logger LOG = LoggerFactory.getLogger(AuditSigner.class);

  /** The key pair's file in the data directory. */
  public static final String KEY_FILE = "audit-signing.key";
  /** The public key's file in the data directory, for operators to hand to verifiers. */
  public static final String PUBLIC_FILE = "audit-signing.pub";
  private static final String PRIVATE_LABEL = "PRIVATE KEY";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final String keyId;

  private AuditSigner(PrivateKey privateKey, PublicKey publicKey) {
    this.privateKey = privateKey;
    this.publicKey = publicKey;
    this.keyId = AuditChain.keyId(publicKey.getEncoded());
  }

  /** A signer with a fresh key that no file holds (tests: "another key"). */
  public static AuditSigner generate() {
    KeyPair kp = newKeyPair();
    return new AuditSigner(kp.getPrivate(), kp.getPublic());
  }

  /**
   * The signer of a data directory: reads {@value #KEY_FILE}, or creates it; then writes
   * {@value #PUBLIC_FILE} if it is missing or differs.
   *
   * @throws IOException if a file cannot be read or written, or the key file is not a matching
   *     Ed25519 key pair
   */
  public static AuditSigner openOrCreate(Path dataDir) throws IOException {
    Path file = dataDir.resolve(KEY_FILE);
    KeyFiles.Loaded k = KeyFiles.readOrCreate(dataDir, KEY_FILE, () -> {
      KeyPair kp = newKeyPair();
      return (AuditChain.pem(PRIVATE_LABEL, kp.getPrivate().getEncoded())
          + AuditChain.publicKeyPem(kp.getPublic())).getBytes(StandardCharsets.US_ASCII);
    });
    if (k.created()) {
      LOG.info("created the audit signing key {}", file);
    }
    if (k.permissionWarning() != null) {
      LOG.warn(k.permissionWarning());
    }
    AuditSigner signer;
    String text = new String(k.bytes(), StandardCharsets.US_ASCII);
    Arrays.fill(k.bytes(), (byte) 0);
    try {
      byte[] der = AuditChain.pemBytes(text, PRIVATE_LABEL);
      KeyFactory f = KeyFactory.getInstance(AuditChain.ALGORITHM);
      PrivateKey priv = f.generatePrivate(new PKCS8EncodedKeySpec(der));
      Arrays.fill(der, (byte) 0);
      PublicKey pub = AuditChain.publicKey(text);
      signer = new AuditSigner(priv, pub);
      byte[] probe = "veil-audit-key-check".getBytes(StandardCharsets.US_ASCII);
      Signature v = Signature.getInstance(AuditChain.ALGORITHM);
      v.initVerify(pub);
      v.update(probe);
      if (!v.verify(signer.sign(probe))) {
        throw new IOException(file + ": its private and public keys do not match (damaged?)");
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IOException(file + " is not a Veil audit signing key (" + e.getMessage()
          + "): restore it from a backup; a new key would make earlier checkpoints unverifiable"
          + " with the key verifiers have pinned", e);
    }
    Path pubFile = dataDir.resolve(PUBLIC_FILE);
    byte[] pem = signer.publicKeyPem().getBytes(StandardCharsets.US_ASCII);
    if (!Files.exists(pubFile) || !Arrays.equals(Files.readAllBytes(pubFile), pem)) {
      KeyFiles.writePublic(pubFile, pem);
    }
    return signer;
  }

  private static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(AuditChain.ALGORITHM);
      g.initialize(NamedParameterSpec.ED25519, new SecureRandom());
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + AuditChain.ALGORITHM, e);
    }
  }

  /** The Ed25519 signature of {@code message}. */
  public byte[] sign(byte[] message) {
    try {
      Signature s = Signature.getInstance(AuditChain.ALGORITHM);
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with " + AuditChain.ALGORITHM, e);
    }
  }

  /** The public key's short id, as checkpoints name it. */
  public String keyId() {
    return keyId;
  }

  /** The public key as PEM. */
  public String publicKeyPem() {
    return AuditChain.publicKeyPem(publicKey);
  }

  /** The public key as the API serves it. */
  public AuditSigningKey signingKey() {
    return new AuditSigningKey(AuditChain.ALGORITHM, keyId,
        AuditChain.fingerprint(publicKey.getEncoded()), publicKeyPem());
  }

  /** Never shows the private key. */
  @Override
  public String toString() {
    return "AuditSigner[key " + keyId + "]";
  }
}
