package dev.veil.server.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.veil.server.core.Digests;
import dev.veil.server.core.KeyFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encryption at rest of published models' weights: AES-256-GCM under a random 32-byte master key
 * kept in a file of the data directory ({@value #KEY_FILE}, created from {@link SecureRandom} on
 * first start, permissions 600 where the file system has POSIX permissions).
 *
 * <p>Each sealing uses a fresh random 96-bit nonce; the associated data binds the ciphertext to its
 * model id and to the key id, so sealed weights copied to another model, or opened with another
 * key, fail to authenticate rather than decrypt to something. Sealed form, base64: version byte
 * (1), nonce (12 bytes), ciphertext and 16-byte tag.
 *
 * <p>What it protects: the weights in the database and its backups (a database dump alone reveals
 * no weights). What it does not: a process that reads both the database and the key file (the
 * server itself, whose inference runner opens the weights to compute). Thread-safe.
 */
public final class WeightsVault {
  private static final Logger LOG = LoggerFactory.getLogger(WeightsVault.class);

  /** The master key's file name in the data directory. */
  public static final String KEY_FILE = "model-weights.key";
  private static final int KEY_BYTES = 32;
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final byte VERSION = 1;

  private final SecretKeySpec key;
  private final String keyId;
  private final SecureRandom random;

  private WeightsVault(byte[] keyBytes, SecureRandom random) {
    if (keyBytes.length != KEY_BYTES) {
      throw new IllegalArgumentException("the master key has " + KEY_BYTES + " bytes, got "
          + keyBytes.length);
    }
    this.key = new SecretKeySpec(keyBytes, "AES");
    byte[] idInput = new byte[keyBytes.length + 1];
    idInput[0] = 'k';
    System.arraycopy(keyBytes, 0, idInput, 1, keyBytes.length);
    this.keyId = Digests.sha256Hex(idInput).substring(0, 16);
    Arrays.fill(idInput, (byte) 0);
    this.random = random;
  }

  /** A vault over a given key (tests). The bytes are copied. */
  public static WeightsVault ofKey(byte[] keyBytes) {
    return new WeightsVault(keyBytes.clone(), new SecureRandom());
  }

  /**
   * The vault of a data directory: reads {@value #KEY_FILE}, or creates it (32 bytes from {@link
   * SecureRandom}, written as {@link KeyFiles} writes key files: permissions 600, complete or
   * not at all).
   *
   * @throws IOException if the key file cannot be read or written, or does not hold exactly 32
   *     bytes
   */
  public static WeightsVault openOrCreate(Path dataDir) throws IOException {
    SecureRandom random = new SecureRandom();
    KeyFiles.Loaded k = KeyFiles.readOrCreate(dataDir, KEY_FILE, () -> {
      byte[] fresh = new byte[KEY_BYTES];
      random.nextBytes(fresh);
      return fresh;
    });
    Path file = dataDir.resolve(KEY_FILE);
    if (k.created()) {
      LOG.info("created the model weights master key {}", file);
    }
    if (k.permissionWarning() != null) {
      LOG.warn(k.permissionWarning());
    }
    byte[] bytes = k.bytes();
    try {
      if (bytes.length != KEY_BYTES) {
        throw new IOException(file + " holds " + bytes.length + " bytes, a master key "
            + KEY_BYTES + ": not a Veil key file, or damaged");
      }
      return new WeightsVault(bytes, random);
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  /** A short public name of the master key (stored with sealed weights to tell keys apart). */
  public String keyId() {
    return keyId;
  }

  /** Seals the weights of {@code modelId}. */
  public String seal(String modelId, byte[] plaintext) {
    Objects.requireNonNull(modelId, "modelId");
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      c.updateAAD(aad(modelId));
      byte[] ct = c.doFinal(plaintext);
      ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + ct.length);
      out.put(VERSION).put(nonce).put(ct);
      return Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  /**
   * Opens the sealed weights of {@code modelId}.
   *
   * @throws IllegalStateException if they do not authenticate (tampered, another model's, or
   *     sealed under another master key)
   */
  public byte[] open(String modelId, String sealed) {
    Objects.requireNonNull(modelId, "modelId");
    byte[] all;
    try {
      all = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("the sealed weights of model " + modelId
          + " are not base64");
    }
    if (all.length < 1 + NONCE_BYTES + TAG_BITS / 8 || all[0] != VERSION) {
      throw new IllegalStateException("the sealed weights of model " + modelId
          + " are damaged or of an unknown version");
    }
    try {
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 1, NONCE_BYTES));
      c.updateAAD(aad(modelId));
      return c.doFinal(all, 1 + NONCE_BYTES, all.length - 1 - NONCE_BYTES);
    } catch (AEADBadTagException e) {
      throw new IllegalStateException("the sealed weights of model " + modelId + " do not"
          + " authenticate: tampered with, another model's, or sealed under another master key"
          + " than " + keyId);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is unavailable", e);
    }
  }

  private byte[] aad(String modelId) {
    return ("veil-model-weights/1\n" + modelId + "\n" + keyId)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "WeightsVault[key " + keyId + "]";
  }
}
