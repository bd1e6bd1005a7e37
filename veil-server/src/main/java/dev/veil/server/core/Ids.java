package dev.veil.server.core;

import java.security.SecureRandom;

/**
 * Public object ids: a short type prefix and 20 random base-32 characters (100 bits), e.g.
 * {@code ds_k3v9...}. Random rather than sequential so that ids reveal neither counts nor order.
 */
public final class Ids {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  /** A new id {@code prefix_xxxxxxxxxxxxxxxxxxxx}. */
  public static String next(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() + 21).append(prefix).append('_');
    for (int i = 0; i < 20; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(32)]);
    }
    return sb.toString();
  }

  /** Whether {@code id} has the shape of an id with this prefix (checked before any lookup). */
  public static boolean looksLike(String prefix, String id) {
    if (id == null || id.length() != prefix.length() + 21 || !id.startsWith(prefix + "_")) {
      return false;
    }
    for (int i = prefix.length() + 1; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
        return false;
      }
    }
    return true;
  }
}
