package dev.veil.server.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * API token strings: {@code veil_} and 43 base64url characters encoding 32 random bytes from
 * {@link SecureRandom}. The prefix lets secret scanners find leaked tokens. The server stores only
 * {@link #hash}, the SHA-256 of the token, and looks tokens up by it.
 */
public final class Tokens {
  static final String PREFIX = "veil_";
  private static final int RANDOM_BYTES = 32;
  /** PREFIX + unpadded base64 of 32 bytes. */
  static final int LENGTH = PREFIX.length() + 43;

  private Tokens() {}

  /** A new token. */
  public static String generate(SecureRandom random) {
    byte[] b = new byte[RANDOM_BYTES];
    random.nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  /** Whether {@code token} has the shape of a token (checked before any hashing or lookup). */
  public static boolean wellFormed(String token) {
    if (token == null || token.length() != LENGTH || !token.startsWith(PREFIX)) {
      return false;
    }
    for (int i = PREFIX.length(); i < LENGTH; i++) {
      char c = token.charAt(i);
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /** Lowercase hex SHA-256 of the token: what is stored. */
  public static String hash(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time equality of two hex digests. */
  public static boolean sameHash(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
        b.getBytes(StandardCharsets.US_ASCII));
  }
}
